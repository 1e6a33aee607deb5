// `workbook export` as a user runs it: every format writes its files and README, the JSON's
// golden vectors are TFLite Micro's own tensors, bad arguments exit 64 and failures to read or
// write exit 1 with one line on stderr; a CNN's export (chapter 17) holds each layer's arrays and
// geometry; and, where gcc is installed, the exported C header and hardware/c/reference.c (a
// CNN's: convolutional.c) reproduce the golden vectors (and catch one changed value).

import Foundation
import TestSupport
import Testing

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("workbook-\(name)-\(UUID().uuidString)").path
}

@Test(arguments: ["c", "mem", "coe", "mif", "npy", "json"])
func `export writes every file of a format and a README that documents the packing`(format: String) throws {
    let out = temporaryDirectory("export-\(format)")
    defer { try? FileManager.default.removeItem(atPath: out) }
    let result = try WorkbookBinary.run(["export", "--format", format, "--out", out, "--vectors", "3"])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.hasPrefix("models/mnist-int8.tflite, micro kernels: 3 layers and 3 golden vectors"))
    let names = Set(try FileManager.default.contentsOfDirectory(atPath: out))
    let expected: Set<String> = switch format {
    case "c": ["network.h", "vectors.h"]
    case "json": ["network.json", "vectors.json"]
    default: Set((0..<3).flatMap { layer in ["weights", "weight_zero_points", "bias", "multipliers", "shifts"].map { "layer\(layer)_\($0).\(format)" } }
        + ["vectors_input", "vectors_classes"].map { "\($0).\(format)" }
        + (0..<3).flatMap { ["vectors_layer\($0)_accumulators.\(format)", "vectors_layer\($0)_outputs.\(format)"] }
        + (format == "mem" ? ["network.vh"] : [])
        + (format == "npy" ? (0..<3).map { "layer\($0)_parameters.npy" } : []))
    }
    #expect(names == expected.union(["README.md"]))
    let readme = try String(contentsOfFile: "\(out)/README.md", encoding: .utf8)
    #expect(readme.contains("## Packing (\(format))"))
    #expect(readme.contains("--format \(format) --vectors 3"))
}

@Test func `a CNN's export holds each layer's arrays, none for a pooling layer, and its geometry in the README`() throws {
    let out = temporaryDirectory("export-cnn")
    defer { try? FileManager.default.removeItem(atPath: out) }
    let result = try WorkbookBinary.run(["export", "--model", "models/cnn/cnn-int8.tflite", "--format", "npy", "--out", out, "--vectors", "2"])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.hasPrefix("models/cnn/cnn-int8.tflite, micro kernels: 5 layers (CONV_2D, MAX_POOL_2D, CONV_2D, MAX_POOL_2D, FULLY_CONNECTED) and 2 golden vectors"))
    let weighted = [0, 2, 4]
    let expected = Set(weighted.flatMap { layer in ["weights", "weight_zero_points", "bias", "multipliers", "shifts"].map { "layer\(layer)_\($0).npy" } }
        + (0..<5).map { "layer\($0)_parameters.npy" } + (0..<5).map { "vectors_layer\($0)_outputs.npy" }
        + weighted.map { "vectors_layer\($0)_accumulators.npy" } + ["vectors_input.npy", "vectors_classes.npy", "README.md"])
    #expect(Set(try FileManager.default.contentsOfDirectory(atPath: out)) == expected)
    let readme = try String(contentsOfFile: "\(out)/README.md", encoding: .utf8)
    // The tutorial CNN of tools/cnn_models.py: a 3×3 VALID Conv2D(16) on 28×28 gives 26×26×16,
    // MaxPooling2D(2) halves it; Z = −128 and the ReLU clamp are the file's, as `inspect` prints.
    #expect(readme.contains("| 1 | 1 | MAX_POOL_2D | 26×26×16 | 13×13×16 | 2×2 | 2, 2 | 1, 1 | 0, 0 | -128 | -128 | -128 | 127 | none |"))
    #expect(readme.contains("| `layer0_weights` | q_w, [output][height][width][input], as TFLite stores it | [16][3][3][1] | int8 |"))
}

