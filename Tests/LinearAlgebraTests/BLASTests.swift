import LinearAlgebra
import Testing

@Suite struct BLASTests {
    @Test func rowMajorInputAndTransposeAgree() {
        let m = Matrix<Double>([[1, 2, 3], [4, 5, 6]])
        #expect(m[0, 2] == 3 && m[1, 0] == 4)
        #expect(m.rowMajorValues == [1, 2, 3, 4, 5, 6])
        #expect(m.transposed().rowArrays == [[1, 4], [2, 5], [3, 6]])
        #expect(m.transposed().transposed() == m)
    }

    @Test(arguments: [(3, 4, 5), (17, 1, 9), (40, 33, 8)])
    func gemmMatchesTripleLoop(m: Int, k: Int, n: Int) {
        let a = randomMatrix(m, k, seed: 1), b = randomMatrix(k, n, seed: 2)
        #expect(maxAbsDifference(a * b, naiveProduct(a, b)) < 1e-13)
        let atb = Matrix.product(a.transposed(), b.transposed(), transA: .transpose, transB: .transpose)
        #expect(maxAbsDifference(atb, naiveProduct(a, b)) < 1e-13)
        var c = naiveProduct(a, b)
        Matrix.gemm(a, b, alpha: 2, beta: -1, into: &c)
        #expect(maxAbsDifference(c, naiveProduct(a, b)) < 1e-13)
    }

    @Test func gramIsSymmetricAndEqualsProduct() {
        let a = randomMatrix(12, 5, seed: 3)
        #expect(maxAbsDifference(a.gram(.transpose), naiveProduct(a.transposed(), a)) < 1e-13)
        #expect(maxAbsDifference(a.gram(), naiveProduct(a, a.transposed())) < 1e-13)
        let g = a.gram()
        #expect(g == g.transposed())
    }

    @Test func gemvAndLevelOneKernels() {
        let a = randomMatrix(7, 4, seed: 4)
        let x: [Double] = [1, -2, 0.5, 3]
        let reference = naiveProduct(a, Matrix(column: x)).storage
        #expect(zip(a.times(x), reference).allSatisfy { abs($0 - $1) < 1e-14 })
        #expect(zip(a.times(reference, .transpose), naiveProduct(a.transposed(), Matrix(column: reference)).storage)
            .allSatisfy { abs($0 - $1) < 1e-13 })
        #expect([3.0, 4].norm == 5)
        #expect([1.0, 2, 3].dot([4, 5, 6]) == 32)
        #expect([1.0, 2].adding([10, 20], scaledBy: 0.5) == [6, 12])
        #expect(Matrix<Double>([[1, 2], [3, 4]]).scalingRows(by: [2, -1]) == Matrix([[2, 4], [-3, -4]]))
    }

    @Test func singlePrecisionProductsWork() {
        let a = randomMatrix(9, 6, seed: 5), b = randomMatrix(6, 3, seed: 6)
        let product = (a.singlePrecision * b.singlePrecision).doublePrecision
        #expect(maxAbsDifference(product, naiveProduct(a, b)) < 1e-5)
    }
}
