// `workbook check` on ports written here from the fixtures: LiteRT's own tensors for the 64
// digits, under each op resolver, are an exact port of that family and must be recognized as
// one; the same port with one element changed matches nothing and names the tensor to fix; and
// broken files get one line and exit 1. The diagnoses of tools/broken_ports.py's ports are
// tested in BrokenPortTests.swift.

import Foundation
import TestSupport
import Testing

let familyOfResolver = ["BUILTIN_REF": "reference", "BUILTIN_WITHOUT_DEFAULT_DELEGATES": "optimized", "TFLM": "micro", "AUTO": "xnnpack"]

/// A port of every tensor of `fixture`'s run under `resolver`: the input, then each output, int64.
func fixturePort(_ fixture: ReferenceFixture, resolver: String, change: ((String, inout [Int64]) -> Void)? = nil) throws -> [UInt8] {
    let run = try #require(fixture.run(resolver))
    var entries: [(name: String, data: [UInt8])] = []
    for tensor in [fixture.input] + (run.outputs ?? []) {
        var values = try #require(tensor.integers).map(Int64.init)
        change?(tensor.name, &values)
        entries.append((tensor.name + ".npy", npyInt64(values, rows: fixture.images.count, columns: tensor.countPerImage)))
    }
    return npzBytes(entries)
}

func checkJSON(_ model: String, port: [UInt8]) throws -> (status: Int32, json: [String: Any], stderr: String) {
    try withFixtureIDX { images, _ in
        try withScratchFile(port, named: "port.npz") { path in
            let result = try WorkbookBinary.run(["check", "--model", model, "--mnist", images, path, "--json"])
            let json = (try? JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))) as? [String: Any] ?? [:]
            return (result.status, json, result.standardError)
        }
    }
}

@Test(arguments: ["models/mnist-int8.tflite", "models/mnist-uint8.tflite"])
func `LiteRT's own tensors under each resolver are an exact port of that family`(model: String) throws {
    let fixture = try RepositoryFiles.fixture(for: model)
    #expect(fixture.images.map(\.row) == int8Fixture.images.map(\.row), "the fixtures share their 64 digits")
    for run in fixture.runs where run.outputs != nil {
        let (status, json, stderr) = try checkJSON(model, port: try fixturePort(fixture, resolver: run.resolver))
        let matches = json["matches"] as? [String] ?? []
        #expect(status == 0, "\(model) \(run.resolver): \(stderr)")
        #expect(matches.contains(familyOfResolver[run.resolver]!), "\(model) \(run.resolver) matches \(matches)")
        #expect((json["diagnoses"] as? [Any])?.isEmpty == true)
    }
}

@Test func `one element changed in the first layer matches no family, and that tensor is the one to fix`() throws {
    let layer0 = int8Fixture.operators[0].outputs[0]
    let name = try #require(int8Fixture.tensors.first { $0.index == layer0 }).name
    let port = try fixturePort(int8Fixture, resolver: "BUILTIN_REF") { tensor, values in
        if tensor == name { values[100] = values[100] == 127 ? 126 : values[100] + 1 }
    }
    let (status, json, _) = try checkJSON("models/mnist-int8.tflite", port: port)
    #expect(status == 1)
    #expect((json["matches"] as? [String]) == [])
    let fix = try #require(json["fix"] as? [String: Any])
    #expect(fix["tensor"] as? String == name && fix["operator"] as? Int == 0)
    let tensors = try #require(json["tensors"] as? [[String: Any]])
    let differing = try #require(tensors.first { $0["name"] as? String == name }?["differing"] as? [String: Int])
    #expect(differing["reference"] == 1)
    #expect(!(json["diagnoses"] as? [[String: Any]] ?? []).isEmpty)
}

@Test func `a picture and the port of its input tensor alone match every family`() throws {
    // The 28×28 white-on-black picture is fixture digit 39 exactly (chapter 10), so its input
    // codes are the fixture's.
    let image = try #require(int8Fixture.images.firstIndex { $0.row == 39 })
    let codes = try #require(int8Fixture.input.integers(image: image)).map(Int64.init)
    let port = npzBytes([(name: "input.npy", data: npyInt64(codes, rows: 1, columns: 784))])
    let result = try withScratchFile(port, named: "port.npz") { path in
        try WorkbookBinary.run(["check", RepositoryFiles.path("images/digits/mnist-train-00039-label-0-28-white-on-black.png"), path])
    }
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("matches: reference, optimized, micro, xnnpack"), "\(result.standardOutput)")
}

@Test func `broken port files get one line naming the file and the reason, and exit 1`() throws {
    let valid = try fixturePort(int8Fixture, resolver: "BUILTIN_REF")
    let input = int8Fixture.input.name
    let zeros = npyInt64(Array(repeating: 0, count: 64 * 784), rows: 64, columns: 784)
    let cases: [([UInt8], String)] = [
        (Array("not a zip at all, just some text".utf8), "not a zip archive"),
        (Array(valid[0..<(valid.count / 2)]), "not a zip archive"),
        (npzBytes([]), "holds no arrays"),
        (npzBytes([(name: "nonsense.npy", data: npyInt64([1], rows: 1, columns: 1))]), "key 'nonsense' names no tensor"),
        (npzBytes([(name: "input.npy", data: npyInt64(Array(repeating: 0, count: 64 * 783), rows: 64, columns: 783))]), "has shape [64, 783]"),
        (npzBytes([(name: "input.npy", data: npyInt64(Array(repeating: 0, count: 63 * 784), rows: 63, columns: 784))]), "has shape [63, 784]"),
        (npzBytes([(name: "input.npy", data: npyBytes("<c8", "(64, 784)", data: []))]), "dtype <c8"),
        (npzBytes([(name: "input.npy", data: npyBytes("<f8", "(1,)", data: [0, 0, 0, 0, 0, 0, 0xE0, 0x3F]))]), "has shape [1]"),
        (npzBytes([(name: "input.npy", data: zeros), (name: input + ".npy", data: zeros)]), "both name tensor"),
        (npzBytes([(name: "input.txt", data: [1])]), "not a .npy array"),
    ]
    for (bytes, reason) in cases {
        let result = try withFixtureIDX { images, _ in
            try withScratchFile(bytes, named: "port.npz") { path in
                (try WorkbookBinary.run(["check", "--mnist", images, path]), path)
            }
        }
        let (run, path) = result
        #expect(run.status == 1 && !run.signaled, "\(reason): exit \(run.status)")
        #expect(run.standardError.hasPrefix("workbook: \(path): ") && run.standardError.contains(reason), "\(reason): \(run.standardError)")
        #expect(run.standardError.split(separator: "\n").count == 1, "\(run.standardError)")
    }
}

@Test func `usage errors exit 64`() throws {
    for arguments in [["check"], ["check", "--mnist", "a.idx", "b.png", "c.npz"], ["check", "--first", "3", "a.png", "c.npz"]] {
        #expect(try WorkbookBinary.run(arguments).status == 64, "\(arguments)")
    }
}

@Test func `without --mnist or pictures, check computes the 64 fixture digits`() throws {
    let port = try fixturePort(int8Fixture, resolver: "BUILTIN_REF")
    let result = try withScratchFile(port, named: "port.npz") { path in
        try WorkbookBinary.run(["check", path, "--json"])
    }
    let json = (try? JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))) as? [String: Any] ?? [:]
    #expect(result.status == 0, "\(result.standardError)")
    #expect(json["images"] as? Int == int8Fixture.images.count)
    #expect((json["matches"] as? [String] ?? []).contains("reference"))
}
