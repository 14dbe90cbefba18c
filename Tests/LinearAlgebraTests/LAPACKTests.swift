import LinearAlgebra
import Testing

@Suite struct LAPACKTests {
    @Test(arguments: [(30, 8), (8, 30), (12, 12)])
    func svdReconstructsTheMatrix(m: Int, n: Int) throws {
        let x = randomMatrix(m, n, seed: 7)
        let f = try x.svd()
        let k = min(m, n)
        #expect(f.u.rows == m && f.u.columns == k && f.vt.rows == k && f.vt.columns == n)
        let reconstructed = f.u.scalingColumnsForTest(f.singularValues) * f.vt
        #expect(maxAbsDifference(reconstructed, x) < 1e-12)
        #expect(maxAbsDifference(f.u.gram(.transpose), .identity(k)) < 1e-12)
        #expect(zip(f.singularValues, f.singularValues.dropFirst()).allSatisfy { $0 >= $1 })
    }

    @Test func fullSVDSpansTheNullSpace() throws {
        let x = randomMatrix(5, 9, seed: 8)
        let f = try x.svd(full: true)
        #expect(f.vt.rows == 9)
        let nullVector = f.vt.row(8)
        #expect(x.times(nullVector).norm < 1e-12)
        #expect(abs(nullVector.norm - 1) < 1e-12)
    }

    @Test func rankOfAProductOfThinFactors() throws {
        let x = randomMatrix(20, 3, seed: 9) * randomMatrix(3, 15, seed: 10)
        #expect(try x.numericalRank() == 3)
        #expect(try randomMatrix(20, 15, seed: 11).numericalRank() == 15)
    }

    @Test func choleskyFactorsAndSolves() throws {
        let a = randomMatrix(10, 6, seed: 12).gram(.transpose) + .identity(6)
        let c = try a.cholesky()
        #expect(maxAbsDifference(c.factor * c.factor.transposed(), a) < 1e-12)
        let b: [Double] = [1, 2, 3, 4, 5, 6]
        #expect(a.times(c.solve(b)).adding(b, scaledBy: -1).norm < 1e-12)
        #expect(throws: LinearAlgebraError.notPositiveDefinite(minor: 2)) {
            try Matrix<Double>([[1, 2], [2, 1]]).cholesky()
        }
    }

    @Test func triangularAndGeneralSolves() throws {
        let a = randomMatrix(6, 6, seed: 13) + Matrix.identity(6).map { $0 * 4 }
        let b = randomMatrix(6, 2, seed: 14)
        #expect(maxAbsDifference(a * (try a.solve(b)), b) < 1e-12)
        let l = try (a.gram() + .identity(6)).cholesky().factor
        let x = l.solveTriangular(b.column(0), lower: true, transpose: .transpose)
        #expect(l.transposed().times(x).adding(b.column(0), scaledBy: -1).norm < 1e-12)
        #expect(throws: LinearAlgebraError.singular) { try Matrix<Double>([[1, 2], [2, 4]]).solve([1, 1]) }
    }

    @Test func thinQR() throws {
        let a = randomMatrix(15, 4, seed: 15)
        let (q, r) = try a.qr()
        #expect(maxAbsDifference(q * r, a) < 1e-12)
        #expect(maxAbsDifference(q.gram(.transpose), .identity(4)) < 1e-12)
        #expect(r[3, 0] == 0 && r[2, 1] == 0)
    }

    @Test func fullQRAddsAnOrthonormalComplement() throws {
        let a = randomMatrix(15, 4, seed: 15)
        let (q, r) = try a.qr(full: true)
        #expect(q.rows == 15 && q.columns == 15)
        #expect(maxAbsDifference(q.gram(.transpose), .identity(15)) < 1e-12)
        #expect(maxAbsDifference(q.columns(0..<4) * r, a) < 1e-12)
        // The last 11 columns are orthogonal to every column of A: a basis of null Aᵀ.
        #expect(Matrix.product(a, q.columns(4..<15), transA: .transpose).storage.map(abs).max()! < 1e-12)
        #expect(maxAbsDifference(try a.qr().q, q.columns(0..<4)) < 1e-12)
    }

    @Test func leastSquaresSatisfiesTheNormalEquations() throws {
        let a = randomMatrix(20, 5, seed: 16), b = randomMatrix(20, 1, seed: 17).storage
        let x = try a.leastSquares(b)
        let residual = a.times(x).adding(b, scaledBy: -1)
        #expect(a.times(residual, .transpose).norm < 1e-12)
        // Rank-deficient: the minimum-norm solution lies in the row space.
        let deficient = randomMatrix(20, 2, seed: 18) * randomMatrix(2, 5, seed: 19)
        let (solution, rank) = try deficient.leastSquares(Matrix(column: b))
        #expect(rank == 2)
        let pinvSolution = (try deficient.pseudoInverse()).times(b)
        #expect(solution.storage.adding(pinvSolution, scaledBy: -1).norm < 1e-10)
    }

    @Test func pseudoInverseSatisfiesPenroseIdentities() throws {
        let a = randomMatrix(7, 3, seed: 20) * randomMatrix(3, 5, seed: 21)
        let p = try a.pseudoInverse()
        #expect(maxAbsDifference(a * p * a, a) < 1e-12)
        #expect(maxAbsDifference(p * a * p, p) < 1e-10)
        #expect(maxAbsDifference((a * p).transposed(), a * p) < 1e-12)
    }

    @Test func symmetricEigenDecomposition() throws {
        let a = randomMatrix(8, 8, seed: 22).gram()
        let (values, vectors) = try a.symmetricEigen()
        let av = a * vectors
        for j in 0..<8 {
            #expect(av.column(j).adding(vectors.column(j), scaledBy: -values[j]).norm < 1e-12)
        }
    }
}

