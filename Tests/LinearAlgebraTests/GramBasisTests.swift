import LinearAlgebra
import Testing

@Suite struct GramBasisTests {
    /// A = Q·C, Q orthonormal, C·M = I and Q = A·M, for tall, square and wide A; Q spans range A
    /// (the projector Q Qᵀ equals the SVD's U Uᵀ).
    @Test(arguments: [(40, 10), (12, 12), (10, 40)])
    func factorsAreABasisOfTheRange(m: Int, d: Int) throws {
        let a = randomMatrix(m, d, seed: 21)
        let f = try #require(GramBasis(a, tolerance: 1e-11))
        let r = min(m, d)
        #expect(f.q.rows == m && f.q.columns == r && f.coordinates.rows == r && f.coordinates.columns == d)
        #expect(maxAbsDifference(f.q * f.coordinates, a) < 1e-12)
        #expect(maxAbsDifference(f.q.gram(.transpose), .identity(r)) < 1e-12)
        #expect(maxAbsDifference(f.coordinates * f.rightInverse, .identity(r)) < 1e-10)
        #expect(maxAbsDifference(a * f.rightInverse, f.q) < 1e-10)
        let u = try a.svd().u
        #expect(maxAbsDifference(f.q * f.q.transposed(), u * u.transposed()) < 1e-12)
    }

    /// Rank-deficient and badly conditioned A are refused (the caller takes the SVD), well
    /// conditioned ones with a wide spread of column scales are not.
    @Test func refusesWhatTheGramMatrixCannotResolve() {
        let deficient = randomMatrix(30, 3, seed: 22) * randomMatrix(3, 8, seed: 23)
        #expect(GramBasis(deficient, tolerance: 1e-11) == nil)
        var illConditioned = randomMatrix(30, 8, seed: 24)
        for i in 0..<30 { illConditioned[i, 7] = illConditioned[i, 6] + 1e-7 * illConditioned[i, 7] }
        #expect(GramBasis(illConditioned, tolerance: 1e-11) == nil)
        #expect(GramBasis(illConditioned.transposed(), tolerance: 1e-11) == nil)
        #expect(GramBasis(randomMatrix(30, 8, seed: 25), tolerance: 1e-11) != nil)
    }
}
