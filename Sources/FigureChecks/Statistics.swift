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

/// The standard normal quantile Φ⁻¹(1 − p) for 0 < p < 1 (Acklam's rational approximation
/// refined by one Halley step; relative error far below what a tolerance needs).
func upperNormalQuantile(_ p: Double) -> Double {
    precondition(p > 0 && p < 1)
    let q = min(p, 1 - p)
    // Acklam's approximation of the lower-tail quantile for the tail region q < 0.02425 and the
    // central region, then one Halley step on erfc.
    let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
    let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
             6.680131188771972e+01, -1.328068155288572e+01]
    let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
             -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
    let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
    var x: Double
    if q < 0.02425 {
        let r = (-2 * log(q)).squareRoot()
        x = (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5])
            / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1)
    } else {
        let r = q - 0.5, s = r * r
        x = (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r
            / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1)
    }
    let e = 0.5 * erfc(-x / 2.0.squareRoot()) - q
    let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
    x -= u / (1 + x * u / 2)
    return p < 0.5 ? -x : x
}

/// The upper-tail quantile of χ² with `degrees` degrees of freedom: exact for 1 and 2 degrees,
/// Wilson–Hilferty above (within 1% at the 10⁻³ tail, on the high side); +∞ for none.
func chiSquareQuantile(degrees k: Int, upperTail alpha: Double) -> Double {
    guard k > 0 else { return .infinity }
    if k == 1 { return pow(upperNormalQuantile(alpha / 2), 2) }
    if k == 2 { return -2 * log(alpha) }
    let z = upperNormalQuantile(alpha)
    let h = 2 / (9 * Double(k))
    return Double(k) * pow(1 - h + z * h.squareRoot(), 3)
}
