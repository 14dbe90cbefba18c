import LinearAlgebra
import Vocabulary

extension PatternSet {
    /// Patterns of the directions `h` (d×count), the first `planted` of which are planted neurons.
    ///
    /// - Parameter allOnes: the decision on the all-ones pattern (see `AllOnesPattern`).
    public init(x: Matrix<Double>, directions h: Matrix<Double>, planted: Int = 0, allOnes: Bool) {
        let n = x.rows
        let products = Matrix.product(x, h)
        // A column as a bit string, first row first, so that sorting the keys sorts the columns the way
        // numpy's `unique(axis=1)` does (lexicographically, row 0 most significant, 0 before 1).
        let words = (n + 63) / 64
        func key(_ j: Int) -> [UInt64] {
            var bits = [UInt64](repeating: 0, count: words)
            for i in 0..<n where products[i, j] >= 0 {
                bits[i / 64] |= 1 << UInt64(63 - i % 64)
            }
            return bits
        }
        let keys = (0..<h.columns).map(key)
        let distinct = Array(Set(keys)).sorted { $0.lexicographicallyPrecedes($1) }
        var indexOfKey: [[UInt64]: Int] = [:]
        for (index, k) in distinct.enumerated() { indexOfKey[k] = index }
        var columns = distinct
        let onesKey = (0..<words).map { w -> UInt64 in
            let bitsInWord = min(64, n - 64 * w)
            return bitsInWord == 64 ? ~0 : ~0 << UInt64(64 - bitsInWord)
        }
        if allOnes && indexOfKey[onesKey] == nil { columns.append(onesKey) }
        var m = Matrix<Double>(rows: n, columns: columns.count)
        for (j, k) in columns.enumerated() {
            for i in 0..<n where k[i / 64] & (1 << UInt64(63 - i % 64)) != 0 { m[i, j] = 1 }
        }
        self.init(matrix: m, plantedPatterns: (0..<planted).map { indexOfKey[keys[$0]]! }, hasAllOnes: allOnes)
    }
}
