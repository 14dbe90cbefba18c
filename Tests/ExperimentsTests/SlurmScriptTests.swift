import Experiments
import Foundation
import TestSupport
import Testing

@Suite struct SlurmScriptTests {
    let job = SlurmScript(name: "neurec-paper", summary: "neurec run reports/paper.md --scale ci", executable: "/opt/neurec/bin/neurec",
                          computeArguments: ["run", "reports/paper.md", "--scale", "ci", "--cache", "/shared/my cache"],
                          assembleArguments: ["run", "reports/paper.md", "--scale", "ci", "--cache", "/shared/my cache"],
                          tasks: 4, cpusPerTask: 2, partition: "short", time: "01:00:00",
                          workingDirectory: "/home/me/neurec", logDirectory: "/home/me/neurec/slurm-logs")

    @Test func theScriptHasBothParts() {
        let lines = job.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "#!/bin/bash")
        #expect(lines.filter { $0.hasPrefix("#SBATCH ") } == [
            "#SBATCH --job-name=neurec-paper", "#SBATCH --cpus-per-task=2", "#SBATCH --chdir=/home/me/neurec",
            "#SBATCH --partition=short", "#SBATCH --time=01:00:00",
        ])
        let trimmed = lines.map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(trimmed.contains("neurec=/opt/neurec/bin/neurec"))
        // The array part: tasks 0…3, each its shard (from the array variables), quiet.
        #expect(trimmed.contains(#"array=$(sbatch --parsable --array=0-3 --output=/home/me/neurec/slurm-logs/neurec-paper-%A_%a.out "$0" compute)"#))
        #expect(trimmed.contains(#"exec "$neurec" run reports/paper.md --scale ci --cache '/shared/my cache' --jobs "${SLURM_CPUS_PER_TASK:-1}" --quiet"#))
        // The dependent part: only after every task succeeded, and it refuses to compute.
        #expect(trimmed.contains(#"assemble=(sbatch --parsable --dependency=afterok:"$array" --kill-on-invalid-dep=yes --output=/home/me/neurec/slurm-logs/neurec-paper-%j-assemble.out)"#))
        #expect(trimmed.contains(#"exec "$neurec" run reports/paper.md --scale ci --cache '/shared/my cache' --jobs "${SLURM_CPUS_PER_TASK:-1}" --require-complete"#))
        var plain = job
        plain.partition = nil
        plain.time = nil
        #expect(!plain.text.contains("--partition") && !plain.text.contains("--time"))
    }

    /// bash accepts the script, and each part runs the command it names (with a stand-in for neurec
    /// that prints its arguments).
    @Test func bashRunsEachPartWithItsArguments() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("neurec-slurm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let echo = folder.appendingPathComponent("neurec")
        try Data("#!/bin/bash\nprintf '[%s]' \"$@\"\n".utf8).write(to: echo)
        chmod(echo.path, 0o755)
        var stand = job
        stand.executable = echo.path
        let script = folder.appendingPathComponent("job.sh")
        try Data(stand.text.utf8).write(to: script)
        #expect(try run("bash", ["-n", script.path]).status == 0)
        let compute = try run("bash", [script.path, "compute"], environment: ["SLURM_CPUS_PER_TASK": "2"])
        #expect(compute.output == "[run][reports/paper.md][--scale][ci][--cache][/shared/my cache][--jobs][2][--quiet]")
        let assemble = try run("bash", [script.path, "assemble"], environment: ["SLURM_CPUS_PER_TASK": nil])
        #expect(assemble.output == "[run][reports/paper.md][--scale][ci][--cache][/shared/my cache][--jobs][1][--require-complete]")
        #expect(try run("bash", [script.path, "other"]).status == 2)
    }

    @Test func shellQuotingRoundTrips() throws {
        for word in ["plain-word_1.0", "two words", "it's", "$HOME", "a\"b", "", "x;y"] {
            let quoted = SlurmScript.shellQuoted(word)
            #expect(try run("bash", ["-c", "printf %s \(quoted)"]).output == word, "\(word) → \(quoted)")
        }
        #expect(SlurmScript.shellQuoted("reports/paper.md") == "reports/paper.md")
    }
}
