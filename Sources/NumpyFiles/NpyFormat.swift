import Foundation

// The .npy layout (NumPy's NEP 1): magic "\x93NUMPY", major and minor version bytes, a
// little-endian header length (2 bytes in 1.0, 4 bytes in 2.0/3.0), an ASCII (3.0: UTF-8)
// Python dict literal, then the raw values.

private let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

/// NumPy aligns the start of the data so memory-mapped arrays are aligned for any dtype.
private let dataAlignment = 64

extension NumpyArray {
    /// Reads a `.npy` file, converting any supported dtype to Double and Fortran order to C order.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            let reason = FileManager.default.fileExists(atPath: url.path)
                ? error.localizedDescription : "no such file"
            throw NumpyFileError.cannotRead(file: url.path, reason: reason)
        }
        try self.init(npyData: data, source: url.path)
    }

    /// Decodes the bytes of a `.npy` file; `source` names it in errors.
    public init(npyData data: Data, source: String = "<data>") throws {
        let bytes = [UInt8](data)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw NumpyFileError.badMagic(file: source)
        }
        let major = Int(bytes[6]), minor = Int(bytes[7])
        let headerStart: Int, headerLength: Int
        switch major {
        case 1:
            headerStart = 10
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        case 2, 3:
            guard bytes.count >= 12 else {
                throw NumpyFileError.malformedHeader(file: source, reason: "file ends inside the header length")
            }
            headerStart = 12
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        default:
            throw NumpyFileError.unsupportedVersion(file: source, major: major, minor: minor)
        }
        guard headerStart + headerLength <= bytes.count else {
            throw NumpyFileError.malformedHeader(
                file: source, reason: "header announces \(headerLength) bytes, file ends before")
        }
        guard let text = String(bytes: bytes[headerStart..<headerStart + headerLength],
                                encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw NumpyFileError.malformedHeader(file: source, reason: "header is not text")
        }
        let header: NpyHeader
        do {
            header = try NpyHeader(parsing: text)
        } catch let problem as HeaderProblem {
            throw NumpyFileError.malformedHeader(file: source, reason: problem.reason)
        }
        guard let dtype = DType(header.descr) else {
            throw NumpyFileError.unsupportedDType(file: source, dtype: header.descr)
        }
        let count = header.shape.reduce(1, *)
        let dataStart = headerStart + headerLength
        let expected = count * dtype.size
        guard bytes.count - dataStart >= expected else {
            throw NumpyFileError.truncatedData(file: source, expectedBytes: expected,
                                               actualBytes: bytes.count - dataStart)
        }
        var values = [Double](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + dataStart
            for i in 0..<count { values[i] = dtype.load(base + i * dtype.size) }
        }
        if header.fortranOrder && header.shape.count > 1 {
            values = Self.reorderFortranToC(values, shape: header.shape)
        }
        self.init(shape: header.shape, values: values)
    }

    /// The bytes of a format 1.0 file (2.0 only if the header outgrows 65535 bytes), `<f8`, C order.
    public func npyData() -> Data {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        let dict = "{'descr': '<f8', 'fortran_order': False, 'shape': \(shapeText), }"
        var version: UInt8 = 1
        var prefixLength = 10
        var padded = Self.pad(dict, prefixLength: prefixLength)
        if padded.utf8.count > 65535 {
            version = 2
            prefixLength = 12
            padded = Self.pad(dict, prefixLength: prefixLength)
        }
        var out = Data(magic)
        out.append(contentsOf: [version, 0])
        let length = padded.utf8.count
        if version == 1 {
            out.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        } else {
            out.append(contentsOf: (0..<4).map { UInt8((length >> (8 * $0)) & 0xFF) })
        }
        out.append(contentsOf: Array(padded.utf8))
        var le = values.map { $0.bitPattern.littleEndian }
        out.append(Data(bytes: &le, count: le.count * 8))
        return out
    }

    /// Writes the array as `.npy`; readers never see a half-written file because the bytes go
    /// to a temporary file in the same folder (same file system) that is then renamed.
    public func write(to url: URL) throws {
        try AtomicFile.write(npyData(), to: url) { NumpyFileError.cannotWrite(file: url.path, reason: $0) }
    }

    /// Spaces then a newline so that the data starts at a multiple of 64 bytes, as NumPy does.
    private static func pad(_ dict: String, prefixLength: Int) -> String {
        let unpadded = prefixLength + dict.utf8.count + 1
        let padding = (dataAlignment - unpadded % dataAlignment) % dataAlignment
        return dict + String(repeating: " ", count: padding) + "\n"
    }

    private static func reorderFortranToC(_ values: [Double], shape: [Int]) -> [Double] {
        // Fortran strides: the first axis varies fastest.
        var fortranStrides = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count { fortranStrides[axis] = fortranStrides[axis - 1] * shape[axis - 1] }
        var result = [Double](repeating: 0, count: values.count)
        var index = [Int](repeating: 0, count: shape.count)
        for c in 0..<values.count {
            var f = 0
            for axis in 0..<shape.count { f += index[axis] * fortranStrides[axis] }
            result[c] = values[f]
            var axis = shape.count - 1  // advance the C-order multi-index
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }
}