@Test func `the JSON golden vectors are TFLite Micro's tensors for the fixture digits`() throws {
    let out = temporaryDirectory("export-json")
    defer { try? FileManager.default.removeItem(atPath: out) }
    let result = try WorkbookBinary.run(["export", "--format", "json", "--out", out])
    #expect(result.status == 0, "\(result.standardError)")
    let network = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/network.json"))) as? [String: Any])
    let vectors = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/vectors.json"))) as? [String: Any])
    let layers = try #require(network["layers"] as? [[String: Any]])
    let fixture = try RepositoryFiles.fixture(for: "models/mnist-int8.tflite")
    let run = try #require(fixture.run("TFLM"))
    let list = try #require(vectors["vectors"] as? [[String: Any]])
    #expect(list.count == 64)
    for (image, vector) in list.enumerated() {
        #expect(vector["input"] as? [Int] == fixture.input.integers(image: image).map(Array.init))
        let computed = try #require(vector["layers"] as? [[String: Any]])
        for (layer, values) in zip(layers, computed) {
            let tensor = try #require(run.outputs?.first { $0.index == layer["outputTensor"] as? Int })
            #expect(values["outputs"] as? [Int] == tensor.integers(image: image).map(Array.init), "image \(image)")
        }
        #expect(vector["class"] as? Int == fixture.images[image].label)
    }
    // The weights of the first layer, as stored in the .tflite file: [512][784].
    let weights = try #require(layers.first?["weights"] as? [[Int]])
    #expect(weights.count == 512 && weights.allSatisfy { $0.count == 784 })
    #expect(network["kernels"] as? String == "micro")
}

@Test func `widths prints each layer's widths and the class agreement`() throws {
    let result = try WorkbookBinary.run(["widths"])
    #expect(result.status == 0, "\(result.standardError)")
    let lines = result.standardOutput.split(separator: "\n")
    #expect(lines.count == 1 + 3 * 4 + 1)
    #expect(lines.last == "the class, argmax of op 2's codes, is the network's prediction on 64 of 64 images")
    #expect(lines.filter { $0.contains("acc (bias included), worst case:") }.count == 3)
}

