import Foundation

/// The constants of the comparison rule (README.md derives them). The defaults suit every figure;
/// tests may tighten or loosen them.
public struct ComparisonRules: Sendable, Equatable {
    /// A cell is "off" when its difference exceeds `cellZ` standard deviations of the difference
    /// expected from trial-to-trial noise alone.
    public var cellZ: Double
    /// An array's signed mean difference may be at most `shiftZ` standard deviations of that mean.
    public var shiftZ: Double
    /// Probability that an unchanged figure has more off cells than allowed (the binomial bound).
    public var figureFalseAlarm: Double
    /// Continuous values: per-cell difference always tolerated, as a fraction of the plotted range.
    public var continuousCellFloor: Double
    /// Continuous values: signed mean difference always tolerated, as a fraction of the plotted range.
    public var continuousShiftFloor: Double
    /// Rates: this many trials flipping the same way never fail the shift test on their own.
    public var rateShiftFloorTrials: Double
    /// Rates: probability that an unchanged figure fails the per-column boundary test (χ² of the
    /// columns' standardized shifts).
    public var boundaryFalseAlarm: Double
    /// Images: a pixel differs when its CIE76 ΔE to the other image's 3×3 neighbourhood exceeds this.
    public var imageDeltaE: Double
    /// Images: the figure fails when more than this fraction of pixels differ.
    public var imageFraction: Double
    /// Rates: the one-column move test needs at least this many trials per cell (below it a whole
    /// cell is one or two trials, which noise may flip).
    public var columnMoveMinimumTrials: Int = 3

    public init(cellZ: Double = 3, shiftZ: Double = 3, figureFalseAlarm: Double = 1e-3,
                continuousCellFloor: Double = 0.02, continuousShiftFloor: Double = 0.01,
                rateShiftFloorTrials: Double = 2, boundaryFalseAlarm: Double = 1e-3, imageDeltaE: Double = 10, imageFraction: Double = 0.005) {
        self.cellZ = cellZ
        self.shiftZ = shiftZ
        self.figureFalseAlarm = figureFalseAlarm
        self.continuousCellFloor = continuousCellFloor
        self.continuousShiftFloor = continuousShiftFloor
        self.rateShiftFloorTrials = rateShiftFloorTrials
        self.boundaryFalseAlarm = boundaryFalseAlarm
        self.imageDeltaE = imageDeltaE
        self.imageFraction = imageFraction
    }

    public static let standard = ComparisonRules()
}

/// A grid point, for pointing at the cell that differs most.
public struct GridCell: Sendable, Equatable, CustomStringConvertible {
    public var n: Double
    public var d: Double
    public init(n: Double, d: Double) { self.n = n; self.d = d }
    public var description: String { "n=\(formatGridValue(n)), d=\(formatGridValue(d))" }
}

/// How one named array of a figure compares with its baseline.
public struct ArrayComparison: Sendable, Equatable {
    public var name: String
    public var kind: ValueKind
    /// Cells with values in both (cells skipped in both are not compared).
    public var cellsCompared: Int
    /// Cells whose difference exceeds the per-cell tolerance, or whose count of valid trials changed.
    public var cellsOff: Int
    /// Largest |new − baseline| of cell means (after clipping continuous values), and where.
    public var largestDifference: Double
    public var largestDifferenceAt: GridCell?
    /// Signed mean over compared cells of new − baseline: a moved transition moves many cells the
    /// same way. For a rate rising along n it is about (average shift in n steps) / (n count).
    public var shift: Double
    /// |shift| above this fails.
    public var shiftTolerance: Double
    /// Rates: per d column, Σ over n of (new − baseline). For a rate rising along n this is how far
    /// the column's transition moved, in n steps (negative: to larger n). NaN for a column
    /// without compared cells; empty for continuous arrays.
    public var columnShifts: [Double] = []
    /// Rates: Σ over columns of (column shift / its standard deviation)², χ² under "no
    /// regression", and the value above which the boundary is judged moved.
    public var boundaryStatistic: Double = 0
    public var boundaryLimit: Double = .infinity
    /// Rates: per d column, whether every changed cell changed the same way and one of them by a
    /// majority of its trials; with a whole cell's net shift that is a moved transition (see README).
    public var columnMovedOneWay: [Bool] = []
    /// Rates: the |column shift| in n steps that, moved one way, counts as a moved transition (one
    /// whole cell); infinite where the rule does not apply (fewer than `columnMoveMinimumTrials`).
    public var columnMoveLimit: Double = .infinity
    /// Structural failures: grid, trials, kind, NaN pattern, values that are not 0/1.
    public var problems: [String]
    /// True when every value equals its baseline (NaN equal to NaN).
    public var identical: Bool = false

