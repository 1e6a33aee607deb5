// Chapter 12 — one `.npy` file: numpy's own format (numpy/lib/format.py documents it). Six magic
// bytes "\x93NUMPY", a version, a header length, then a Python dict literal such as
//     {'descr': '<i8', 'fortran_order': False, 'shape': (64, 784), }
// padded with spaces, then the raw elements. We read the integer and float dtypes a port writes
// (any byte order), C or Fortran order, and refuse the rest by name.

public struct NumpyArray: Sendable, Equatable {
    public enum Values: Sendable, Equatable {
        case integers([Int64])
        case floats([Double])

        public var count: Int {
            switch self {
            case .integers(let values): values.count
            case .floats(let values): values.count
            }
        }
    }

    public let shape: [Int]
    /// In C order (the last index varies fastest), whatever order the file used.
    public let values: Values
    /// numpy's name for the dtype, as in the header: "<i8", "|u1", "<f4".
    public let dtype: String

    public var count: Int { shape.reduce(1, *) }

    /// Reads an array of at most `maximumElements` elements.
    public init(npy bytes: [UInt8], maximumElements: Int) throws(ArchiveError) {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw ArchiveError("is not a .npy array: it does not start with \\x93NUMPY") }
        let reader = LittleEndian(bytes)
        let (headerLength, headerStart): (Int, Int)
        switch bytes[6] {
        case 1: (headerLength, headerStart) = (Int(try reader.u16(8)), 10)
        case 2, 3: (headerLength, headerStart) = (Int(try reader.u32(8)), 12)
        default: throw ArchiveError("is a .npy file of version \(bytes[6]), which numpy has never written")
        }
        let header = String(decoding: try reader.slice(headerStart, headerLength), as: UTF8.self)
        let dtype = try Self.field("descr", in: header)
        let fortranOrder = try Self.field("fortran_order", in: header) == "True"
        let shape = try Self.shape(in: header)

        guard dtype.count >= 3, let size = Int(dtype.dropFirst(2)), let kind = dtype.dropFirst().first else {
            throw ArchiveError("has dtype \(dtype), not a number type: a port writes its codes as integers")
        }
        let order = dtype.first!
        guard ["<", ">", "|", "="].contains(order) else { throw ArchiveError("has dtype \(dtype), which is not a byte order numpy writes") }
        let known: [Character: Set<Int>] = ["i": [1, 2, 4, 8], "u": [1, 2, 4, 8], "f": [4, 8]]
        guard let sizes = known[kind], sizes.contains(size) else {
            throw ArchiveError("has dtype \(dtype): the check reads integer arrays (int8 … int64, uint8 … uint64) and float32 or float64")
        }
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= maximumElements else { throw ArchiveError("has shape \(shape), more than the \(maximumElements) elements the check compares") }
            count = product
        }
        let dataStart = headerStart + headerLength
        guard bytes.count - dataStart == count * size else {
            throw ArchiveError("has shape \(shape) of \(dtype) (\(count * size) bytes), but holds \(bytes.count - dataStart) bytes of data")
        }
        let bigEndian = order == ">"
        func word(_ index: Int) -> UInt64 {
            var value: UInt64 = 0
            for byte in 0..<size {
                let b = UInt64(bytes[dataStart + index * size + byte])
                value |= b << (8 * UInt64(bigEndian ? size - 1 - byte : byte))
            }
            return value
        }
        // The element at C-order position `index`: for a Fortran-order file, where it is stored.
        let stored = fortranOrder ? Self.fortranPositions(shape) : Array(0..<count)
        switch kind {
        case "f":
            values = .floats(stored.map { size == 4 ? Double(Float(bitPattern: UInt32(word($0)))) : Double(bitPattern: word($0)) })
        case "u":
            guard size < 8 || stored.allSatisfy({ word($0) <= UInt64(Int64.max) }) else { throw ArchiveError("holds uint64 values beyond int64") }
            values = .integers(stored.map { Int64(bitPattern: word($0)) })
        default:
            let shift = UInt64(64 - 8 * size)  // sign-extend from `size` bytes
            values = .integers(stored.map { Int64(bitPattern: word($0) << shift) >> Int64(shift) })
        }
        (self.shape, self.dtype) = (shape, dtype)
    }

    /// For each C-order position, the position of the same element in Fortran order.
    static func fortranPositions(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)  // Fortran: the first index varies fastest
        for axis in shape.indices.dropFirst() { strides[axis] = strides[axis - 1] * shape[axis - 1] }
        return (0..<shape.reduce(1, *)).map { index in
            var (rest, position) = (index, 0)
            for axis in shape.indices.reversed() {
                position += rest % shape[axis] * strides[axis]
                rest /= shape[axis]
            }
            return position
        }
    }

    /// The text after `'key':` up to the next comma or brace, quotes removed.
    static func field(_ key: String, in header: String) throws(ArchiveError) -> String {
        guard let range = header.range(of: "'\(key)':") else { throw ArchiveError("has a .npy header without '\(key)'") }
        let rest = header[range.upperBound...].drop(while: { $0 == " " })
        if rest.first == "[" { throw ArchiveError("has a structured dtype; a port writes one plain array per tensor") }
        let value = rest.prefix(while: { $0 != "," && $0 != "}" })
        return value.stripping(" '\"")
    }

    static func shape(in header: String) throws(ArchiveError) -> [Int] {
        guard let range = header.range(of: "'shape':") else { throw ArchiveError("has a .npy header without 'shape'") }
        let rest = header[range.upperBound...].drop(while: { $0 == " " })
        guard rest.first == "(", let close = rest.firstIndex(of: ")") else { throw ArchiveError("has a .npy header whose shape is not a tuple") }
        var shape: [Int] = []
        for part in rest[rest.index(after: rest.startIndex)..<close].split(separator: ",") {
            let text = part.stripping(" L")
            guard let dimension = Int(text), dimension >= 0 else { throw ArchiveError("has a .npy shape with '\(text)', not a size") }
            shape.append(dimension)
        }
        return shape
    }
}

extension StringProtocol {
    /// Drops the given characters from both ends (Foundation-free).
    func stripping(_ set: String) -> String {
        let characters = Set(set)
        return String(drop(while: { characters.contains($0) }).reversed().drop(while: { characters.contains($0) }).reversed())
    }
}
