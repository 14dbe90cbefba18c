/// The three two-layer ReLU networks of science §1, as learned by the convex programs (science §4)
/// and by training (science §5). The raw values are what users type (`--learned`, `--net`, `arch`)
/// and what cache keys and figure baselines contain.
public enum NetworkKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// f = (X W)_+ a: the skip programs without w₀.
    case plain
    /// f = X w₀ α₀ + (X W)_+ a: ReLU with a linear skip connection; blocks w₀ (A = X) and w_i (A = D_i X).
    case skip
    /// f = Σ_i a_i γ_i (X w_i)_+ / ‖(X w_i)_+‖: ReLU with normalization; blocks w_i in the U_i basis
    /// of D_i X = U_i Σ_i V_iᵀ.
    case normalized
}