    public var shiftExceeded: Bool { abs(shift) > shiftTolerance }
    public var boundaryMoved: Bool { boundaryStatistic > boundaryLimit }
    /// Indices of the d columns whose transition moved by at least `columnMoveLimit` steps.
    public var movedColumns: [Int] {
        columnShifts.indices.filter {
            !columnShifts[$0].isNaN && abs(columnShifts[$0]) >= columnMoveLimit - 1e-9
                && $0 < columnMovedOneWay.count && columnMovedOneWay[$0]
        }
    }
}

/// The verdict on one figure: its data (and, once the driver has compared them, its image).
public struct FigureVerdict: Sendable, Equatable, CustomStringConvertible {
    public var figureID: String
    /// The regenerated figure's metric names, in order.
    public var metricNames: [String]
    /// One entry per array present in both baseline and regenerated data.
    public var arrays: [ArrayComparison]
    public var cellsCompared: Int
    public var cellsOff: Int
    /// Off cells an unchanged figure exceeds with probability ≤ `figureFalseAlarm`.
    public var allowedCellsOff: Int
    public var largestDifference: Double
    /// The shift of the array closest to (or furthest beyond) its tolerance, with that tolerance.
    public var shift: Double
    public var shiftTolerance: Double
    /// Every reason the data fail; empty when they pass.
    public var problems: [String]
    /// The rendered PNGs' comparison; nil when not compared.
    public var image: ImageVerdict?
    /// Side-by-side difference image written for a failure.
    public var diffImage: URL?
    /// True when the baseline was (re)written from the regenerated figure.
    public var updated: Bool

    public init(figureID: String, metricNames: [String] = [], arrays: [ArrayComparison] = [], cellsCompared: Int = 0, cellsOff: Int = 0,
                allowedCellsOff: Int = 0, largestDifference: Double = 0, shift: Double = 0,
                shiftTolerance: Double = 0, problems: [String] = [], image: ImageVerdict? = nil,
                diffImage: URL? = nil, updated: Bool = false) {
        self.figureID = figureID
        self.metricNames = metricNames
        self.arrays = arrays
        self.cellsCompared = cellsCompared
        self.cellsOff = cellsOff
        self.allowedCellsOff = allowedCellsOff
        self.largestDifference = largestDifference
        self.shift = shift
        self.shiftTolerance = shiftTolerance
        self.problems = problems
        self.image = image
        self.diffImage = diffImage
        self.updated = updated
    }

    public var dataPassed: Bool { problems.isEmpty }
    /// True when the data pass and every value equals its baseline.
    public var dataIdentical: Bool { problems.isEmpty && arrays.allSatisfy(\.identical) }
    public var imagePassed: Bool { image.map { $0.passed || !$0.decisive } ?? true }
    public var passed: Bool { updated || (dataPassed && imagePassed) }

