import Foundation
import NumpyFiles
import TestSupport
import Testing

/// Runs python3 with numpy; nil when either is missing, so those tests can skip.
func runPython(_ script: String) -> (status: Int32, output: String)? {
    let probe = Process()
    probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    probe.arguments = ["python3", "-c", "import numpy"]
    probe.standardOutput = FileHandle.nullDevice
    probe.standardError = FileHandle.nullDevice
    guard (try? probe.run()) != nil else { return nil }
    probe.waitUntilExit()
    guard probe.terminationStatus == 0 else { return nil }

    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    guard (try? process.run()) != nil else { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

let pythonAvailable = runPython("pass") != nil

@Suite struct RoundTrip {
    static let arrays: [NumpyArray] = [
        NumpyArray(shape: [], values: [3.25]),
        NumpyArray(shape: [0], values: []),
        NumpyArray(shape: [4], values: [1, -2.5, .nan, .infinity]),
        NumpyArray(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]),
        NumpyArray(shape: [3, 2, 0], values: []),
        NumpyArray(shape: [2, 3, 4], values: (0..<24).map { $0 % 5 == 0 ? .nan : Double($0) / 7 }),
    ]

    @Test(arguments: arrays)
    func writeThenReadGivesTheSameArray(_ array: NumpyArray) throws {
        let folder = try temporaryFolder("npy")
        let url = folder.appendingPathComponent("a.npy")
        try array.write(to: url)
        let back = try NumpyArray(contentsOf: url)
        #expect(back == array)
        #expect(back.shape == array.shape)
        // No temporary file left behind by the atomic write.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["a.npy"])
    }

    @Test(arguments: arrays)
    func dataStartsAtAMultipleOf64(_ array: NumpyArray) throws {
        let bytes = [UInt8](array.npyData())
        #expect(Array(bytes[0..<8]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        #expect(bytes[10 + headerLength - 1] == UInt8(ascii: "\n"))
        #expect(bytes.count == 10 + headerLength + 8 * array.count)
    }

    @Test func subscriptUsesCOrder() {
        var a = NumpyArray(shape: [2, 3, 4], values: (0..<24).map(Double.init))
        #expect(a[1, 2, 3] == 23)
        #expect(a[0, 1, 0] == 4)
        #expect(a[1, 0, 0] == 12)
        a[0, 0, 1] = -1
        #expect(a.values[1] == -1)
    }

    @Test func nanEqualsNanButValuesMatter() {
        #expect(NumpyArray(shape: [1], values: [.nan]) == NumpyArray(shape: [1], values: [.nan]))
        #expect(NumpyArray(shape: [1], values: [1]) != NumpyArray(shape: [1], values: [.nan]))
        #expect(NumpyArray(shape: [2], values: [1, 2]) != NumpyArray(shape: [1, 2], values: [1, 2]))
    }
}

@Suite struct Errors {
    func write(_ bytes: [UInt8]) throws -> URL {
        let url = try temporaryFolder("npy").appendingPathComponent("bad.npy")
        try Data(bytes).write(to: url)
        return url
    }

    func header(_ dict: String, version: UInt8 = 1) -> [UInt8] {
        var text = Array(dict.utf8)
        while (10 + text.count + 1) % 64 != 0 { text.append(0x20) }
        text.append(0x0A)
        return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0,
                UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text
    }

    @Test func badMagicNamesTheFile() throws {
        let url = try write(Array("hello, world".utf8))
        #expect(throws: NumpyFileError.badMagic(file: url.path)) { try NumpyArray(contentsOf: url) }
        let message = NumpyFileError.badMagic(file: url.path).description
        #expect(message.contains(url.path) && message.contains("NUMPY"))
    }

    @Test func missingFile() {
        let url = URL(fileURLWithPath: "/nonexistent/x.npy")
        #expect(throws: NumpyFileError.cannotRead(file: url.path, reason: "no such file")) {
            try NumpyArray(contentsOf: url)
        }
    }

    @Test func unsupportedDTypeListsTheSupportedOnes() throws {
        let url = try write(header("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }"))
        do {
            _ = try NumpyArray(contentsOf: url)
            Issue.record("complex dtype should be rejected")
        } catch let error as NumpyFileError {
            #expect(error == .unsupportedDType(file: url.path, dtype: "<c16"))
            #expect(error.description.contains("<f8") && error.description.contains("|b1"))
            #expect(error.localizedDescription == error.description)
        }
    }

    @Test func truncatedData() throws {
        let url = try write(header("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }") + [UInt8](repeating: 0, count: 20))
        #expect(throws: NumpyFileError.truncatedData(file: url.path, expectedBytes: 24, actualBytes: 20)) {
            try NumpyArray(contentsOf: url)
        }
    }

    @Test func malformedHeaderAndVersion() throws {
        let url = try write(header("{'descr': '<f8', 'shape': (3,), }"))
        #expect(throws: NumpyFileError.malformedHeader(file: url.path, reason: "missing key 'fortran_order'")) {
            try NumpyArray(contentsOf: url)
        }
        let v9 = try write(header("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", version: 9))
        #expect(throws: NumpyFileError.unsupportedVersion(file: v9.path, major: 9, minor: 0)) {
            try NumpyArray(contentsOf: v9)
        }
    }

    @Test func otherDTypesAndFortranOrderConvert() throws {
        // int32 [[1, 2, 3], [4, 5, 6]] stored in Fortran order: 1 4 2 5 3 6.
        let ints: [Int32] = [1, 4, 2, 5, 3, -6]
        let body = ints.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        let url = try write(header("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }") + body)
        let a = try NumpyArray(contentsOf: url)
        #expect(a == NumpyArray(shape: [2, 3], values: [1, 2, 3, 4, 5, -6]))

        let bools = try write(header("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }") + [1, 0, 1])
        #expect(try NumpyArray(contentsOf: bools).values == [1, 0, 1])
    }
}