@Test func `widths on a CNN sizes every convolution's accumulator: worst case, and seen within it`() throws {
    let result = try WorkbookBinary.run(["widths", "--model", "models/cnn/cnn-strided-depthwise-int8.tflite"])
    #expect(result.status == 0, "\(result.standardError)")
    let text = result.standardOutput
    #expect(text.contains("op 1, DEPTHWISE_CONV_2D, patches of 3×3 = 9 values of one channel: q_w − Z2 in -127…127, q_in − Z1 in 0…255, products of 16 bits\n"))
    #expect(text.contains("op 2, CONV_2D, patches of 3×3×16 = 144 values"))
    let worst = text.matches(of: /worst case:   (-?\d+)…(-?\d+), (\d+) bits/).map { (Int($0.1)!, Int($0.2)!) }
    let seen = text.matches(of: /largest seen: (-?\d+)…(-?\d+), (\d+) bits/).map { (Int($0.1)!, Int($0.2)!) }
    // Three convolutions and the dense layer; nothing the digits make lies outside the bound.
    #expect(worst.count == 4 && seen.count == 4)
    for (bound, measured) in zip(worst, seen) { #expect(bound.0 <= measured.0 && measured.1 <= bound.1, "\(measured) outside \(bound)") }
}

@Test(arguments: [
    (["export", "--format", "c", "--out", "x", "--kernels", "reference"], "--kernels reference requantizes in double"),
    (["export", "--format", "c", "--out", "x", "--kernels", "xnnpack"], "--kernels xnnpack requantizes in float32"),
    (["export", "--out", "x"], "Missing expected argument '--format <format>'"),
    (["export", "--format", "c"], "Missing expected argument '--out <directory>'"),
    (["export", "--format", "pdf", "--out", "x"], "pdf"),
    (["export", "--format", "c", "--out", "x", "--vectors", "0"], "--vectors takes a count of at least 1"),
    (["export", "--format", "c", "--out", "x", "--vectors", "65"], "the fixture has 64 digits"),
    (["widths", "--format", "c"], "Unknown option '--format'"),
    (["widths", "--kernels", "xnnpack"], "--kernels xnnpack requantizes in float32"),
    (["widths", "--vectors", "-3"], "--vectors takes a count of at least 1, not -3"),
    (["chapter", "2", "--input-range=-1,1"], "the chapters narrate each model with its input tensor's own mapping"),
    (["classify", "--input-range", "1,0", "images/photos/mnist-train-01132-label-2-photo-noisy-paper.png"], "The value '1,0' is invalid for '--input-range <lo,hi>'"),
])
func `bad arguments exit with status 64 and say what is wrong`(arguments: [String], message: String) throws {
    let result = try WorkbookBinary.run(arguments)
    #expect(result.status == 64, "\(arguments)")
    #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
    #expect(!FileManager.default.fileExists(atPath: RepositoryFiles.path("x")))
}

@Test func `failures to read or write give one line on stderr and exit status 1`() throws {
    let file = temporaryDirectory("a-file")
    _ = FileManager.default.createFile(atPath: file, contents: Data("not a directory".utf8))
    defer { try? FileManager.default.removeItem(atPath: file) }
    let cases: [([String], String)] = [
        (["export", "--format", "c", "--out", file], "workbook: \(file): exists and is not a directory"),
        (["export", "--format", "c", "--out", "\(file)/inside"], "workbook: \(file)/inside: cannot create the directory"),
        (["export", "--format", "c", "--out", "x", "--model", "models/mnist-uint8.tflite"],
         "workbook: models/mnist-uint8.tflite: TFLite Micro has no uint8 kernels, so the micro family has no contract for this model; export it with --kernels optimized"),
        (["export", "--format", "c", "--out", "x", "--model", "models/mnist-float.tflite"], "workbook: models/mnist-float.tflite: "),
        (["widths", "--mnist", "/nonexistent/images.gz"], "workbook: /nonexistent/images.gz"),
        // A uint8 CNN has no micro contract (chapter 17): TFLite Micro refuses it.
        (["export", "--format", "c", "--out", "x", "--model", "models/cnn/cnn-uint8.tflite"],
         "workbook: models/cnn/cnn-uint8.tflite: TFLite Micro has no uint8"),
        (["naive", "--model", "models/cnn/cnn-uint8.tflite", "--images", "x", "--labels", "y"],
         "workbook: models/cnn/cnn-uint8.tflite: chapter 3's naive port is part one's network of FULLY_CONNECTED layers; operator 0 (CONV_2D) is part two's"),
    ]
    for (arguments, message) in cases {
        let result = try WorkbookBinary.run(arguments)
        #expect(result.status == 1, "\(arguments)")
        #expect(result.standardOutput.isEmpty, "\(arguments)")
        #expect(result.standardError.split(separator: "\n").count == 1, "\(arguments): \(result.standardError)")
        #expect(result.standardError.hasPrefix(message), "\(arguments): \(result.standardError)")
    }
    #expect(!FileManager.default.fileExists(atPath: RepositoryFiles.path("x")))
}

/// Runs `executable ARGUMENTS` and returns its exit status and output.
func runTool(_ executable: String, _ arguments: [String], in directory: String? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The path of `name` on $PATH, if it is installed.
func installed(_ name: String) -> String? {
    (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

struct CReferenceCase: Sendable, CustomTestStringConvertible {
    let model: String
    let kernels: String
    /// hardware/c/reference.c for part one's dense networks, convolutional.c for a CNN (chapter 17).
    var source = "hardware/c/reference.c"
    var vectors = "64"
    var testDescription: String { "\(model) \(kernels)" }
}

@Test(.enabled(if: installed("gcc") != nil, "needs gcc; hardware/run-checks.sh runs this check in CI"),
      arguments: [CReferenceCase(model: "models/mnist-int8.tflite", kernels: "micro"),
                  CReferenceCase(model: "models/mnist-uint8.tflite", kernels: "optimized"),
                  CReferenceCase(model: "models/cnn/cnn-strided-depthwise-int8.tflite", kernels: "micro", source: "hardware/c/convolutional.c", vectors: "8"),
                  CReferenceCase(model: "models/cnn/probes/cnn-depthwise-ties.tflite", kernels: "optimized", source: "hardware/c/convolutional.c", vectors: "8")])
func `the C reference reproduces the exported golden vectors, and catches one changed value`(_ item: CReferenceCase) throws {
    let gcc = try #require(installed("gcc"))
    let out = temporaryDirectory("c-reference")
    defer { try? FileManager.default.removeItem(atPath: out) }
    let export = try WorkbookBinary.run(["export", "--model", item.model, "--kernels", item.kernels, "--format", "c", "--vectors", item.vectors, "--out", out])
    #expect(export.status == 0, "\(export.standardError)")
    let flags = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-I", out, RepositoryFiles.path(item.source), "-o", "\(out)/reference"]
    let compiled = try runTool(gcc, flags)
    try #require(compiled.status == 0, "gcc: \(compiled.output)")
    let passed = try runTool("\(out)/reference", [])
    #expect(passed.status == 0, "\(passed.output)")
    #expect(passed.output.hasSuffix("values compared, 0 differ\n"), "\(passed.output)")

    // One golden accumulator off by one: the reference must notice, name it and fail.
    let vectorsPath = "\(out)/vectors.h"
    var vectors = try String(contentsOfFile: vectorsPath, encoding: .utf8)
    let start = try #require(vectors.range(of: "qw_vectors_layer1_accumulators[")).upperBound
    let first = try #require(vectors.range(of: "{\n    ", range: start..<vectors.endIndex)).upperBound
    let end = try #require(vectors[first...].firstIndex(of: ","))
    let value = try #require(Int(vectors[first..<end]))
    vectors.replaceSubrange(first..<end, with: String(value + 1))
    try vectors.write(toFile: vectorsPath, atomically: true, encoding: .utf8)
    try #require(try runTool(gcc, flags).status == 0)
    let failed = try runTool("\(out)/reference", [])
    #expect(failed.status == 1)
    #expect(failed.output.hasPrefix("vector 0 layer 1 accumulator 0: expected \(value + 1), computed \(value)\n"), "\(failed.output)")
    #expect(failed.output.hasSuffix("values compared, 1 differ\n"), "\(failed.output)")
}

@Test(.enabled(if: installed("iverilog") != nil && installed("vvp") != nil, "needs Icarus Verilog; hardware/run-checks.sh runs this check in CI"))
func `the Verilog testbench reproduces a golden vector, and stops at one changed code`() throws {
    let (iverilog, vvp) = (try #require(installed("iverilog")), try #require(installed("vvp")))
    let out = temporaryDirectory("verilog")
    defer { try? FileManager.default.removeItem(atPath: out) }
    let export = try WorkbookBinary.run(["export", "--format", "mem", "--vectors", "1", "--out", out])
    #expect(export.status == 0, "\(export.standardError)")
    let compiled = try runTool(iverilog, ["-g2005", "-I", out, "-o", "\(out)/testbench.vvp",
                                          RepositoryFiles.path("hardware/verilog/testbench.v"),
                                          RepositoryFiles.path("hardware/verilog/fully_connected.v")])
    try #require(compiled.status == 0, "iverilog: \(compiled.output)")
    let passed = try runTool(vvp, ["-n", "testbench.vvp"], in: out)
    #expect(passed.status == 0, "\(passed.output)")
    #expect(passed.output.contains("1245 values compared, 0 differ\nPASS\n"), "\(passed.output)")

    // The first golden logit one code higher: the testbench must name it and stop with $fatal.
    let path = "\(out)/vectors_layer2_outputs.mem"
    var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
    let code = try #require(UInt8(lines[1], radix: 16))
    lines[1] = String(format: "%02x", (Int(code) + 1) % 256)  // the next 8-bit pattern
    try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    let failed = try runTool(vvp, ["-n", "testbench.vvp"], in: out)
    #expect(failed.status == 1, "\(failed.output)")
    #expect(failed.output.contains("vector 0 layer 2 code 0: expected"), "\(failed.output)")
    #expect(failed.output.contains("1245 values compared, 1 differ"), "\(failed.output)")
    #expect(!failed.output.contains("PASS"))
}
