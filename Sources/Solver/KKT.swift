import Foundation
import LinearAlgebra

/// A solver for the interior-point Newton system at the cones' current scaling,
///
///     [P  Aᵀ  Gᵀ ] [dx]   [bx]
///     [A  0   0  ] [dy] = [by]
///     [G  0  −W² ] [dz]   [bz],
///
/// the swappable piece of the iteration: `StructuredNormalEquations` for real work,
/// `DenseReferenceKKT` to check it on small problems.
protocol KKTSolver: AnyObject {
    /// Factors for the current scaling of the cones; false when the system is numerically singular.
    func factor() -> Bool
    func solve(bx: [Double], by: [Double], bz: [Double]) -> (dx: [Double], dy: [Double], dz: [Double])
    /// `solve`, plus Aᵀdy (x layout) when the solver formed it on the way, nil otherwise: the
    /// refinement and the dual residual then need not form it again (one n×d×B product each).
    func solveWithAdjoint(bx: [Double], by: [Double], bz: [Double]) -> (dx: [Double], dy: [Double], dz: [Double], adjointOfDy: [Double]?)
    /// Time and floating-point operations spent forming the n×n normal matrix (benchmark).
    var formationSeconds: Double { get }
    var formationFlops: Double { get }
}

extension KKTSolver {
    func solveWithAdjoint(bx: [Double], by: [Double], bz: [Double]) -> (dx: [Double], dy: [Double], dz: [Double], adjointOfDy: [Double]?) {
        let (dx, dy, dz) = solve(bx: bx, by: by, bz: bz)
        return (dx, dy, dz, nil)
    }
}

/// The full KKT matrix, formed densely and solved by LU: no structure used, so it checks the
/// structured elimination. Its cost grows like (#variables)³: tests only.
final class DenseReferenceKKT: KKTSolver {
    let form: ConicForm
    let cones: ConeSet
    let settings: SolverSettings
    private let a: Matrix<Double>
    private let g: Matrix<Double>
    private var k: Matrix<Double>
    var formationSeconds = 0.0
    var formationFlops = 0.0

    init(form: ConicForm, cones: ConeSet, settings: SolverSettings) {
        self.form = form
        self.cones = cones
        self.settings = settings
        let N = form.xCount
        var a = Matrix<Double>(rows: form.n, columns: N), g = Matrix<Double>(rows: form.m, columns: N)
        for col in 0..<N {
            var e = [Double](repeating: 0, count: N)
            e[col] = 1
            a.setColumn(col, to: form.forward(e).ax)
            g.setColumn(col, to: form.applyG(e))
        }
        self.a = a
        self.g = g
        k = Matrix(rows: N + form.n, columns: N + form.n)
    }

    func factor() -> Bool {
        let N = form.xCount, n = form.n
        var wg = g
        for col in 0..<N { wg.setColumn(col, to: cones.W2(g.column(col), inverse: true)) }
        let h = Matrix.product(g, wg, transA: .transpose)
        k = Matrix(rows: N + n, columns: N + n)
        for j in 0..<N { for i in 0..<N { k[i, j] = h[i, j] } }
        if form.approx { for i in 0..<n { k[form.rOffset + i, form.rOffset + i] += 2 } }
        for j in 0..<N { for i in 0..<n { k[N + i, j] = a[i, j]; k[j, N + i] = a[i, j] } }
        // The structured solve's static regularization, absolute here: enough for LU when the blocks
        // do not span Rⁿ.
        for i in 0..<n { k[N + i, N + i] = -settings.normalRegularization }
        return true
    }

    func solve(bx: [Double], by: [Double], bz: [Double]) -> (dx: [Double], dy: [Double], dz: [Double]) {
        let N = form.xCount
        var top = bx
        top.add(g.times(cones.W2(bz, inverse: true), .transpose))
        let sol = (try? k.solve(top + by)) ?? [Double](repeating: .nan, count: N + form.n)
        let dx = Array(sol[0..<N]), dy = Array(sol[N...])
        let dz = cones.W2(minus(g.times(dx), bz), inverse: true)
        return (dx, dy, dz)
    }
}
