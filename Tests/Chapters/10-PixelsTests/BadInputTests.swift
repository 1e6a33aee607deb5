// Chapter 10: every damaged or unusable picture is refused with one line naming it and the
// reason, never a crash or a hang. The damage is done here, byte by byte.

@testable import Ch10Pixels
import Foundation
import TestSupport
import Testing

/// A small good picture to damage: a 2×2 grey PNG with one white pixel of ink on black.
let goodPNG = PNGBytes.grey([[0, 255], [0, 0]])

/// The reason `bytes` are refused, or nil if they are read.
func refusal(_ bytes: [UInt8]) -> String? {
    do { _ = try PNGReader.decode(bytes, name: "test.png"); return nil } catch { return error.reason }
}

@Test func `the good picture we damage is itself read`() throws {
    #expect(GrayImage(try PNGReader.decode(goodPNG, name: "good")).pixels == [0, 255, 0, 0])
}

@Test func `empty bytes and bytes that are not a PNG are refused by their signature`() {
    #expect(refusal([]) == "is empty, not a PNG file")
    #expect(refusal(Array("GIF89a, not a PNG at all".utf8))?.hasPrefix("not a PNG file") == true)
    var oneBitWrong = goodPNG
    oneBitWrong[1] = 0x51  // 'Q' for 'P', as PngSuite's xs2n0g01
    #expect(refusal(oneBitWrong)?.hasPrefix("not a PNG file") == true)
}

@Test func `a file cut short is refused at every length`() {
    // Every prefix of the file, from the signature alone to one byte short of the end.
    var accepted: [Int] = []
    for length in PNGBytes.signature.count..<goodPNG.count where refusal(Array(goodPNG.prefix(length))) == nil {
        accepted.append(length)
    }
    // libpng needs no IEND to have every pixel: only the cut inside the final IEND chunk reads.
    #expect(accepted.allSatisfy { $0 >= goodPNG.count - 12 }, "read although cut at \(accepted)")
    #expect(refusal(Array(goodPNG.prefix(20)))?.hasPrefix("damaged PNG: ") == true)
}

@Test func `a bad CRC in IHDR or IDAT is refused`() {
    let header = PNGBytes.header(width: 2, height: 2)
    let badHeader = PNGBytes.signature + PNGBytes.chunk("IHDR", header, crc: 0)
        + PNGBytes.chunk("IDAT", PNGBytes.storedZlib([0, 0, 255, 0, 0, 0])) + PNGBytes.chunk("IEND", [])
    #expect(refusal(badHeader) == "damaged PNG: IHDR: CRC error")
    let badData = PNGBytes.signature + PNGBytes.chunk("IHDR", header)
        + PNGBytes.chunk("IDAT", PNGBytes.storedZlib([0, 0, 255, 0, 0, 0]), crc: 0) + PNGBytes.chunk("IEND", [])
    #expect(refusal(badData) == "damaged PNG: IDAT: CRC error")
}

@Test func `corrupt chunks are refused: bad header fields, bad compressed data, an unknown critical chunk`() throws {
    func picture(_ header: [UInt8], data: [UInt8] = PNGBytes.storedZlib([0, 0, 255, 0, 0, 0]), extra: [UInt8] = []) -> [UInt8] {
        PNGBytes.signature + PNGBytes.chunk("IHDR", header) + extra + PNGBytes.chunk("IDAT", data) + PNGBytes.chunk("IEND", [])
    }
    let cases: [(String, [UInt8])] = [
        ("colour type 1", picture(PNGBytes.header(width: 2, height: 2, colorType: 1))),
        ("bit depth 3", picture(PNGBytes.header(width: 2, height: 2, bitDepth: 3))),
        ("width 0", picture(PNGBytes.header(width: 0, height: 2))),
        ("zlib garbage", picture(PNGBytes.header(width: 2, height: 2), data: [0x78, 0x01, 0xFF, 0xFF, 0xFF, 0xFF])),
        ("too little data", picture(PNGBytes.header(width: 2, height: 2), data: PNGBytes.storedZlib([0, 0]))),
        ("unknown critical chunk", picture(PNGBytes.header(width: 2, height: 2), extra: PNGBytes.chunk("ABCD", [1, 2, 3]))),
        ("no IDAT", PNGBytes.signature + PNGBytes.chunk("IHDR", PNGBytes.header(width: 2, height: 2)) + PNGBytes.chunk("IEND", [])),
        ("palette image without PLTE", picture(PNGBytes.header(width: 2, height: 2, colorType: 3))),
    ]
    for (name, bytes) in cases {
        let reason = refusal(bytes)
        #expect(reason?.hasPrefix("damaged PNG: ") == true, "\(name): \(reason ?? "read")")
        #expect(reason?.contains("\n") == false, "\(name)")
    }
}

