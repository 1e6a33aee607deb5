// Chapter 3: the IDX reader on small hand-made files, good and damaged, plain and gzipped, and on
// the real MNIST test set in ../shared/mnist when it is there.

import CZlib
import Foundation
import TestSupport
import Testing
@testable import Ch03FloatNetwork

/// A fresh directory for one test's files.
func scratchDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("idx-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// An IDX header for unsigned bytes: 00 00 08 n, then each dimension big-endian.
func idxHeader(_ dimensions: [Int], type: UInt8 = 0x08) -> [UInt8] {
    [0, 0, type, UInt8(dimensions.count)] + dimensions.flatMap { d in (0..<4).map { UInt8(truncatingIfNeeded: d >> (8 * (3 - $0))) } }
}

func write(_ bytes: [UInt8], to url: URL, gzipped: Bool = false) throws {
    guard gzipped else { return try Data(bytes).write(to: url) }
    let file = try #require(gzopen(url.path, "wb"))
    let written = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
    #expect(gzclose(file) == Z_OK && Int(written) == bytes.count)
}

/// Two 2×3 images (pixels 0…11) and their labels 7 and 3.
let tinyImages = idxHeader([2, 2, 3]) + (0..<12).map { UInt8($0) }
let tinyLabels = idxHeader([2]) + [7, 3]

@Test(arguments: [false, true])
func `a tiny IDX file reads back its dimensions and bytes`(gzipped: Bool) throws {
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (images, labels) = (directory.appendingPathComponent("images"), directory.appendingPathComponent("labels"))
    try write(tinyImages, to: images, gzipped: gzipped)
    try write(tinyLabels, to: labels, gzipped: gzipped)
    let file = try IDXFile.read(path: images.path)
    #expect(file.dimensions == [2, 2, 3])
    #expect(file.data == (0..<12).map { UInt8($0) })
    let set = try LabeledImages.read(images: images.path, labels: labels.path)
    #expect(set.count == 2 && set.rows == 2 && set.columns == 3)
    #expect(set.images == [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]])
    #expect(set.labels == [7, 3])
}

/// Writes `bytes` (gzipped or not), reads it, and returns the error's text.
func readError(_ bytes: [UInt8], gzipped: Bool = false) throws -> (path: String, message: String) {
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent(gzipped ? "file.gz" : "file")
    try write(bytes, to: url, gzipped: gzipped)
    do {
        _ = try IDXFile.read(path: url.path)
        Issue.record("\(bytes.count) bytes were read without an error")
        return (url.path, "")
    } catch {
        #expect(error.path == url.path)
        #expect(error.description == "\(url.path): \(error.reason)")
        return (url.path, error.reason)
    }
}

@Test(arguments: [false, true])
func `damaged headers and data are refused, naming the file and the reason`(gzipped: Bool) throws {
    #expect(try readError([0x1f, 0x00, 0x08, 0x01, 0, 0, 0, 1, 5], gzipped: gzipped).message == "not an IDX file: it starts with 1f 00 08 01, not 00 00")
    #expect(try readError(idxHeader([1], type: 0x0D) + [0, 0, 0, 0], gzipped: gzipped).message == "IDX element type 0x0d (float32) is not supported; MNIST uses 0x08 (unsigned bytes)")
    #expect(try readError([0, 0, 8, 0], gzipped: gzipped).message == "the header declares 0 dimensions")
    #expect(try readError([0, 0], gzipped: gzipped).message == "the file ends 2 bytes into the magic number; it is cut short")
    #expect(try readError(Array(idxHeader([2, 2, 3]).prefix(9)), gzipped: gzipped).message == "the file ends 5 bytes into 3 dimensions; it is cut short")
    #expect(try readError(Array(tinyImages.dropLast()), gzipped: gzipped).message == "the file ends 11 bytes into the 2×2×3 = 12 bytes of data the header declares; it is cut short")
    #expect(try readError(tinyImages + [99], gzipped: gzipped).message == "bytes follow the 12 bytes of data the header declares")
}

@Test func `an absurd size is refused before anything is allocated`() throws {
    // 100000³ bytes would be 10^15: the header is refused, with only its 16 bytes in the file.
    let huge = try readError(idxHeader([100_000, 100_000, 100_000]))
    #expect(huge.message == "the header declares 100000×100000×100000 bytes, more than the \(IDXFile.maximumDataBytes) bytes we read")
    // 2^32 − 1 in each of 8 dimensions overflows Int: refused the same way.
    let overflowing = try readError(idxHeader(Array(repeating: 0xFFFF_FFFF, count: 8)))
    #expect(overflowing.message.hasPrefix("the header declares 4294967295×"))
    // Just over the cap, and a gzip "bomb" announcing it: refused from the header alone.
    let overCap = try readError(idxHeader([IDXFile.maximumDataBytes + 1]), gzipped: true)
    #expect(overCap.message == "the header declares \(IDXFile.maximumDataBytes + 1) bytes, more than the \(IDXFile.maximumDataBytes) bytes we read")
}

@Test func `a damaged gzip stream, a missing file and a directory are refused`() throws {
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("damaged.gz")
    try write(tinyImages, to: url, gzipped: true)
    var bytes = [UInt8](try Data(contentsOf: url))
    bytes[bytes.count - 8] ^= 0xFF  // the CRC-32 of the data, stored before the length at the end
    try Data(bytes).write(to: url)
    #expect(throws: IDXError(path: url.path, reason: "the gzip data is damaged (incorrect data check)")) { try IDXFile.read(path: url.path) }
    let missing = directory.appendingPathComponent("missing").path
    #expect(throws: IDXError(path: missing, reason: "no such file")) { try IDXFile.read(path: missing) }
    #expect(throws: IDXError(path: directory.path, reason: "is a directory, not an IDX file")) { try IDXFile.read(path: directory.path) }
}

@Test func `images and labels must agree`() throws {
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    func pair(_ images: [UInt8], _ labels: [UInt8]) throws -> IDXError? {
        let (a, b) = (directory.appendingPathComponent("i-\(UUID())"), directory.appendingPathComponent("l-\(UUID())"))
        try write(images, to: a)
        try write(labels, to: b)
        do { _ = try LabeledImages.read(images: a.path, labels: b.path); return nil } catch { return error }
    }
    #expect(try pair(tinyImages, idxHeader([3]) + [1, 2, 3])?.reason.hasPrefix("3 labels for the 2 images of ") == true)
    #expect(try pair(tinyImages, idxHeader([2]) + [7, 10])?.reason == "label 1 is 10, not a digit 0…9")
    #expect(try pair(idxHeader([12]) + (0..<12).map { UInt8($0) }, tinyLabels)?.reason == "images need 3 dimensions (count, rows, columns), the header declares 12")
    #expect(try pair(tinyImages, idxHeader([1, 2]) + [7, 3])?.reason == "labels need 1 dimension (count), the header declares 1×2")
    // Images of no pixels: a count with no data behind it.
    #expect(try pair(idxHeader([2, 0, 28]), tinyLabels)?.reason == "images of 0×28 pixels have no pixels")
}

/// ../shared/mnist beside the repository: the official test set, not part of the repository.
let sharedMNIST = RepositoryFiles.root.deletingLastPathComponent().appendingPathComponent("shared/mnist")
let sharedMNISTExists = FileManager.default.fileExists(atPath: sharedMNIST.appendingPathComponent("t10k-images-idx3-ubyte.gz").path)

// Skipped (and said so in the test report) when ../shared/mnist is absent, as in a bare checkout.
@Test(.enabled(if: sharedMNISTExists, "../shared/mnist is absent: the MNIST test set is not part of the repository"))
func `the MNIST test set reads as 10,000 images of 28×28 with their labels`() throws {
    let set = try LabeledImages.mnistTestSet(in: sharedMNIST.path)
    #expect(set.count == 10_000 && set.rows == 28 && set.columns == 28)
    #expect(set.images.allSatisfy { $0.count == 784 })
    // The class sizes of the MNIST test set (LeCun, Cortes and Burges; tools/mnist_data.py reads the same).
    let counts = (0...9).map { digit in set.labels.filter { $0 == digit }.count }
    #expect(counts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    // The files are the ones SHA256SUMS names, when a sha256sum is at hand to check them.
    let checker = "/usr/bin/sha256sum"
    if FileManager.default.isExecutableFile(atPath: checker) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: checker)
        process.arguments = ["--check", "--quiet", "SHA256SUMS"]
        process.currentDirectoryURL = sharedMNIST
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "sha256sum --check SHA256SUMS failed in \(sharedMNIST.path)")
    } else {
        print("no \(checker): the SHA-256 of the MNIST files is not checked")
    }
}

@Test func `a device is refused as an IDX file, by the same reader as models and pictures`() {
    #expect(throws: IDXError(path: "/dev/null", reason: "is not a regular file")) { try IDXFile.read(path: "/dev/null") }
}
