// The narration of chapter 12 (`workbook chapter 12`): a port of the model on the 64 fixture
// digits, first exact (the reference network's own tensors), then with one mistake, layer 0's
// input zero point forgotten, and what the check says about each.

import Ch01TFLiteFile
import Ch06Requantize
import Ch09Network

public func narrateChapter12(_ context: NarrationContext) throws -> String {
    let (networks, notOffered) = try familyNetworks(model: context.model, pixelMapping: nil)
    guard let reference = networks[.reference], let layer = reference.layers.first else {
        throw NarrationError("chapter 12 needs a quantized model the reference family computes")
    }
    let images = context.digits.map(\.pixels)
    let tensors = try checkedTensors(of: reference)
    let runs = try images.map { try reference.run(pixels: $0) }
    func port(_ tensor: CheckedTensor, _ values: [[Int32]]) -> PortTensor {
        PortTensor(tensor: tensor, key: tensor.name, values: .integers(values.joined().map(Int64.init)), dtype: "<i8")
    }
    // 1. Every integer tensor, as the reference network computed it.
    let exact = tensors.filter { !$0.isFloat }.map { tensor in port(tensor, runs.map { $0.tensors[tensor.index]!.integers! }) }
    var out = "\(context.modelPath): a port checked against the four families on the \(images.count) fixture digits\n\n"
    let first = try checkPort(PortFile(tensors: exact, imageCount: images.count), networks: networks, notOffered: notOffered, images: images)
    out += "1. the reference network's own tensors (\(exact.count) of them): matches \(first.comparison.matches.map(\.rawValue).joined(separator: ", "))\n"
    for tensor in first.comparison.tensors {
        let differing = KernelFamily.allCases.compactMap { family in tensor.differing[family].map { "\(family.rawValue) \($0)" } }
        out += "   \(tensor.tensor.op.map { "operator \($0)" } ?? "input"): \(differing.joined(separator: ", "))\n"
    }

    // 2. Layer 0 computed without its input zero point: Σ(q_w − Z2)·q_in.
    let inputs = runs.map { $0.tensors[layer.scales.input.index]!.integers! }
    let sample = LayerSample(layer: layer, family: .reference, images: Array(images.indices), inputs: inputs,
                             port: [], families: [:], portDtype: "|i1")
    let mistake = LayerHypothesis(mistakes: [.inputZeroPointIgnored])
    let requantizers = LayerRequantizers(layer.requantizer)
    let broken = images.indices.map { row in (0..<sample.channels).map { Int32(mistake.predict(sample, requantizers, row: row, channel: $0)) } }
    let layerOutput = tensors.first { $0.index == layer.scales.output.index }!
    let second = try checkPort(PortFile(tensors: [exact[0], port(layerOutput, broken)], imageCount: images.count),
                               networks: networks, notOffered: notOffered, images: images)
    out += "\n2. the same port with operator \(layer.scales.operatorIndex)'s input zero point Z1 = \(layer.scales.inputZeroPoint) forgotten: matches \(second.comparison.matches.isEmpty ? "none" : "some")\n"
    for tensor in second.comparison.tensors {
        out += "   \(tensor.tensor.op.map { "operator \($0)" } ?? "input"): reference \(tensor.differing[.reference] ?? 0) of \(tensor.compared) differ\n"
    }
    for diagnosis in second.diagnoses {
        out += "   \(diagnosis.id): \(diagnosis.detail)\n   \(diagnosis.evidence)\n"
    }
    return out
}
