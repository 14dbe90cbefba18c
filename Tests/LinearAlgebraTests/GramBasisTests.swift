import LinearAlgebra
import Testing

@Suite struct GramBasisTests {
    /// A = Q·C, Q orthonormal, C·M = I and Q = A·M, for tall, square and wide A; Q spans range A
    /// (the projector Q Qᵀ equals the SVD's U Uᵀ).
    @Test(arguments: [(40, 10), (12, 12), (10, 40)])
    func factorsAreABasisOfTheRange(m: Int, d: Int) throws {
        let a = randomMatrix(m, d, seed: 21)
        let f = try #require(GramBasis(a, maximumCondition: 1e3))
        let r = min(m, d)
        let q = f.q(of: a), c = f.coordinates(of: a), inverse = f.rightInverse(of: a)
        #expect(q.rows == m && q.columns == r && c.rows == r && c.columns == d)
        #expect(maxAbsDifference(q * c, a) < 1e-12)
        #expect(maxAbsDifference(q.gram(.transpose), .identity(r)) < 1e-12)
        #expect(maxAbsDifference(c * inverse, .identity(r)) < 1e-10)
        #expect(maxAbsDifference(a * inverse, q) < 1e-10)
        let u = try a.svd().u
        #expect(maxAbsDifference(q * q.transposed(), u * u.transposed()) < 1e-12)
        // For tall A the products with M, Mᵀ and C are triangular solves and products with L.
        if m >= d {
            let v = randomMatrix(r, 1, seed: 28).storage
            func column(_ x: [Double]) -> Matrix<Double> { Matrix(rows: x.count, columns: 1, columnMajor: x) }
            #expect(maxAbsDifference(column(f.solve(v, transposed: true)), column(inverse.times(v))) < 1e-12)
            #expect(maxAbsDifference(column(f.solve(v, transposed: false)), column(inverse.times(v, .transpose))) < 1e-12)
            #expect(maxAbsDifference(column(f.transposeTimes(v)), column(c.times(v))) < 1e-12)
        }
    }

    /// ‖Qᵀv‖ from the Gram matrix alone equals the norm through the basis itself, and the route
    /// refuses what its condition bound excludes.
    @Test(arguments: [(40, 10), (12, 12), (10, 40)])
    func projectionNormWithoutTheBasis(m: Int, d: Int) throws {
        let a = randomMatrix(m, d, seed: 26)
        let v = randomMatrix(m, 1, seed: 27).storage
        let f = try #require(GramBasis(a, maximumCondition: 1e3))
        let norm = try #require(GramBasis.projectionNorm(of: v, onto: a, maximumCondition: 1e6))
        #expect(abs(norm - f.q(of: a).times(v, .transpose).norm) <= 1e-12 * v.norm)
        // Two nearly equal columns (tall) or rows (wide): the smaller Gram matrix is nearly singular.
        var illConditioned = a
        if m >= d {
            for i in 0..<m { illConditioned[i, d - 1] = illConditioned[i, 0] + 1e-5 * illConditioned[i, d - 1] }
        } else {
            for j in 0..<d { illConditioned[m - 1, j] = illConditioned[0, j] + 1e-5 * illConditioned[m - 1, j] }
        }
        #expect(GramBasis.projectionNorm(of: v, onto: illConditioned, maximumCondition: 100) == nil)
    }

    /// Rank-deficient and badly conditioned A are refused (the caller takes the SVD), well
    /// conditioned ones with a wide spread of column scales are not.
    @Test func refusesWhatTheGramMatrixCannotResolve() {
        let deficient = randomMatrix(30, 3, seed: 22) * randomMatrix(3, 8, seed: 23)
        #expect(GramBasis(deficient, maximumCondition: 1e3) == nil)
        var illConditioned = randomMatrix(30, 8, seed: 24)
        for i in 0..<30 { illConditioned[i, 7] = illConditioned[i, 6] + 1e-4 * illConditioned[i, 7] }
        #expect(GramBasis(illConditioned, maximumCondition: 1e3) == nil)
        #expect(GramBasis(illConditioned.transposed(), maximumCondition: 1e3) == nil)
        // Accepted at a bound above its condition (~10⁴), where Q is orthonormal to ε·cond² only.
        #expect(GramBasis(illConditioned, maximumCondition: 1e6) != nil)
        #expect(GramBasis(randomMatrix(30, 8, seed: 25), maximumCondition: 1e3) != nil)
    }
}