@Test func `an absurd declared size is refused before anything is allocated for it`() {
    // 100,000 × 100,000 passes libpng's own limit (1,000,000 a side) and stops at ours.
    let huge = PNGBytes.signature + PNGBytes.chunk("IHDR", PNGBytes.header(width: 100_000, height: 100_000))
        + PNGBytes.chunk("IDAT", PNGBytes.storedZlib([0])) + PNGBytes.chunk("IEND", [])
    #expect(refusal(huge) == "the header declares 100000×100000 pixels, more than the 16777216 we decode")
    // Just past the cap, 4097 × 4096; and 2^31 − 1 a side, which libpng refuses itself.
    let justPast = PNGBytes.signature + PNGBytes.chunk("IHDR", PNGBytes.header(width: 4097, height: 4096))
        + PNGBytes.chunk("IDAT", PNGBytes.storedZlib([0])) + PNGBytes.chunk("IEND", [])
    #expect(refusal(justPast)?.hasPrefix("the header declares 4097×4096 pixels") == true)
    let widest = PNGBytes.signature + PNGBytes.chunk("IHDR", PNGBytes.header(width: 0x7FFF_FFFF, height: 1))
        + PNGBytes.chunk("IDAT", PNGBytes.storedZlib([0])) + PNGBytes.chunk("IEND", [])
    #expect(refusal(widest)?.hasPrefix("damaged PNG: ") == true)
}

@Test func `a picture without ink is refused, whatever its single colour`() throws {
    for grey: UInt8 in [0, 30, 128, 255] {
        let plain = try PNGReader.decode(PNGBytes.grey(Array(repeating: Array(repeating: grey, count: 5), count: 4)), name: "plain")
        #expect(throws: PixelsError(path: "plain.png", reason: "no ink: every pixel has the background's grey \(grey)")) {
            try MNISTPreprocessing(GrayImage(plain), name: "plain.png")
        }
    }
}

@Test func `files that are missing, directories, or not regular files are named and refused`() throws {
    #expect(throws: PixelsError(path: "no/such.png", reason: "no such file")) { try PNGReader.read(path: "no/such.png") }
    let directory = FileManager.default.temporaryDirectory.path
    #expect(throws: PixelsError(path: directory, reason: "is a directory, not a PNG file")) { try PNGReader.read(path: directory) }
    #expect(throws: PixelsError(path: "/dev/null", reason: "is not a regular file")) { try PNGReader.read(path: "/dev/null") }
    try withTemporaryFile([]) { path in
        #expect(throws: PixelsError(path: path, reason: "is empty, not a PNG file")) { try DigitPicture.read(path: path) }
    }
}

@Test func `a file larger than 256 MiB is refused after its signature, before it is read`() throws {
    // A sparse file: the PNG signature, then nothing written up to 2^28 + 1 bytes.
    try withTemporaryFile(PNGBytes.signature) { path in
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(PNGReader.maximumFileBytes) + 1)
        try handle.close()
        #expect(throws: PixelsError(path: path, reason: "is 268435457 bytes, more than the 268435456 we read")) { try PNGReader.read(path: path) }
    }
    try withTemporaryFile(Array("not a PNG, and long".utf8)) { path in
        #expect(throws: PixelsError(path: path, reason: "not a PNG file: it does not start with the PNG signature 89 50 4E 47 0D 0A 1A 0A")) {
            try PNGReader.read(path: path)
        }
    }
}

@Test func `every prefix and every single-byte corruption of a shipped digit fails cleanly or reads`() throws {
    // Not a check of which damage is caught (a flipped bit in a deflate block may still decode),
    // but that none crashes or hangs: 1 in 7 bytes of the whole file, each set to 0x00 and 0xFF.
    let shipped = [UInt8](try Data(contentsOf: URL(fileURLWithPath: RepositoryFiles.path("images/digits/mnist-train-00039-label-0-28-white-on-black.png"))))
    for position in stride(from: 8, to: shipped.count, by: 7) {
        for value: UInt8 in [0x00, 0xFF] {
            var damaged = shipped
            damaged[position] = value
            if let reason = refusal(damaged) { #expect(!reason.contains("\n")) }
        }
    }
}
