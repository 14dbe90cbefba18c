import Vocabulary

/// The three recovery rates of science §10 side by side, counted over every trial of a result:
/// P(unique recovery) — the instance's property; P(solver says recovered) — `recovery`, which on a
/// tie depends on the solver; P(planted optimal) — the instance's property again. Their gap is
/// the ties.
public struct CertifiedRates: Sendable, Equatable {
    public var trials: Int
    public var unique: Int
    /// Nil when the result has no `recovery` array.
    public var recovered: Int?
    public var plantedOptimal: Int
    public var ties: Int
    /// Trials the solver calls recovered that are not certified unique (each one a tie or a
    /// certificate the tolerances could not give), and certified-unique trials the solver missed.
    public var recoveredNotUnique: Int?
    public var uniqueNotRecovered: Int?

    /// The counts of a result that recorded `unique` and `planted_optimal` (and `tie`, or it is
    /// derived); nil otherwise.
    public init?(_ arrays: [Metric: TrialGrid]) {
        guard let unique = arrays[.unique], let optimal = arrays[.plantedOptimal] else { return nil }
        let u = unique.values.map { $0 == 1 }, o = optimal.values.map { $0 == 1 }
        trials = u.count
        self.unique = u.filter { $0 }.count
        plantedOptimal = o.filter { $0 }.count
        ties = arrays[.tie].map { $0.values.filter { $0 == 1 }.count } ?? zip(o, u).filter { $0 && !$1 }.count
        if let recovery = arrays[.recovery] {
            let r = recovery.values.map { $0 == 1 }
            recovered = r.filter { $0 }.count
            recoveredNotUnique = zip(r, u).filter { $0 && !$1 }.count
            uniqueNotRecovered = zip(r, u).filter { !$0 && $1 }.count
        }
    }

    public func rate(_ count: Int) -> Double { trials == 0 ? .nan : Double(count) / Double(trials) }

    /// One line: "P(unique recovery) 0.412, P(solver says recovered) 0.418, P(planted optimal) 0.551; ties 139 of 1000 trials".
    public var summary: String {
        func f(_ count: Int) -> String { String(format: "%.3f", rate(count)) }
        var parts = ["P(unique recovery) \(f(unique))"]
        if let recovered { parts.append("P(solver says recovered) \(f(recovered))") }
        parts.append("P(planted optimal) \(f(plantedOptimal))")
        var line = parts.joined(separator: ", ") + "; ties \(ties) of \(trials) trials"
        if let recoveredNotUnique, let uniqueNotRecovered {
            line += "; solver says recovered without a uniqueness certificate \(recoveredNotUnique), misses a unique recovery \(uniqueNotRecovered)"
        }
        return line
    }
}
