// Chapter 12 — the container of a numpy port's results: `np.savez` writes a ZIP archive with one
// `.npy` file per array (stored as they are; `np.savez_compressed` deflates them). We read the
// central directory at the end of the archive, which names every entry with its sizes and where
// its local header lies, and take each entry's bytes from there. Prose: chapters/12-your-port.md.
//
// Every number in the archive is checked before it is used: an offset or a size that points
// outside the file, an entry larger than the caller allows, a checksum that does not match. The
// format is PKWARE's APPNOTE.TXT (sections 4.3.7 local header, 4.3.12 central directory,
// 4.3.16 end of central directory, 4.5.3 the zip64 extra field numpy writes with force_zip64).

import CZlib

public struct ArchiveError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One file of the archive, as the central directory lists it.
public struct ZipEntry: Sendable, Equatable {
    public let name: String
    /// 0 stored, 8 deflated; numpy writes only these two.
    public let method: UInt16
    public let compressedSize: Int
    public let size: Int
    public let crc32: UInt32
    let localHeaderOffset: Int
}

public struct ZipArchive: Sendable {
    public let entries: [ZipEntry]
    private let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(ArchiveError) {
        self.bytes = bytes
        let reader = LittleEndian(bytes)
        // The end-of-central-directory record is the last 22 bytes plus a comment of at most 65,535.
        let end = try Self.endOfCentralDirectory(in: reader)
        let count = Int(try reader.u16(end + 10))
        let directorySize = Int(try reader.u32(end + 12))
        let directoryOffset = Int(try reader.u32(end + 16))
        guard count != 0xFFFF, directoryOffset != 0xFFFF_FFFF else {
            throw ArchiveError("is a zip64 archive (more than 65,535 arrays or 4 GiB): too large for a port of these models")
        }
        guard directoryOffset + directorySize <= end else { throw ArchiveError("its central directory lies outside the file") }
        var entries: [ZipEntry] = []
        var at = directoryOffset
        for _ in 0..<count {
            guard try reader.u32(at) == 0x0201_4b50 else { throw ArchiveError("entry \(entries.count) of its central directory is damaged") }
            let method = try reader.u16(at + 10)
            let crc = try reader.u32(at + 16)
            var compressed = Int(try reader.u32(at + 20))
            var size = Int(try reader.u32(at + 24))
            let nameLength = Int(try reader.u16(at + 28))
            let extraLength = Int(try reader.u16(at + 30))
            let commentLength = Int(try reader.u16(at + 32))
            var offset = Int(try reader.u32(at + 42))
            let name = String(decoding: try reader.slice(at + 46, nameLength), as: UTF8.self)
            // The zip64 extra field holds, in this order, only the fields that read 0xFFFFFFFF.
            if size == 0xFFFF_FFFF || compressed == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
                var fields = try Self.zip64Fields(reader.slice(at + 46 + nameLength, extraLength), name: name)
                if size == 0xFFFF_FFFF { size = try Self.next(&fields, name) }
                if compressed == 0xFFFF_FFFF { compressed = try Self.next(&fields, name) }
                if offset == 0xFFFF_FFFF { offset = try Self.next(&fields, name) }
            }
            entries.append(ZipEntry(name: name, method: method, compressedSize: compressed, size: size, crc32: crc, localHeaderOffset: offset))
            at += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
    }