extension Matrix where Scalar == Double {
    /// self · diag(s), for reconstructions.
    func scalingColumnsForTest(_ s: [Double]) -> Matrix {
        transposed().scalingRows(by: s).transposed()
    }
}

/// PointerKernels' inverses, which the solver's merged elimination of a pattern's two blocks uses.
@Suite struct TriangularInverseTests {
    /// The recursive triangular inverse and (L Lᵀ)⁻¹ from it, on sizes below, at and across the
    /// recursion's base case and inside a larger leading dimension (as the solver's blocks sit):
    /// L·L⁻¹ = I, and (L Lᵀ)·(L Lᵀ)⁻¹ = I from the lower triangle written.
    @Test(arguments: [1, 5, 16, 17, 40, 101])
    func triangularAndCholeskyInverses(n: Int) throws {
        let ld = n + 3
        let a = randomMatrix(2 * n, n, seed: UInt64(20 + n)).gram(.transpose) + .identity(n)
        let l = try a.cholesky().factor
        var stored = [Double](repeating: .nan, count: ld * n)
        for j in 0..<n { for i in j..<n { stored[i + j * ld] = l[i, j] } }
        var inverse = stored
        let info = inverse.withUnsafeMutableBufferPointer { PointerKernels.invertLowerTriangle($0.baseAddress!, n: n, lda: ld) }
        #expect(info == 0)
        var lInverse = Matrix<Double>(rows: n, columns: n)
        for j in 0..<n { for i in j..<n { lInverse[i, j] = inverse[i + j * ld] } }
        #expect(maxAbsDifference(naiveProduct(l, lInverse), .identity(n)) < 1e-12)

        var out = [Double](repeating: .nan, count: n * n)
        let status = stored.withUnsafeBufferPointer { lp in
            out.withUnsafeMutableBufferPointer { PointerKernels.choleskyInverse(lp.baseAddress!, n: n, ldl: ld, into: $0.baseAddress!, ldo: n) }
        }
        #expect(status == 0)
        var aInverse = Matrix<Double>(rows: n, columns: n)
        for j in 0..<n { for i in j..<n { aInverse[i, j] = out[i + j * n]; aInverse[j, i] = out[i + j * n] } }
        #expect(maxAbsDifference(naiveProduct(a, aInverse), .identity(n)) < 1e-10)
    }

    @Test func singularTriangleIsReportedAtItsZeroPivot() {
        var small: [Double] = [1, 2, 3, 0, 0, 4, 0, 0, 5]   // 3×3 lower, L[1, 1] = 0: the base case
        #expect(small.withUnsafeMutableBufferPointer { PointerKernels.invertLowerTriangle($0.baseAddress!, n: 3, lda: 3) } == 2)
        var big = [Double](repeating: 0, count: 40 * 40)
        for i in 0..<40 { big[i + i * 40] = i == 30 ? 0 : 1 }
        #expect(big.withUnsafeMutableBufferPointer { PointerKernels.invertLowerTriangle($0.baseAddress!, n: 40, lda: 40) } == 31)
    }
}
