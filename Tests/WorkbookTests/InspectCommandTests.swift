// `workbook inspect` as a user runs it: its JSON agrees with LiteRT for every model, and every
// bad file gives one line on stderr and exit status 1.

import Foundation
import TestSupport
import Testing

/// `inspect --json`, parsed.
func inspectJSON(_ model: String) throws -> [String: Any] {
    let result = try WorkbookBinary.run(["inspect", "--json", "--model", model])
    #expect(result.status == 0, "\(result.standardError)")
    return try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
}

@Test(arguments: RepositoryFiles.modelsWithFixtures)
func `inspect --json reports LiteRT's scales and zero points for every tensor`(model: String) throws {
    let json = try inspectJSON(model)
    let fixture = try RepositoryFiles.fixture(for: model)
    #expect(json["model"] as? String == model)
    let tensors = try #require(json["tensors"] as? [[String: Any]])
    #expect(tensors.count == fixture.tensors.count)
    for (reported, expected) in zip(tensors, fixture.tensors) {
        #expect(reported["index"] as? Int == expected.index)
        #expect(reported["name"] as? String == expected.name)
        #expect(reported["type"] as? String == expected.dtype)
        #expect(reported["shape"] as? [Int] == expected.shape)
        // JSON carries float32 scales in their shortest form; read back as Float they are exact.
        let scales = (reported["scales"] as? [Double] ?? []).map(Float.init)
        #expect(scales == expected.scales.map(Float.init), "\(model) tensor \(expected.index)")
        #expect(reported["zeroPoints"] as? [Int] == expected.zeroPoints)
        #expect(reported["quantizedDimension"] as? Int == expected.quantizedDimension)
    }
    let operators = try #require(json["operators"] as? [[String: Any]])
    for (reported, expected) in zip(operators, fixture.operators) {
        #expect(reported["op"] as? String == expected.op)
        #expect(reported["inputs"] as? [Int] == expected.inputs)
        #expect(reported["outputs"] as? [Int] == expected.outputs)
    }
}

@Test func `inspect without --model reads the shipped int8 model`() throws {
    let json = try inspectJSON("models/mnist-int8.tflite")
    let result = try WorkbookBinary.run(["inspect", "--json"])
    #expect(result.status == 0)
    #expect(result.standardOutput.contains("\"family\": \"int8-per-channel\""))
    #expect(json["family"] as? String == "int8-per-channel")
}

@Test func `inspect names S3 as the output tensor's scale`() throws {
    let result = try WorkbookBinary.run(["inspect"])
    #expect(result.status == 0)
    #expect(result.standardOutput.contains("S3 is the scale of the operator's output tensor"))
}

/// Writes `bytes` to a temporary .tflite file and runs `inspect` on it.
func inspectBroken(_ bytes: [UInt8], named name: String) throws -> WorkbookBinary.Result {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID()).tflite").path
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = try WorkbookBinary.run(["inspect", "--model", path])
    #expect(result.standardError.hasPrefix("workbook: \(path): "), "\(result.standardError)")
    return result
}

@Test func `a broken file gives one line on stderr naming it, and exit status 1`() throws {
    let shipped = [UInt8](try Data(contentsOf: URL(fileURLWithPath: RepositoryFiles.path("models/mnist-int8.tflite"))))
    var wrongIdentifier = shipped
    wrongIdentifier.replaceSubrange(4..<8, with: Array("ABCD".utf8))
    let cases: [(String, [UInt8], String)] = [
        ("empty", [], "is empty"),
        ("tiny", [1, 2, 3], "is 3 bytes, too short to be a FlatBuffer"),
        ("truncated", Array(shipped.prefix(shipped.count / 2)), "past the end of the file"),
        ("identifier", wrongIdentifier, "the file identifier is 'ABCD', expected 'TFL3'"),
    ]
    for (name, bytes, reason) in cases {
        let result = try inspectBroken(bytes, named: name)
        #expect(result.status == 1, "\(name)")
        #expect(result.standardOutput.isEmpty, "\(name)")
        #expect(result.standardError.split(separator: "\n").count == 1, "\(name): \(result.standardError)")
        #expect(result.standardError.contains(reason), "\(name): \(result.standardError)")
    }
}

@Test func `a missing model is named, and an unknown option is a usage error`() throws {
    let missing = try WorkbookBinary.run(["inspect", "--model", "no/such.tflite"])
    #expect(missing.status == 1)
    #expect(missing.standardError == "workbook: no/such.tflite: no such file\n")
    let usage = try WorkbookBinary.run(["inspect", "--no-such-option"])
    #expect(usage.status == 64)
}
