// Building PNG files byte by byte in the tests, so we can damage them on purpose: a chunk is
// its length, its type, its data and a CRC-32 of type and data (PNG specification, 5.3).

import Foundation

enum PNGBytes {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The CRC-32 of PNG and zlib (polynomial 0xEDB88320, reflected), bit by bit.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }

    static func chunk(_ type: String, _ data: [UInt8], crc: UInt32? = nil) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc ?? crc32(body))
    }

    static func header(width: UInt32, height: UInt32, bitDepth: UInt8 = 8, colorType: UInt8 = 0) -> [UInt8] {
        bigEndian(width) + bigEndian(height) + [bitDepth, colorType, 0, 0, 0]
    }

    /// zlib's "stored" (uncompressed) format: enough for small image data, no zlib needed.
    static func storedZlib(_ data: [UInt8]) -> [UInt8] {
        precondition(data.count < 65536)
        var (a, b): (UInt32, UInt32) = (1, 0)  // Adler-32
        for byte in data { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        let length = UInt16(data.count)
        return [0x78, 0x01, 0x01, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
            + data + bigEndian(b << 16 | a)
    }

    /// An 8-bit grey PNG of `rows` (each a row of pixels), filter type 0.
    static func grey(_ rows: [[UInt8]], extraChunks: [[UInt8]] = []) -> [UInt8] {
        let raw: [UInt8] = rows.flatMap { [UInt8(0)] + $0 }
        return signature + chunk("IHDR", header(width: UInt32(rows[0].count), height: UInt32(rows.count)))
            + extraChunks.flatMap { $0 } + chunk("IDAT", storedZlib(raw)) + chunk("IEND", [])
    }
}

/// A temporary file holding `bytes`, removed after `body`.
@discardableResult
func withTemporaryFile<T>(_ bytes: [UInt8], suffix: String = ".png", _ body: (String) throws -> T) throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("pixels-\(UUID())\(suffix)").path
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}
