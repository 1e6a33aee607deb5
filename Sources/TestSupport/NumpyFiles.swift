// .npy arrays and .npz archives written byte by byte, as numpy writes them (format version 1.0,
// stored ZIP entries): the tests of chapter 12 and of `workbook check` make the files they need,
// well-formed or broken on purpose, without Python.

/// A .npy file: magic, version 1.0, the header dict padded so the data starts at a multiple of
/// 64, then `data` as given.
public func npyBytes(_ descr: String, _ shape: String, fortran: Bool = false, data: [UInt8]) -> [UInt8] {
    var header = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    let length = header.utf8.count
    return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8) + data
}

/// An int64 .npy of `rows` × `columns` values.
public func npyInt64(_ values: [Int64], rows: Int, columns: Int) -> [UInt8] {
    npyBytes("<i8", "(\(rows), \(columns))", data: values.flatMap { value in (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } })
}

/// A ZIP archive of stored entries, as np.savez writes one.
public func npzBytes(_ entries: [(name: String, data: [UInt8])]) -> [UInt8] {
    func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16(v >> 16 & 0xFFFF) }
    var out: [UInt8] = [], directory: [UInt8] = []
    for (name, data) in entries {
        let offset = out.count
        let common = u16(20) + u16(0) + u16(0) + u16(0) + u16(0) + u32(Int(crc32(data))) + u32(data.count) + u32(data.count) + u16(name.utf8.count)
        out += u32(0x0403_4b50) + common + u16(0) + Array(name.utf8) + data
        directory += u32(0x0201_4b50) + u16(20) + common + u16(0) + u16(0) + u16(0) + u16(0) + u32(0) + u32(offset) + Array(name.utf8)
    }
    let start = out.count
    out += directory
    out += u32(0x0605_4b50) + u16(0) + u16(0) + u16(entries.count) + u16(entries.count) + u32(directory.count) + u32(start) + u16(0)
    return out
}

/// ZIP's CRC-32 (the polynomial 0xEDB88320, reflected), bit by bit: test files are small.
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}
