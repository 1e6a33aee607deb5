// Chapter 12 — the other direction: the `.npz` that `np.load` opens, written by `workbook tensors
// --npz` so that a port's author can hold the workbook's tensors next to their own (and `workbook
// check` reads it back). The same two formats ZipArchive.swift and NumpyArray.swift read: each
// array a `.npy` file (version 1.0 header, C order), stored uncompressed in a ZIP archive, as
// `np.savez` does; APPNOTE.TXT 4.3.7 (local header), 4.3.12 (central directory), 4.3.16 (end).

import CZlib

/// The element types the workbook's tensors have, with numpy's names for them.
public enum NumpyElement: String, Sendable {
    case int8 = "|i1"
    case uint8 = "|u1"
    case int32 = "<i4"
    case float32 = "<f4"

    public var size: Int { self == .int8 || self == .uint8 ? 1 : 4 }
}

/// An `.npz` built array by array.
public struct NumpyArchiveWriter: Sendable {
    private var files: [(name: [UInt8], data: [UInt8])] = []

    public init() {}

    /// Adds `key.npy`: `elements` raw little-endian values of shape `shape`, C order.
    public mutating func add(key: String, element: NumpyElement, shape: [Int], elements: [UInt8]) {
        files.append((Array((key + ".npy").utf8), Self.npy(element: element, shape: shape, elements: elements)))
    }

    /// One `.npy` file, byte for byte as numpy writes it (format.py, `write_array`).
    static func npy(element: NumpyElement, shape: [Int], elements: [UInt8]) -> [UInt8] {
        let dimensions = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '\(element.rawValue)', 'fortran_order': False, 'shape': (\(dimensions)), }"
        // numpy pads the header with spaces so that the data starts on a multiple of 64 bytes.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let length = header.utf8.count
        var data: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(length & 0xFF), UInt8(length >> 8)]
        data += Array(header.utf8)
        data += elements
        return data
    }

    /// The archive's bytes. Without zip64, an archive holds at most 65,535 files and 4 GiB.
    public func bytes() throws(ArchiveError) -> [UInt8] {
        let total = files.reduce(22) { $0 + 30 + 46 + 2 * $1.name.count + $1.data.count }
        guard files.count < 0xFFFF, total < 0xFFFF_FFFF, files.allSatisfy({ $0.name.count < 0xFFFF }) else {
            throw ArchiveError("would hold \(files.count) arrays in \(total) bytes, more than a ZIP archive without zip64 can: take fewer images")
        }
        var out: [UInt8] = []
        out.reserveCapacity(total)
        var directory: [UInt8] = []
        for file in files {
            let offset = out.count
            let crc = file.data.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, uInt($0.count))) }
            // Version 2.0, no flags, stored (method 0), no date: the fields both headers share.
            var common: [UInt8] = []
            common.append16(20); common.append16(0); common.append16(0); common.append16(0); common.append16(0)
            common.append32(crc); common.append32(UInt32(file.data.count)); common.append32(UInt32(file.data.count))
            common.append16(UInt16(file.name.count)); common.append16(0)
            out.append32(0x0403_4b50); out += common; out += file.name; out += file.data
            directory.append32(0x0201_4b50); directory.append16(20); directory += common
            directory.append16(0); directory.append16(0); directory.append16(0); directory.append32(0)  // comment, disk, attributes
            directory.append32(UInt32(offset)); directory += file.name
        }
        let directoryOffset = out.count
        out += directory
        out.append32(0x0605_4b50); out.append16(0); out.append16(0)
        out.append16(UInt16(files.count)); out.append16(UInt16(files.count))
        out.append32(UInt32(directory.count)); out.append32(UInt32(directoryOffset)); out.append16(0)
        return out
    }
}

extension [UInt8] {
    fileprivate mutating func append16(_ value: UInt16) { append(UInt8(value & 0xFF)); append(UInt8(value >> 8)) }
    fileprivate mutating func append32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }
}
