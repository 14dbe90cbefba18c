import Vocabulary

extension SolverResult {
    /// `neurec solve`'s answer for a program file: status, objective, iterations, gap, residual,
    /// seconds, the route (README "Relax, then verify"), a message for a status that has one, the file's reference objective when it has one,
    /// and with `solution` the minimizer blocks (w0, W, V) and the dual λ.
    public func json(solution: Bool, referenceObjective: Double?) -> JSONText {
        var out: [(String, JSONText)] = [
            ("status", .string(status.name)), ("objective", .number(objective)),
            ("iterations", .integer(iterations)), ("gap", .number(dualityGap)),
            ("residual", .number(primalResidual)), ("seconds", .number(seconds)), ("route", .string(route.rawValue)),
        ]
        if let keptPatterns { out.append(("kept_patterns", .integer(keptPatterns))) }
        if let message = status.message { out.append(("message", .string(message))) }
        if let referenceObjective { out.append(("reference_objective", .number(referenceObjective))) }
        if solution {
            if let w0 { out.append(("w0", .vector(w0))) }
            out.append(("W", .rows(w)))
            if let v { out.append(("V", .rows(v))) }
            if let lambda { out.append(("lambda", .vector(lambda))) }
        }
        return .object(out)
    }
}
