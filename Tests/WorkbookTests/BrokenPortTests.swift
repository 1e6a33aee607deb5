// `workbook check` on the ports of models/fixtures/ports/ (tools/broken_ports.py, from the numpy
// listing ports/numpy/port.py on the 64 fixture digits, which check computes by default): each exact port is recognized as its
// family's, each port with a mistake is diagnosed with that mistake's id, the seed's port of
// chapter 3 with all of its mistakes, and each malformed file gets one line and exit 1.

import Foundation
import TestSupport
import Testing

func checkPortFile(_ file: String, model: String, inputRange: String? = nil) throws -> (WorkbookBinary.Result, [String: Any]) {
    let arguments = ["check", "--model", model] + (inputRange.map { ["--input-range", $0] } ?? [])
        + [RepositoryFiles.path("models/fixtures/ports/\(file)"), "--json"]  // on the 64 fixture digits, check's default
    let result = try WorkbookBinary.run(arguments)
    let json = (try? JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))) as? [String: Any] ?? [:]
    return (result, json)
}

@Test(arguments: [
    ("mnist-int8-exact-reference.npz", "models/mnist-int8.tflite", "reference"),
    ("mnist-int8-exact-optimized.npz", "models/mnist-int8.tflite", "optimized"),
    ("mnist-int8-exact-micro.npz", "models/mnist-int8.tflite", "micro"),
    ("mnist-int8-exact-xnnpack.npz", "models/mnist-int8.tflite", "xnnpack"),
    ("mnist-uint8-exact-reference.npz", "models/mnist-uint8.tflite", "reference"),
    ("mnist-uint8-exact-optimized.npz", "models/mnist-uint8.tflite", "optimized"),
    ("mnist-uint8-exact-xnnpack.npz", "models/mnist-uint8.tflite", "xnnpack"),
])
func `the numpy port's output in each family is recognized as that family's`(file: String, model: String, family: String) throws {
    let (result, json) = try checkPortFile(file, model: model)
    #expect(result.status == 0, "\(file): \(result.standardError)")
    #expect((json["matches"] as? [String] ?? []).contains(family), "\(file): \(json["matches"] ?? "no JSON")")
}

@Test(arguments: [
    ("mnist-int8-zero-point.npz", "models/mnist-int8.tflite", nil, ["zero-point"]),
    ("mnist-uint8-zero-point.npz", "models/mnist-uint8.tflite", nil, ["zero-point"]),
    ("mnist-uint8-wraparound.npz", "models/mnist-uint8.tflite", nil, ["wraparound"]),
    // acc + bias clipped and stored: neither M nor Z3 applied, and the check says both.
    ("mnist-int8-no-requantization.npz", "models/mnist-int8.tflite", nil, ["no-requantization", "zero-point"]),
    ("mnist-int8-scale.npz", "models/mnist-int8.tflite", nil, ["scale"]),
    ("mnist-int8-per-channel.npz", "models/mnist-int8.tflite", nil, ["per-channel"]),
    ("mnist-int8-clamp.npz", "models/mnist-int8.tflite", nil, ["clamp"]),
    ("mnist-uint8-rounding.npz", "models/mnist-uint8.tflite", nil, ["rounding"]),
    ("minus1to1-int8-input-codes.npz", "models/own/minus1to1-int8.tflite", "-1,1", ["input-codes"]),
    // The seed: raw codes in uint8 arrays, no zero points, no requantization, RELU without an upper bound.
    ("mnist-uint8-seed.npz", "models/mnist-uint8.tflite", nil, ["zero-point", "wraparound", "no-requantization", "clamp"]),
] as [(String, String, String?, [String])])
func `each port with a mistake is diagnosed by that mistake`(file: String, model: String, inputRange: String?, ids: [String]) throws {
    let (result, json) = try checkPortFile(file, model: model, inputRange: inputRange)
    #expect(result.status == 1 && !result.signaled, "\(file): exit \(result.status) \(result.standardError)")
    #expect((json["matches"] as? [String]) == [])
    let diagnoses = json["diagnoses"] as? [[String: Any]] ?? []
    #expect(diagnoses.compactMap { $0["id"] as? String } == ids, "\(file): \(diagnoses)")
    // Every diagnosis carries its evidence: one element's numbers, what the port gave.
    for diagnosis in diagnoses {
        #expect((diagnosis["detail"] as? String ?? "").contains("the port gave"), "\(file): \(diagnosis)")
    }
}

@Test(arguments: [
    ("mnist-int8-not-a-zip.npz", "not a zip archive"),
    ("mnist-int8-truncated.npz", "not a zip archive"),
    ("mnist-int8-wrong-shape.npz", "has shape [784, 64]"),
    ("mnist-int8-unknown-key.npz", "key 'logits' names no tensor"),
    ("mnist-int8-wrong-dtype-complex.npz", "dtype <c8"),
    ("mnist-int8-wrong-dtype-string.npz", "an array of strings or objects"),
])
func `each malformed port file gets one line and exit 1`(file: String, reason: String) throws {
    let (result, _) = try checkPortFile(file, model: "models/mnist-int8.tflite")
    #expect(result.status == 1 && !result.signaled)
    #expect(result.standardError.contains(reason) && result.standardError.split(separator: "\n").count == 1, "\(file): \(result.standardError)")
}
