// `workbook eval` on the 64 fixture digits, written as IDX files here: its accuracy, confusion
// matrix and agreement with the float model are LiteRT's own, counted from the fixtures; stdout
// carries only results (no progress bar when stderr is not a terminal).

import Foundation
import TestSupport
import Testing

/// The fixture digits as an IDX images file and an IDX labels file.
func withFixtureIDX<T>(_ body: (_ images: String, _ labels: String) throws -> T) throws -> T {
    let count = int8Fixture.images.count
    let images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, UInt8(count), 0, 0, 0, 28, 0, 0, 0, 28] + int8Fixture.pixels.bytes
    let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, UInt8(count)] + int8Fixture.images.map { UInt8($0.label) }
    return try withScratchFile(images, named: "images.idx") { imagesPath in
        try withScratchFile(labels, named: "labels.idx") { labelsPath in try body(imagesPath, labelsPath) }
    }
}

/// The argmax of a fixture run's output tensor for each image (the first on a tie, as numpy).
func fixturePredictions(_ fixture: ReferenceFixture, tensor: Int, resolver: String) throws -> [Int] {
    let outputs = try #require(fixture.run(resolver)?.outputs?.first { $0.index == tensor })
    return (0..<fixture.images.count).map { image in
        if let codes = outputs.integers(image: image) { return codes.indices.max { codes[$0] < codes[$1] || (codes[$0] == codes[$1] && $0 > $1) }! - codes.startIndex }
        let reals = outputs.floats(image: image)!
        return reals.indices.max { reals[$0] < reals[$1] || (reals[$0] == reals[$1] && $0 > $1) }! - reals.startIndex
    }
}

@Test func `eval prints LiteRT's accuracy, confusion matrix and agreement with the float model`() throws {
    let predictions = try fixturePredictions(int8Fixture, tensor: 10, resolver: "BUILTIN_REF")
    let floatFixture = try RepositoryFiles.fixture(for: "models/mnist-float.tflite")
    let floatOutput = try #require(floatFixture.operators.last?.outputs.first)
    let floatPredictions = try fixturePredictions(floatFixture, tensor: floatOutput, resolver: "BUILTIN_REF")
    let labels = int8Fixture.images.map(\.label)
    let correct = zip(predictions, labels).filter { $0 == $1 }.count
    let agreeing = zip(predictions, floatPredictions).filter { $0 == $1 }.count

    try withFixtureIDX { images, labelsPath in
        let result = try WorkbookBinary.run(["eval", "--images", images, "--labels", labelsPath])
        #expect(result.status == 0)
        #expect(result.standardError.isEmpty, "no progress bar when stderr is a pipe: \(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "models/mnist-int8.tflite, reference kernels: \(correct) of 64 correct (\(String(format: "%.2f %%", 100 * Double(correct) / 64)))")
        #expect(lines[2] == "confusion matrix (a row per label, a column per prediction):")
        for label in 0..<10 {
            let row = lines[4 + label].split(separator: " ").map { Int($0)! }
            #expect(row[0] == label)
            let expected = (0..<10).map { prediction in zip(labels, predictions).filter { $0 == (label, prediction) }.count }
            #expect(Array(row.dropFirst()) == expected, "label \(label)")
        }
        #expect(lines[15] == "agreement with the float model (models/mnist-float.tflite): \(agreeing) of 64 predictions equal (\(String(format: "%.2f %%", 100 * Double(agreeing) / 64)))")
        #expect(lines.count == 17)
    }
}

@Test func `eval --timing adds microseconds per image, and --first counts images`() throws {
    try withFixtureIDX { images, labels in
        let result = try WorkbookBinary.run(["eval", "--images", images, "--labels", labels, "--first", "5", "--timing", "--kernels", "micro"])
        #expect(result.status == 0)
        #expect(result.standardOutput.hasPrefix("models/mnist-int8.tflite, micro kernels: "))
        #expect(result.standardOutput.contains(" of 5 correct"))
        let timing = try #require(result.standardOutput.split(separator: "\n").last)
        // The fast engine by default (chapter 13), on the best path this CPU offers.
        #expect(timing.hasPrefix("timing: ") && timing.contains(" µs per image (5 images, micro kernels, fast engine, ")
                && timing.hasSuffix(", batches of 128, the network's run only)"), "\(timing)")
        let readable = try WorkbookBinary.run(["eval", "--images", images, "--labels", labels, "--first", "5", "--timing", "--kernels", "micro", "--engine", "readable"])
        let lines = readable.standardOutput.split(separator: "\n")
        #expect(lines.last?.hasSuffix(" µs per image (5 images, micro kernels, readable engine, one image at a time, the network's run only)") == true)
        // Both engines print the same counts.
        #expect(lines.dropLast() == result.standardOutput.split(separator: "\n").dropLast())
        let table = try WorkbookBinary.run(["eval", "--images", images, "--labels", labels, "--table", "--timing"])
        #expect(table.status == 64)
    }
}

@Test func `eval --table keeps chapter 9's format`() throws {
    try withFixtureIDX { images, labels in
        let result = try WorkbookBinary.run(["eval", "--images", images, "--labels", labels, "--table", "--first", "3"])
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines[0] == "| model | reference | optimized | micro | xnnpack |")
        #expect(lines[1] == "|---|---|---|---|---|")
        #expect(lines[3].hasPrefix("| mnist-uint8.tflite | ") && lines[3].contains("| no kernel |"))
        #expect(lines.count == 7)
    }
}