    /// One line: `fig4a  recovery  cells 72  off 1 (≤2)  max Δ 0.40  shift +0.006 (±0.041)  PASS`,
    /// then the image and, for a failure, the reasons.
    public var description: String {
        let names = metricNames.isEmpty ? "-" : metricNames.joined(separator: ",")
        var line = "\(figureID)  \(names)  cells \(cellsCompared)  off \(cellsOff) (≤\(allowedCellsOff))"
            + "  max Δ \(format(largestDifference, 2))  shift \(signed(shift)) (±\(format(shiftTolerance, 3)))"
        if let image { line += "  image \(image.summary)" }
        line += updated ? "  UPDATED" : passed ? "  PASS" : "  FAIL"
        let reasons = problems + (imagePassed ? [] : image?.problems ?? [])
        if !passed, !reasons.isEmpty { line += ": " + reasons.joined(separator: "; ") }
        if let diffImage { line += " → \(diffImage.lastPathComponent)" }
        return line
    }
}

/// Compares a figure's regenerated data with its baseline (see README.md for the rule).
public func compareFigure(baseline: FigureData, regenerated: FigureData,
                          rules: ComparisonRules = .standard) -> FigureVerdict {
    var verdict = FigureVerdict(figureID: regenerated.id, metricNames: regenerated.arrays.map(\.name))
    let oldNames = baseline.arrays.map(\.name), newNames = regenerated.arrays.map(\.name)
    if oldNames != newNames {
        verdict.problems.append("metrics differ: baseline [\(oldNames.joined(separator: ", "))], "
            + "new [\(newNames.joined(separator: ", "))]")
    }
    for new in regenerated.arrays {
        guard let old = baseline.arrays.first(where: { $0.name == new.name }) else { continue }
        let comparison = compareArrays(baseline: old, regenerated: new, rules: rules)
        verdict.arrays.append(comparison)
    }
    verdict.cellsCompared = verdict.arrays.reduce(0) { $0 + $1.cellsCompared }
    verdict.cellsOff = verdict.arrays.reduce(0) { $0 + $1.cellsOff }
    verdict.largestDifference = verdict.arrays.map(\.largestDifference).max() ?? 0
    verdict.allowedCellsOff = binomialAllowance(count: verdict.cellsCompared,
                                                probability: twoSidedNormalTail(rules.cellZ),
                                                alpha: rules.figureFalseAlarm)
    if let worst = verdict.arrays.max(by: { shiftRatio($0) < shiftRatio($1) }) {
        verdict.shift = worst.shift
        verdict.shiftTolerance = worst.shiftTolerance
    }
    for array in verdict.arrays {
        verdict.problems += array.problems.map { "\(array.name): \($0)" }
        if array.shiftExceeded {
            verdict.problems.append("\(array.name): systematic shift \(signed(array.shift)) beyond ±\(format(array.shiftTolerance, 3))")
        }
        if !array.movedColumns.isEmpty {
            let moves = array.movedColumns.map { "column \($0 + 1) by \(String(format: "%+.1f", array.columnShifts[$0])) n steps" }
            verdict.problems.append("\(array.name): boundary moved in \(moves.joined(separator: ", ")) (every changed cell the same way)")
        }
        if array.boundaryMoved {
            let columns = array.columnShifts.map { $0.isNaN ? "-" : String(format: "%+.1f", $0) }.joined(separator: " ")
            verdict.problems.append("\(array.name): boundary moved (χ² \(format(array.boundaryStatistic, 1)) > "
                + "\(format(array.boundaryLimit, 1)); shift per d column in n steps: \(columns))")
        }
    }
    if verdict.cellsOff > verdict.allowedCellsOff {
        verdict.problems.append("\(verdict.cellsOff) cells off, at most \(verdict.allowedCellsOff) expected from noise")
    }
    return verdict
}

private func shiftRatio(_ a: ArrayComparison) -> Double {
    a.shiftTolerance > 0 ? abs(a.shift) / a.shiftTolerance : (a.shift == 0 ? 0 : .infinity)
}

