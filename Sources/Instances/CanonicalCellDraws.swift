import LinearAlgebra
import Vocabulary

extension InstanceDraws {
    /// Draws a cell's instance in the canonical cell order (science §3), or returns nil for a cell the
    /// experiment skips. Every experiment on the same planted model, data law, σ and cell consumes its
    /// stream in this one order, so they all get the same instance — whatever they measure — and can
    /// share one solve per learned network and form:
    ///
    /// 1. X and the planted weights, redrawn together until the labels are defined;
    /// 2. noise g (n numbers, drawn even when σ = 0 or unused, so that the σ panels of a cell share X
    ///    and g), added as σ g/√n where the original script adds noise;
    /// 3. the test data, redrawn until its labels are defined (every instance has a test set);
    /// 4. the sampled directions H (d × max(n, 50)), only for experiments with arrangement patterns;
    /// 5. for irrepresentability, the further directions up to d × max(2n, 50), appended to H.
    ///
    /// Training stops after step 3, so trained and convex experiments see the same data. Nothing is
    /// drawn for the original's all-ones heuristic: neurec decides that question exactly.
    public func drawCanonical(n: Int, d: Int, trial: Int, from stream: inout NumpyRandomState) -> Instance? {
        guard !experiment.skipsCell(n: n, d: d) else { return nil }
        let (x, planted, plantedLabels) = drawPlantedModel(n: n, d: d, from: &stream, materialize: true)
        let g = stream.randn(n)
        // The recovery and irrepresentability scripts take no --sigma: their labels stay noise-free.
        let y = experiment.drawsNoise ? addingNoise(g, to: plantedLabels) : plantedLabels
        var testX: Matrix<Double>, testY: [Double]
        while true {
            testX = drawData(n: n, d: d, from: &stream)
            if let labels = testLabels(testX, planted: planted) { testY = labels; break }
        }
        var patterns: PatternSet?
        if let directions = experiment.patternDirections(n: n) {
            let programDirections = OriginalExperiment.programDirections(n: n)
            var h = stream.randn(d, programDirections)
            if directions > programDirections { h = h.appendingColumns(stream.randn(d, directions - programDirections)) }
            patterns = patternSet(x: x, planted: planted, directions: h)
        }
        return Instance(experiment: experiment.rawValue, trial: trial, X: x, y: y, planted: planted,
                        plantsReLUNeurons: experiment.plantsReLUNeurons, XTest: testX, yTest: testY, patterns: patterns)
    }
}
