import Foundation

// The two small pieces of probability the comparison rule needs.

/// P(|Z| > z) for a standard normal Z.
func twoSidedNormalTail(_ z: Double) -> Double {
    erfc(z / 2.0.squareRoot())
}

/// The smallest m ≥ 0 with P(K > m) ≤ alpha for K ~ Binomial(count, p): how many cells may be
/// "off" by chance when each is off with probability p under "no regression".
func binomialAllowance(count: Int, probability p: Double, alpha: Double) -> Int {
    guard count > 0, p > 0 else { return 0 }
    guard p < 1 else { return count }
    // pmf(k+1) = pmf(k) · (count − k)/(k + 1) · p/(1 − p), started in log space so that
    // (1 − p)^count does not underflow for large grids.
    var logPMF = Double(count) * log1p(-p)
    var cumulative = 0.0
    for k in 0...count {
        cumulative += exp(logPMF)
        if 1 - cumulative <= alpha { return k }
        logPMF += log(Double(count - k)) - log(Double(k + 1)) + log(p) - log1p(-p)
    }
    return count
}
