import Foundation
import Instances
import NumpyFiles
import Vocabulary

/// Per-trial records on disk, one small JSON file per (experiment, cell, trial).
///
/// An atomic file layout rather than a database: every record is written to a temporary file and
/// renamed into place, so a run killed at any moment leaves either the whole record or none; shards
/// running as separate processes (or Slurm array tasks on a shared file system) write disjoint files
/// with no locking (processes that share trials, as the array tasks of one boundary search do, claim
/// each before computing it: `Entry.claim`); and a record can be inspected or deleted by hand.
///
/// Layout: `DIR/<key>/spec.json` (what the key stands for) and `DIR/<key>/n<N>_d<D>_t<T>.json`.
public struct ResultCache: Sendable {
    /// Bump when a change to the solver, the training or the metrics changes recorded numbers:
    /// records of other versions are then ignored.
    public static let evaluationVersion = "solver-7 training-4 metrics-4 cell-draws-3"

    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// `--cache`, else `$NEUREC_CACHE`, else `.neurec-cache` in the working directory.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        URL(fileURLWithPath: environment["NEUREC_CACHE"] ?? ".neurec-cache")
    }

    /// Everything that determines a trial's record — and nothing else, so that experiments which
    /// differ only in the metric drawn share their records and solves.
    ///
    /// In cell mode every experiment draws the canonical instance of its planted model, data law, σ
    /// and cell (science §3), and a record holds every metric its fit makes available, whatever was
    /// asked for; the key is then the instance (`draws` "canonical"), the learned network and form,
    /// and the conditions evaluated besides the fit (`nic_l`, `irr`: only when asked for, and `irr`
    /// also samples more directions). An instance does not depend on the grid either, so an extended
    /// grid reuses every computed cell. In numpy mode the original script's draw order and the whole
    /// grid determine each instance.
    struct Key: Codable {
        let planted: PlantedModel
        let learned: NetworkKind
        let fitting: Fitting
        let parameters: InstanceParameters
        let seed: UInt32
        let rng: StreamMode
        let draws: String
        let conditions: [Metric]
        let fits: Bool
        let grid: InstanceGrid?
        let version: String
    }

    static func key(for spec: ExperimentSpec) -> Key {
        let numpy = spec.rng == .numpy
        return Key(planted: spec.planted, learned: spec.learned, fitting: spec.fitting, parameters: spec.parameters,
                   seed: spec.seed, rng: spec.rng, draws: numpy ? spec.drawOrder.rawValue : "canonical",
                   conditions: spec.metrics.filter(\.isEvaluatedOnRequest).sorted { $0.rawValue < $1.rawValue },
                   fits: spec.needsFit, grid: numpy ? spec.grid : nil, version: evaluationVersion)
    }

    /// JSON with sorted keys: the same value always gives the same bytes, hence the same hash.
    static func canonicalJSON(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }

    /// One experiment's folder, its key encoded and hashed once per run rather than per trial.
    struct Entry: Sendable {
        /// `DIR/<FNV-1a (64-bit) of the key's canonical JSON>`.
        let folder: URL
        let canonicalKey: Data

        func fileURL(for cell: Cell) -> URL {
            folder.appendingPathComponent("\(cell.fileStem).json", isDirectory: false)
        }

        /// The stored record, or nil when absent or unreadable (an unreadable file is recomputed).
        func record(for cell: Cell) -> TrialRecord? {
            guard let data = ResultCache.contents(of: fileURL(for: cell)),
                  let stored = try? JSONDecoder().decode([String: Double?].self, from: data) else { return nil }
            var record: TrialRecord = [:]
            for (name, value) in stored {
                guard let metric = Metric(rawValue: name) else { return nil }
                record[metric] = value ?? .nan
            }
            return record
        }

        /// `n…_d…_t….claim` beside the record: made by the process that computes the trial when
        /// several share the cache (`ExperimentRunner`'s cooperative runs), removed once the record is stored.
        func claimURL(for cell: Cell) -> URL {
            folder.appendingPathComponent("\(cell.fileStem).claim", isDirectory: false)
        }

        /// Claims the trial for this process (the file is created only if absent, in one system call,
        /// so of two processes exactly one succeeds, on a local disk as on NFS); false when it is
        /// claimed already.
        func claim(_ cell: Cell) throws -> Bool {
            let path = claimURL(for: cell).path
            func create() -> Int32 { open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
            var descriptor = create()
            // The experiment's folder is made by its first claim or record only, not looked for at every claim.
            if descriptor < 0 && errno == ENOENT {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                descriptor = create()
            }
            guard descriptor >= 0 else {
                if errno == EEXIST { return false }
                throw AtomicWriteError(path: path, reason: "cannot claim the trial: \(String(cString: strerror(errno)))")
            }
            // Who holds it: `claimIsOrphaned` reads it, and so can a person looking at a stuck run.
            let holder = "\(ProcessInfo.processInfo.hostName) \(getpid())\n"
            _ = holder.withCString { write(descriptor, $0, strlen($0)) }
            close(descriptor)
            return true
        }

        func releaseClaim(_ cell: Cell) {
            unlink(claimURL(for: cell).path)
        }

        /// Whether the claim was made on this machine by a process that no longer exists (a run
        /// interrupted and started again): its trial need not wait for the claim to grow stale.
        func claimIsOrphaned(_ cell: Cell) -> Bool {
            guard let data = ResultCache.contents(of: claimURL(for: cell)),
                  case let words = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace),
                  words.count == 2, String(words[0]) == ProcessInfo.processInfo.hostName, let pid = Int32(words[1]) else { return false }
            return kill(pid, 0) != 0 && errno == ESRCH
        }

        /// Seconds since the trial was claimed, nil when it is not.
        func claimAge(_ cell: Cell) -> TimeInterval? {
            var status = stat()
            guard stat(claimURL(for: cell).path, &status) == 0 else { return nil }
            return Date().timeIntervalSince1970 - (Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) * 1e-9)
        }

        func store(_ record: TrialRecord, for cell: Cell) throws {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let specFile = folder.appendingPathComponent("spec.json")
            if !FileManager.default.fileExists(atPath: specFile.path) {
                try AtomicFile.write(canonicalKey, to: specFile)
            }
            let stored = Dictionary(uniqueKeysWithValues: record.map { ($0.key.rawValue, $0.value.isNaN ? nil : $0.value) })
            try AtomicFile.write(try ResultCache.canonicalJSON(stored), to: fileURL(for: cell))
        }
    }

    /// A file's bytes, or nil when it cannot be read. One open, fstat and read: a run asks for every
    /// trial's record before it starts, most of them absent on a first run, and Foundation's
    /// `Data(contentsOf:)` stats a path before opening it.
    static func contents(of url: URL) -> Data? {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        var data = Data(count: Int(status.st_size))
        let complete = data.withUnsafeMutableBytes { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                let got = read(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else { return false }
                offset += got
            }
            return true
        }
        return complete ? data : nil
    }

    /// What a spec's records are filed under, as text: specs with the same key share their records
    /// (cell by cell), e.g. fits that differ only in the metrics read off them.
    public static func recordKey(for spec: ExperimentSpec) -> String {
        String(decoding: (try? canonicalJSON(key(for: spec))) ?? Data(), as: UTF8.self)
    }

    func entry(for spec: ExperimentSpec) -> Entry {
        let canonical = (try? Self.canonicalJSON(Self.key(for: spec))) ?? Data()
        return Entry(folder: directory.appendingPathComponent(String(format: "%016llx", stableHash(canonical))),
                     canonicalKey: canonical)
    }
}

extension ResultCache {
    /// The cluster experiment's probabilities live in `DIR/cluster-<hash of spec and version>.json`.
    func clusterURL(for spec: ClusterSpec) -> URL {
        let canonical = ((try? Self.canonicalJSON(spec)) ?? Data()) + Data(Self.evaluationVersion.utf8)
        return directory.appendingPathComponent(String(format: "cluster-%016llx.json", stableHash(canonical)))
    }

    /// The stored probabilities [d index][σ index], or nil when absent, unreadable or misshapen.
    func clusterProbability(for spec: ClusterSpec) -> [[Double]]? {
        guard let data = try? Data(contentsOf: clusterURL(for: spec)),
              let probability = try? JSONDecoder().decode([[Double]].self, from: data),
              probability.count == spec.dValues.count,
              probability.allSatisfy({ $0.count == spec.sigmas.count }) else { return nil }
        return probability
    }

    func storeClusterProbability(_ probability: [[Double]], for spec: ClusterSpec) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try AtomicFile.write(try JSONEncoder().encode(probability), to: clusterURL(for: spec))
    }
}
