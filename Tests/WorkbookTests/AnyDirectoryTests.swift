// Every command works from any directory: the binary finds its shipped models, digits and
// fixtures from where it is, not from the directory it is run in or a path compiled into it.

import Foundation
import Testing
import TestSupport

let elsewhere = URL(fileURLWithPath: NSTemporaryDirectory())

@Test func `chapter, classify, inspect and trace work from another directory`() throws {
    let picture = RepositoryFiles.path("images/digits/mnist-train-03085-label-6-240x160-off-centre.png")
    let atHome = try WorkbookBinary.run(["chapter", "4"])
    let away = try WorkbookBinary.run(["chapter", "4"], in: elsewhere)
    #expect(away.status == 0 && away.standardOutput == atHome.standardOutput, "\(away.standardError)")
    for arguments in [["classify", picture], ["trace", picture], ["inspect"], ["inspect", "--model", "models/mnist-uint8.tflite"], ["chapter", "10"], ["chapter", "3"]] {
        let result = try WorkbookBinary.run(arguments, in: elsewhere)
        #expect(result.status == 0, "\(arguments): \(result.standardError)")
    }
}

@Test func `eval works from another directory with absolute paths`() throws {
    let mnist = RepositoryFiles.root.deletingLastPathComponent().appendingPathComponent("shared/mnist")
    guard FileManager.default.fileExists(atPath: mnist.appendingPathComponent("t10k-images-idx3-ubyte.gz").path) else {
        print("skipped: ../shared/mnist is absent (CI has it)")
        return
    }
    let result = try WorkbookBinary.run(["eval", "--first", "50", "--images", mnist.appendingPathComponent("t10k-images-idx3-ubyte.gz").path,
                                         "--labels", mnist.appendingPathComponent("t10k-labels-idx1-ubyte.gz").path], in: elsewhere)
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.hasPrefix("models/mnist-int8.tflite, reference kernels: "))
}

@Test func `a binary that cannot find its files says what is missing, in one line`() throws {
    let result = try WorkbookBinary.run(["inspect"], in: elsewhere, environment: ["WORKBOOK_HOME": "/nonexistent"])
    #expect(result.status == 1)
    #expect(result.standardError == "workbook: WORKBOOK_HOME is /nonexistent, which holds no models/manifest.json\n")
}

@Test func `a copy of a shipped model is recognised by its bytes, and a changed one is not`() throws {
    let shipped = RepositoryFiles.path("models/mnist-uint8.tflite")
    let copy = elsewhere.appendingPathComponent("my-model-\(UUID()).tflite").path
    var bytes = try Data(contentsOf: URL(fileURLWithPath: shipped))
    try bytes.write(to: URL(fileURLWithPath: copy))
    defer { try? FileManager.default.removeItem(atPath: copy) }
    #expect(ShippedFiles.entry(forModelFile: copy)?.fixture == "models/fixtures/mnist-uint8.json")
    bytes[bytes.count - 1] ^= 1
    try bytes.write(to: URL(fileURLWithPath: copy))
    #expect(ShippedFiles.entry(forModelFile: copy) == nil)
    #expect(ShippedFiles.entry(forModelFile: "/no/such.tflite") == nil)
}

@Test func `a model the workbook does not ship is narrated from chapter 9's reference network, with the same numbers`() throws {
    // The shipped int8 model with one byte more at its end: the same network, other bytes, so
    // no fixture is found for it and the narration runs chapter 9's reference kernels instead.
    let copy = elsewhere.appendingPathComponent("unshipped-\(UUID()).tflite").path
    try (Data(contentsOf: URL(fileURLWithPath: RepositoryFiles.path("models/mnist-int8.tflite"))) + [0]).write(to: URL(fileURLWithPath: copy))
    defer { try? FileManager.default.removeItem(atPath: copy) }
    for chapter in ["6", "8"] {
        let shipped = try WorkbookBinary.run(["chapter", chapter])
        let unshipped = try WorkbookBinary.run(["chapter", chapter, "--model", copy])
        #expect(unshipped.status == 0, "\(unshipped.standardError)")
        #expect(unshipped.standardOutput.contains("chapter 9's reference"))
        let expected = shipped.standardOutput.replacingOccurrences(of: "models/mnist-int8.tflite", with: copy)
            .replacingOccurrences(of: "LiteRT's reference", with: "chapter 9's reference")
        #expect(unshipped.standardOutput == expected, "chapter \(chapter)")
    }
}