/// The element types that can be converted to Double.
private struct DType {
    enum Kind { case float, signed, unsigned, bool }
    let kind: Kind
    let size: Int
    let bigEndian: Bool

    init?(_ descr: String) {
        guard descr.count == 3, let order = descr.first, let letter = descr.dropFirst().first,
              let size = Int(descr.suffix(1)) else { return nil }
        switch (letter, size) {
        case ("f", 4), ("f", 8): kind = .float
        case ("i", 1), ("i", 2), ("i", 4), ("i", 8): kind = .signed
        case ("u", 1), ("u", 2), ("u", 4), ("u", 8): kind = .unsigned
        case ("b", 1): kind = .bool
        default: return nil
        }
        switch order {
        case "<", "|": bigEndian = false
        case ">": bigEndian = true
        case "=": bigEndian = false  // native; every platform Swift targets here is little-endian
        default: return nil
        }
        self.size = size
    }

    func load(_ p: UnsafeRawPointer) -> Double {
        var bits: UInt64 = 0
        for b in 0..<size {
            let byte = UInt64(p.load(fromByteOffset: bigEndian ? size - 1 - b : b, as: UInt8.self))
            bits |= byte << (8 * UInt64(b))
        }
        switch (kind, size) {
        case (.float, 8): return Double(bitPattern: bits)
        case (.float, _): return Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
        case (.signed, _):
            let shift = UInt64(64 - 8 * size)  // sign-extend
            return Double(Int64(bitPattern: bits << shift) >> Int64(shift))
        case (.unsigned, _): return Double(bits)
        case (.bool, _): return bits == 0 ? 0 : 1
        }
    }
}

private struct HeaderProblem: Error { let reason: String }

/// The three keys of the header dict, parsed from its Python literal syntax.
private struct NpyHeader {
    var descr = ""
    var fortranOrder = false
    var shape: [Int] = []

    init(parsing text: String) throws {
        var scanner = LiteralScanner(Array(text.unicodeScalars))
        var seen = Set<String>()
        try scanner.expect("{")
        while true {
            scanner.skipSpace()
            if scanner.consume("}") { break }
            let key = try scanner.string()
            try scanner.expect(":")
            switch key {
            case "descr": descr = try scanner.string()
            case "fortran_order": fortranOrder = try scanner.bool()
            case "shape": shape = try scanner.intTuple()
            default: throw HeaderProblem(reason: "unexpected key '\(key)'")
            }
            seen.insert(key)
            scanner.skipSpace()
            if scanner.consume(",") { continue }
            try scanner.expect("}")
            break
        }
        for key in ["descr", "fortran_order", "shape"] where !seen.contains(key) {
            throw HeaderProblem(reason: "missing key '\(key)'")
        }
    }
}

private struct LiteralScanner {
    let chars: [Unicode.Scalar]
    var i = 0
    init(_ chars: [Unicode.Scalar]) { self.chars = chars }

    mutating func skipSpace() {
        while i < chars.count, chars[i].properties.isWhitespace { i += 1 }
    }
    mutating func consume(_ c: Unicode.Scalar) -> Bool {
        skipSpace()
        if i < chars.count, chars[i] == c { i += 1; return true }
        return false
    }
    mutating func expect(_ c: Unicode.Scalar) throws {
        guard consume(c) else {
            throw HeaderProblem(reason: "expected '\(c)' at position \(i)")
        }
    }
    mutating func string() throws -> String {
        skipSpace()
        guard i < chars.count, chars[i] == "'" || chars[i] == "\"" else {
            throw HeaderProblem(reason: "expected a quoted string at position \(i)")
        }
        let quote = chars[i]
        i += 1
        var s = ""
        while i < chars.count, chars[i] != quote { s.unicodeScalars.append(chars[i]); i += 1 }
        guard i < chars.count else { throw HeaderProblem(reason: "unterminated string") }
        i += 1
        return s
    }
    mutating func bool() throws -> Bool {
        skipSpace()
        for (word, value) in [("True", true), ("False", false)] {
            let w = Array(word.unicodeScalars)
            if i + w.count <= chars.count, Array(chars[i..<i + w.count]) == w {
                i += w.count
                return value
            }
        }
        throw HeaderProblem(reason: "expected True or False at position \(i)")
    }
    mutating func intTuple() throws -> [Int] {
        try expect("(")
        var result: [Int] = []
        while true {
            skipSpace()
            if consume(")") { return result }
            var digits = ""
            while i < chars.count, ("0"..."9").contains(chars[i]) { digits.unicodeScalars.append(chars[i]); i += 1 }
            if i < chars.count, chars[i] == "L" { i += 1 }  // Python 2 long suffix in old files
            guard let value = Int(digits) else {
                throw HeaderProblem(reason: "expected a dimension at position \(i)")
            }
            result.append(value)
            if consume(",") { continue }
            try expect(")")
            return result
        }
    }
}
