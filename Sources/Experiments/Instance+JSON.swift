import Instances

extension Instance {
    /// The instance as `neurec instance` prints it (and `--save_details` records it).
    public var json: JSONText {
        var pairs: [(String, JSONText)] = [
            ("experiment", .string(experiment.rawValue)),
            ("n", .integer(n)), ("d", .integer(d)), ("trial", .integer(trial)),
            ("X", .rows(x.rowArrays)),
            // A linear neuron is one vector; k ReLU neurons are k rows of d numbers (the fixtures' layout).
            ("w", experiment.plantsReLUNeurons ? .rows(planted.transposed().rowArrays) : .vector(planted.column(0))),
            ("y", .vector(y)),
        ]
        if let patterns {
            pairs.append(("dmat", .rows(patterns.matrix.rowArrays)))
            pairs.append(("exist_all_one", .bool(patterns.hasAllOnes)))
            if experiment.plantsReLUNeurons {
                pairs.append(("planted_patterns", .array(patterns.plantedPatterns.map(JSONText.integer))))
            }
        }
        if let testX, let testY {
            pairs.append(("X_test", .rows(testX.rowArrays)))
            pairs.append(("y_test", .vector(testY)))
        }
        return .object(pairs)
    }
}
