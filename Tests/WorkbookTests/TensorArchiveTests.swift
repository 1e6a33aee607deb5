// `workbook tensors --npz` as tools/crosscheck.py runs it: the fixture digits of a CNN through
// the fast engine, written as one numpy archive, read back by chapter 12's readers: every tensor
// an array [images, H, W, C] of its own type, equal to what LiteRT wrote for those digits.

import Ch12YourPort
import Foundation
import TestSupport
import Testing

@Test(arguments: [("models/cnn/cnn-int8-float-io.tflite", "xnnpack", "AUTO"), ("models/mnist-uint8.tflite", "optimized", "BUILTIN_WITHOUT_DEFAULT_DELEGATES")])
func `tensors --npz writes every tensor as a numpy array equal to LiteRT's`(model: String, family: String, resolver: String) throws {
    let fixture = try RepositoryFiles.fixture(for: model)
    let run = try #require(fixture.run(resolver))
    let count = fixture.images.count
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tensors-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    // The fixture's digits as an MNIST IDX file (magic 0x0803, count, 28, 28, then the pixels).
    let header: [UInt8] = [0, 0, 8, 3, 0, 0, UInt8(count >> 8), UInt8(count & 0xFF), 0, 0, 0, 28, 0, 0, 0, 28]
    let images = directory.appendingPathComponent("digits.idx").path
    FileManager.default.createFile(atPath: images, contents: Data(header + (0..<count).flatMap { fixture.pixels(ofImage: $0) }))
    let archive = directory.appendingPathComponent("tensors.npz").path
    let result = try WorkbookBinary.run(["tensors", "--model", model, "--kernels", family, "--mnist", images, "--npz", archive])
    #expect(result.status == 0 && result.standardOutput.isEmpty, "\(result.standardError)")

    let zip = try ZipArchive(bytes: [UInt8](try #require(FileManager.default.contents(atPath: archive))))
    let arrays = try Dictionary(uniqueKeysWithValues: zip.entries.map { entry in
        (String(entry.name.dropLast(4)), try NumpyArray(npy: zip.contents(of: entry, maximumSize: 1 << 24), maximumElements: 1 << 24))
    })
    let expected = try #require(run.outputs)
    #expect(!expected.isEmpty)
    for tensor in expected {
        let array = try #require(arrays[tensor.name], "no array '\(tensor.name)'")
        #expect(array.shape.first == count && array.count == count * tensor.shape.reduce(1, *), "\(tensor.name): \(array.shape)")
        for image in 0..<count {
            let size = array.count / count
            let row = (image * size)..<((image + 1) * size)
            switch array.values {
            case .integers(let values):
                #expect(Array(values[row]) == tensor.integers(image: image)?.map { Int64($0) }, "\(tensor.name) image \(image)")
            case .floats(let values):
                #expect(Array(values[row]) == tensor.floats(image: image)?.map { Double($0) }, "\(tensor.name) image \(image)")
            }
        }
    }
    if model.contains("cnn") {
        #expect(arrays.values.contains { $0.shape == [count, 26, 26, 16] && $0.dtype == "|i1" })
    }
}