@Suite(.enabled(if: pythonAvailable, "python3 with numpy is not installed"))
struct NumpyInterop {
    @Test func numpyReadsOurFile() throws {
        let url = try temporaryFolder("npy").appendingPathComponent("ours.npy")
        let array = NumpyArray(shape: [3, 2, 2], values: (0..<12).map { $0 == 5 ? .nan : Double($0) * 0.1 - 0.3 })
        try array.write(to: url)
        let script = """
        import numpy as np
        a = np.load('\(url.path)')
        assert a.dtype == np.float64 and a.shape == (3, 2, 2), (a.dtype, a.shape)
        e = np.arange(12, dtype=float).reshape(3, 2, 2) * 0.1 - 0.3
        e.flat[5] = np.nan
        assert np.array_equal(a, e, equal_nan=True), a
        print('ok')
        """
        let result = try #require(runPython(script))
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("ok"))
    }

    @Test func weReadNumpysFiles() throws {
        let folder = try temporaryFolder("npy")
        let script = """
        import numpy as np
        a = np.arange(24, dtype=float).reshape(2, 3, 4) / 3.0
        a[1, 2, 3] = np.nan
        np.save('\(folder.path)/f8.npy', a)
        np.save('\(folder.path)/fortran.npy', np.asfortranarray(a))
        np.save('\(folder.path)/f4.npy', a.astype(np.float32))
        np.save('\(folder.path)/i8.npy', np.arange(-3, 3, dtype=np.int64))
        np.save('\(folder.path)/u1.npy', np.arange(250, 256, dtype=np.uint8))
        np.save('\(folder.path)/b1.npy', np.array([True, False]))
        np.save('\(folder.path)/scalar.npy', np.float64(2.5))
        """
        let result = try #require(runPython(script))
        #expect(result.status == 0, "\(result.output)")
        let expected = (0..<24).map { $0 == 23 ? Double.nan : Double($0) / 3.0 }
        let f8 = try NumpyArray(contentsOf: folder.appendingPathComponent("f8.npy"))
        #expect(f8 == NumpyArray(shape: [2, 3, 4], values: expected))
        #expect(try NumpyArray(contentsOf: folder.appendingPathComponent("fortran.npy")) == f8)
        let f4 = try NumpyArray(contentsOf: folder.appendingPathComponent("f4.npy"))
        #expect(f4 == NumpyArray(shape: [2, 3, 4], values: expected.map { Double(Float($0)) }))
        #expect(try NumpyArray(contentsOf: folder.appendingPathComponent("i8.npy")).values == [-3, -2, -1, 0, 1, 2])
        #expect(try NumpyArray(contentsOf: folder.appendingPathComponent("u1.npy")).values == [250, 251, 252, 253, 254, 255])
        #expect(try NumpyArray(contentsOf: folder.appendingPathComponent("b1.npy")).values == [1, 0])
        #expect(try NumpyArray(contentsOf: folder.appendingPathComponent("scalar.npy")) == NumpyArray(shape: [], values: [2.5]))
    }
}