/// Compares one array with its baseline of the same name.
func compareArrays(baseline old: TrialArray, regenerated new: TrialArray, rules: ComparisonRules) -> ArrayComparison {
    var result = ArrayComparison(name: new.name, kind: new.kind, cellsCompared: 0, cellsOff: 0,
                                 largestDifference: 0, largestDifferenceAt: nil, shift: 0, shiftTolerance: 0,
                                 problems: [])
    if old.kind != new.kind {
        result.problems.append("kind changed from \(old.kind.rawValue) to \(new.kind.rawValue)")
    }
    if !sameGrid(old.nValues, new.nValues) || !sameGrid(old.dValues, new.dValues) {
        result.problems.append("grid changed from n \(describeGrid(old.nValues)) × d \(describeGrid(old.dValues))"
            + " to n \(describeGrid(new.nValues)) × d \(describeGrid(new.dValues))")
    }
    if old.trials != new.trials {
        result.problems.append("trials changed from \(old.trials) to \(new.trials)")
    }
    if new.kind == .rate || old.kind == .rate {
        for (label, array) in [("baseline", old), ("new", new)] {
            if let bad = array.grid.values.firstIndex(where: { !$0.isNaN && $0 != 0 && $0 != 1 }) {
                let cell = bad / array.trials
                result.problems.append("\(label) values are not 0/1 rates (\(format(array.grid.values[bad], 3))"
                    + " at \(gridCell(array, cell)), trial \(bad % array.trials))")
            }
        }
    }
    if old.plottedRange != new.plottedRange {
        result.problems.append("plotted range changed from \(old.plottedRange) to \(new.plottedRange)")
    }
    guard result.problems.isEmpty else { return result }
    result.identical = old.values == new.values

    let range = new.kind == .rate ? 0...1 : new.plottedRange
    let width = range.upperBound - range.lowerBound
    let z = rules.cellZ
    var sumDifference = 0.0, sumVariance = 0.0
    let dCount = new.dValues.count
    var columnDifference = [Double](repeating: 0, count: dCount), columnVariance = columnDifference
    var columnCompared = [Int](repeating: 0, count: dCount)
    var columnRises = [Bool](repeating: false, count: dCount), columnFalls = columnRises, columnMajority = columnRises
    // Trials whose value differs at the same position: a same-seed rerun differs in a few of them.
    var columnChangedTrials = [Int](repeating: 0, count: dCount)
    var nanChanged: [Int] = []
    for cell in 0..<new.cellCount {
        let a = old.trialValues(cell: cell).filter { !$0.isNaN }.map { min(max($0, range.lowerBound), range.upperBound) }
        let b = new.trialValues(cell: cell).filter { !$0.isNaN }.map { min(max($0, range.lowerBound), range.upperBound) }
        if a.isEmpty && b.isEmpty { continue }
        if a.isEmpty || b.isEmpty { nanChanged.append(cell); continue }
        let ta = Double(a.count), tb = Double(b.count)
        let meanA = a.reduce(0, +) / ta, meanB = b.reduce(0, +) / tb
        let difference = meanB - meanA
        let tolerance: Double, variance: Double
        switch new.kind {
        case .rate:
            // Cell test: two-proportion z-test with the plus-one (Agresti–Caffo) pooled rate, so
            // cells at 0 or 1 keep a nonzero spread.
            let successes = a.reduce(0, +) + b.reduce(0, +), pooledTrials = ta + tb
            let smoothed = (successes + 1) / (pooledTrials + 2)
            tolerance = z * (smoothed * (1 - smoothed) * (1 / ta + 1 / tb)).squareRoot()
            // Shift test: the unbiased pooled variance; summed over many cells it needs no floor.
            let pooled = successes / pooledTrials
            let unbiased = pooledTrials > 1 ? pooledTrials / (pooledTrials - 1) : 1
            variance = pooled * (1 - pooled) * unbiased * (1 / ta + 1 / tb)
        case .continuous:
            // Welch-free two-sample standard error with the pooled within-cell variance.
            let squares = a.reduce(0) { $0 + ($1 - meanA) * ($1 - meanA) } + b.reduce(0) { $0 + ($1 - meanB) * ($1 - meanB) }
            let pooledVariance = ta + tb > 2 ? squares / (ta + tb - 2) : 0
            variance = pooledVariance * (1 / ta + 1 / tb)
            tolerance = z * variance.squareRoot() + rules.continuousCellFloor * width
        }
        result.cellsCompared += 1
        if abs(difference) > tolerance + 1e-12 || a.count != b.count { result.cellsOff += 1 }
        if abs(difference) > result.largestDifference || result.largestDifferenceAt == nil {
            result.largestDifference = abs(difference)
            result.largestDifferenceAt = gridCell(new, cell)
        }
        sumDifference += difference
        sumVariance += variance
        columnDifference[cell % dCount] += difference
        columnVariance[cell % dCount] += variance
        columnCompared[cell % dCount] += 1
        columnChangedTrials[cell % dCount] += zip(old.trialValues(cell: cell), new.trialValues(cell: cell))
            .filter { !$0.isNaN && !$1.isNaN && $0 != $1 }.count
        if difference > 1e-12 { columnRises[cell % dCount] = true }
        if difference < -1e-12 { columnFalls[cell % dCount] = true }
        if abs(difference) > 0.5 + 1e-12 { columnMajority[cell % dCount] = true }
    }
    if !nanChanged.isEmpty {
        result.problems.append("skipped (NaN) cells changed in \(nanChanged.count) cell(s), first at \(gridCell(new, nanChanged[0]))")
    }
    guard result.cellsCompared > 0 else { return result }
    let count = Double(result.cellsCompared)
    result.shift = sumDifference / count
    switch new.kind {
    case .rate:
        let floor = rules.rateShiftFloorTrials / Double(max(1, new.trials))
        result.shiftTolerance = max(rules.shiftZ * sumVariance.squareRoot(), floor) / count
        result.columnShifts = (0..<dCount).map { columnCompared[$0] > 0 ? columnDifference[$0] : .nan }
        // Columns with zero pooled variance have identical cells and carry no information.
        let informative = (0..<dCount).filter { columnVariance[$0] > 0 }
        result.boundaryStatistic = informative.reduce(0) { $0 + columnDifference[$1] * columnDifference[$1] / columnVariance[$1] }
        result.boundaryLimit = chiSquareQuantile(degrees: informative.count, upperTail: rules.boundaryFalseAlarm)
        // A column's transition moved by one n step turns a whole cell around (T of T trials) and
        // shifts the column by one step; a rerun's noise flips single boundary trials.
        // The rule is for same-seed reruns, where trials match position by position and noise flips a
        // couple of them: elsewhere in the array at most `rateShiftFloorTrials` trials may differ.
        // (Independent redraws differ everywhere; the tests above judge them.)
        let changedTrials = columnChangedTrials.reduce(0, +)
        result.columnMovedOneWay = (0..<dCount).map {
            columnMajority[$0] && columnRises[$0] != columnFalls[$0]
                && Double(changedTrials - columnChangedTrials[$0]) <= rules.rateShiftFloorTrials
        }
        result.columnMoveLimit = new.trials >= rules.columnMoveMinimumTrials ? 1 : .infinity
    case .continuous:
        result.shiftTolerance = rules.shiftZ * sumVariance.squareRoot() / count + rules.continuousShiftFloor * width
    }
    return result
}

private func sameGrid(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($0)) }
}

private func describeGrid(_ values: [Double]) -> String {
    guard let first = values.first, let last = values.last else { return "{}" }
    return values.count <= 3 ? "{\(values.map(formatGridValue).joined(separator: ", "))}"
        : "{\(formatGridValue(first))…\(formatGridValue(last)), \(values.count) values}"
}

private func gridCell(_ array: TrialArray, _ cell: Int) -> GridCell {
    GridCell(n: array.nValues[cell / array.dValues.count], d: array.dValues[cell % array.dValues.count])
}

func formatGridValue(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
}

func format(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
}

func signed(_ value: Double) -> String {
    String(format: "%+.3f", value)
}