    /// The uncompressed bytes of `entry`, which must be at most `maximumSize` long: the caller
    /// knows how large an array can be, and nothing larger is allocated.
    public func contents(of entry: ZipEntry, maximumSize: Int) throws(ArchiveError) -> [UInt8] {
        guard entry.size <= maximumSize else {
            throw ArchiveError("'\(entry.name)' is \(entry.size) bytes, more than the \(maximumSize) its array can need")
        }
        let reader = LittleEndian(bytes)
        let at = entry.localHeaderOffset
        guard try reader.u32(at) == 0x0403_4b50 else { throw ArchiveError("'\(entry.name)': its local header is damaged") }
        // The local header repeats the name and has its own extra field, of its own length.
        let start = at + 30 + Int(try reader.u16(at + 26)) + Int(try reader.u16(at + 28))
        let stored = try reader.slice(start, entry.compressedSize)
        let data: [UInt8]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.size else { throw ArchiveError("'\(entry.name)': stored, but its two sizes differ") }
            data = Array(stored)
        case 8: data = try inflate(stored, size: entry.size, name: entry.name)
        default: throw ArchiveError("'\(entry.name)' is compressed with method \(entry.method); numpy writes only stored (0) or deflated (8) entries")
        }
        let crc = data.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, uInt($0.count))) }
        guard crc == entry.crc32 else { throw ArchiveError("'\(entry.name)': its checksum does not match its contents") }
        return data
    }

    static func endOfCentralDirectory(in reader: LittleEndian) throws(ArchiveError) -> Int {
        let count = reader.bytes.count
        guard count >= 22 else { throw ArchiveError("is not a zip archive (np.savez writes one): it is \(count) bytes") }
        for at in stride(from: count - 22, through: max(0, count - 22 - 65_535), by: -1) where (try? reader.u32(at)) == 0x0605_4b50 {
            return at
        }
        throw ArchiveError("is not a zip archive (np.savez writes one): it has no end-of-central-directory record")
    }

    static func zip64Fields(_ extra: ArraySlice<UInt8>, name: String) throws(ArchiveError) -> [UInt64] {
        let reader = LittleEndian(Array(extra))
        var at = 0
        while at + 4 <= reader.bytes.count {
            let (id, length) = (try reader.u16(at), Int(try reader.u16(at + 2)))
            if id == 0x0001 {
                return try stride(from: 0, to: length - 7, by: 8).map { (offset: Int) throws(ArchiveError) -> UInt64 in try reader.u64(at + 4 + offset) }
            }
            at += 4 + length
        }
        throw ArchiveError("'\(name)': a size reads 0xFFFFFFFF but there is no zip64 field to give it")
    }

    static func next(_ fields: inout [UInt64], _ name: String) throws(ArchiveError) -> Int {
        guard !fields.isEmpty, let value = Int(exactly: fields.removeFirst()), value < Int(Int32.max) else {
            throw ArchiveError("'\(name)': its zip64 sizes are missing or too large")
        }
        return value
    }

    /// Raw deflate (no zlib header: windowBits −15), into exactly `size` bytes.
    func inflate(_ input: ArraySlice<UInt8>, size: Int, name: String) throws(ArchiveError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: size)
        var source = Array(input)
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ArchiveError("'\(name)': zlib could not start")
        }
        defer { inflateEnd(&stream) }
        let status: Int32 = source.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { output in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = output.baseAddress
                stream.avail_out = uInt(output.count)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == size else {
            throw ArchiveError("'\(name)': its deflated data is damaged or not \(size) bytes long")
        }
        return output
    }
}

/// Little-endian integers at checked offsets.
struct LittleEndian {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func slice(_ at: Int, _ count: Int) throws(ArchiveError) -> ArraySlice<UInt8> {
        guard at >= 0, count >= 0, at <= bytes.count, count <= bytes.count - at else {
            throw ArchiveError("is truncated or damaged: it points to byte \(at), beyond its \(bytes.count) bytes")
        }
        return bytes[at..<(at + count)]
    }

    func u16(_ at: Int) throws(ArchiveError) -> UInt16 {
        let s = try slice(at, 2)
        return UInt16(s[s.startIndex]) | UInt16(s[s.startIndex + 1]) << 8
    }

    func u32(_ at: Int) throws(ArchiveError) -> UInt32 {
        UInt32(try u16(at)) | UInt32(try u16(at + 2)) << 16
    }

    func u64(_ at: Int) throws(ArchiveError) -> UInt64 {
        UInt64(try u32(at)) | UInt64(try u32(at + 4)) << 32
    }
}
