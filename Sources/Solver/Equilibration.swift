import Foundation
import LinearAlgebra

/// The scales that bring a program's data to unit size before it is solved, and the maps of the
/// solution back (README "Scale"). The science §4 programs are homogeneous in the data: with
/// X = a X′ and y = b y′,
///
/// - relaxed and exact forms: w solves (X, y) iff w′ = (a/b) w solves (X′, y′); the objective is
///   (b/a)·objective′; the dual λ = λ′/a and the sign multipliers μ = μ′/a.
/// - approx forms: ‖Σ D X w − y‖² + β Σ‖w‖ = b² (‖Σ D X′ w′ − y′‖² + β′ Σ‖w′‖) with w′ = (a/b) w and
///   β′ = β/(a b): the same program with a rescaled β; the objective is b²·objective′, λ and μ as above.
/// - normalized programs: the blocks U_i do not change with a (the column space of D_i X is that of
///   D_i X′), so only y is scaled (a = 1).
///
/// a is X's root-mean-square column norm and b = ‖y‖, so every program is solved at one scale and
/// the stop, the infeasibility test and the rounding of the late iterations are the same whatever the
/// units (the iteration's last steps are sensitive to a change of scale by as little as 10 %, so
/// powers of two near the scale would not do). Dividing by a and b rounds each entry once (1e-16
/// relative), far below every tolerance.
struct Equilibration {
    /// a: X = a X′.
    let xScale: Double
    /// b: y = b y′.
    let yScale: Double
    let approx: Bool

    init(_ program: ConvexProgram) {
        approx = program.form == .approx
        xScale = program.architecture == .normalized ? 1 : DataScale.unitOrScale(DataScale.rootMeanSquareColumnNorm(program.X))
        yScale = DataScale.unitOrScale(DataScale.norm(program.y))
    }

    /// The identity, for a caller that solves the data as given.
    init(identityFor program: ConvexProgram) {
        approx = program.form == .approx
        xScale = 1
        yScale = 1
    }

    var isIdentity: Bool { xScale == 1 && yScale == 1 }

    /// The program with X′, y′ (and β′).
    func scaled(_ program: ConvexProgram) -> ConvexProgram {
        if isIdentity { return program }
        var x = program.X
        if xScale != 1 { x.scale(by: 1 / xScale) }
        var scaled = ConvexProgram(architecture: program.architecture, form: program.form, X: x,
                                   y: program.y.scaled(by: 1 / yScale), patterns: program.patterns,
                                   beta: program.beta / (xScale * yScale))
        scaled.patternWeights = program.patternWeights
        return scaled
    }

    /// Maps a result of the scaled program back to the given program's units.
    func unscale(_ result: inout SolverResult) {
        if isIdentity { return }
        let weight = yScale / xScale
        let objective = approx ? yScale * yScale : weight
        result.objective *= objective
        result.dualityGap *= objective
        // ‖Σ A w − y‖ and the sign values (2D − I) X w are both in the units of y.
        result.primalResidual *= yScale
        result.w0 = result.w0?.scaled(by: weight)
        result.w = result.w.map { $0.scaled(by: weight) }
        result.v = result.v?.map { $0.scaled(by: weight) }
        result.lambda = result.lambda?.scaled(by: 1 / xScale)
        result.signMultipliers = result.signMultipliers?.map { $0.scaled(by: 1 / xScale) }
    }

}
