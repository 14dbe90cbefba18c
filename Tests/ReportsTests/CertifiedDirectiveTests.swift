import Experiments
import Reports
import Testing

/// `figure.show`, `figure.ties` and `table: rates` record what they draw (science §10 metrics) in
/// the block's runs, and refuse what cannot be certified.
@Suite struct CertifiedDirectiveTests {
    static func template(_ block: String) -> String {
        "---\ntitle: T\nscales:\n  ci: {N: 30, D: 20, trials: 1}\n---\n\n```neurec\n\(block)\n```\n"
    }

    static func metrics(_ block: String) throws -> [[Metric]] {
        let parsed = try ReportBuilder.parse(text: template(block), file: "t.md", scale: nil)
        return parsed.directives[0].runs.map { run in
            guard case .grid(let spec) = run else { return [] }
            return spec.metrics
        }
    }

    static func error(_ block: String) -> String? {
        do { _ = try ReportBuilder.parse(text: template(block), file: "t.md", scale: nil); return nil } catch { return "\(error)" }
    }

    @Test func showAndRatesAddTheirMetricsAfterTheHeadline() throws {
        let shown = try Self.metrics("id: a\nexperiment: {learned: skip, form: relaxed, metric: recovery}\nfigure: {show: [unique, recovery, planted_optimal]}")
        #expect(shown == [[.recovery, .unique, .plantedOptimal]])
        let rates = try Self.metrics("id: a\nexperiment: {learned: skip, form: exact, metric: tie}\ntable: rates")
        #expect(rates == [[.tie, .unique, .plantedOptimal, .recovery]])
        let hatched = try Self.metrics("id: a\nexperiment: {learned: skip, form: relaxed, metric: dis_abs}\nfigure: {ties: true}")
        #expect(hatched == [[.disAbs, .tie]])
    }

    @Test func uncertifiableBlocksAreErrorsNamingTheLine() {
        let noisy = Self.error("id: a\nexperiment: {learned: skip, form: relaxed, metric: dis_abs, sigma: 0.1}\nfigure: {ties: true}")
        #expect(noisy?.contains("t.md:") == true && noisy?.contains("sigma 0") == true)
        let approx = Self.error("id: a\nexperiment: {learned: skip, form: approx, metric: dis_abs}\ntable: rates")
        #expect(approx?.contains("relaxed and exact") == true)
        let panels = Self.error("id: a\nexperiment: {learned: skip, metric: recovery}\npanels: [{optx: 0}, {optx: 1}]\nfigure: {show: [unique, recovery]}")
        #expect(panels?.contains("drop 'panels' or 'show'") == true)
    }
}
