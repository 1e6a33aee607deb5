// The narration of chapter 6 (`workbook chapter 6`): one neuron of the first layer requantized
// by the four kernel families, then how often the families disagree on the 64 fixture digits.

import Ch01TFLiteFile
import Ch02Affine
import Ch06Requantize
import Ch07Clamp
import Ch09Network
import Foundation
import ReferenceFixtures

func narrateChapter6(_ context: NarrationContext) throws -> String {
    let model = context.model
    let layers = try model.fullyConnectedLayers()
    guard let first = layers.first, first.weights.type != .float32 else {
        throw CommandFailure("\(context.modelPath): chapter 6 needs a quantized model; this one computes in float")
    }
    let requantizers = try KernelFamily.allCases.map { try Requantizer(layer: first, family: $0) }
    let input = inputCodes(pixels: context.pixels, quantization: try AffineQuantization(tensor: first.input))
    let accumulators = try layerAccumulators(first, model: model)(input)
    // The most active neuron of the digit: the one the prose follows.
    let neuron = accumulators.indices.max { accumulators[$0] < accumulators[$1] } ?? 0
    let accumulator = accumulators[neuron]
    let m = requantizers[0].realMultiplier(channel: neuron)
    let perChannel = requantizers[0].isPerChannel
    let s2 = perChannel ? "S2[\(neuron)]" : "S2"

    var out = "\(context.digitSource), \(context.modelPath)\n"
    out += "operator \(first.operatorIndex), neuron \(neuron): the largest of the digit's \(accumulators.count) accumulators\n"
    out += "S1 = \(first.inputScale ?? 0), the scale of the input tensor \(first.input.index)\n"
    out += "\(s2) = \(first.weightScales[perChannel ? neuron : 0]), the scale of \(perChannel ? "row \(neuron)" : "every row") of the weights tensor \(first.weights.index)\n"
    out += "S3 = \(first.outputScale ?? 0), the scale of the OUTPUT tensor \(first.output.index)\n"
    out += "M = S1·\(s2)/S3 = \(m)\n"
    if case .fixedPoint(let m0, let shift) = requantizers[1].multiplier(channel: neuron) {
        out += "M0 = \(m0), shift = \(shift): M0·2^(shift − 31) = \(ChannelMultiplier.fixedPoint(multiplier: m0, shift: shift).value)\n"
    }
    out += "acc = \(accumulator) (chapters 4 and 5), M·acc = \(Double(accumulator) * m)\n"
    for requantizer in requantizers {
        let multiplier = "\(requantizer.multiplier(channel: neuron))".padding(toLength: 38, withPad: " ", startingAt: 0)
        out += "  \(requantizer.family.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(multiplier) -> \(requantizer.scaled(accumulator, channel: neuron))\n"
    }
    out += try familyDisagreements(context, stored: false)
    out += float32AgainstDouble(requantizers, channel: neuron, operatorIndex: first.operatorIndex)
    return out
}

/// How many outputs of each layer the families put on different integers over the fixture's
/// digits, every family fed the same accumulators: those of LiteRT's reference run. Chapter 6
/// compares M·acc (with the first element where fixed point and double part ways, and the first
/// where the two fixed-point families do); chapter 7 compares the stored outputs (`stored`).
func familyDisagreements(_ context: NarrationContext, stored: Bool) throws -> String {
    guard let fixture = try? RepositoryFiles.fixture(for: context.modelPath), let run = fixture.run("BUILTIN_REF") else {
        return "\n(no fixture for \(context.modelPath): no count over the fixture digits)\n"
    }
    var out = "\n\(stored ? "Stored outputs" : "M·acc") over the \(fixture.images.count) fixture digits, each layer fed LiteRT's reference input:\n"
    out += "operator  outputs  optimized≠reference  micro≠reference  xnnpack≠reference  micro≠optimized\n"
    var (twice, negativeTie): (String?, String?) = (nil, nil)
    for layer in try context.model.fullyConnectedLayers() {
        let requantizers = try KernelFamily.allCases.map { try Requantizer(layer: layer, family: $0) }
        let clamps = try KernelFamily.allCases.map { try OutputClamp(layer: layer, family: $0) }
        let accumulate = try layerAccumulators(layer, model: context.model)
        var differing = [0, 0, 0, 0], outputs = 0
        for image in fixture.images.indices {
            let source = layer.input.index == fixture.input.index ? fixture.input : run.outputs?.first { $0.index == layer.input.index }
            guard let values = source?.integers(image: image) else { throw CommandFailure("the fixture has no values of tensor \(layer.input.index)") }
            for (channel, accumulator) in accumulate(Array(values)).enumerated() {
                // reference, optimized, micro, xnnpack
                let scaled = requantizers.map { $0.scaled(accumulator, channel: channel) }
                let results = stored ? zip(clamps, scaled).map { $0.apply($1) } : scaled
                let pairs = [(1, 0), (2, 0), (3, 0), (2, 1)].map { results[$0.0] != results[$0.1] }
                for (index, differs) in pairs.enumerated() where differs { differing[index] += 1 }
                outputs += 1
                let place = "operator \(layer.operatorIndex), fixture digit \(image), output \(channel), acc = \(accumulator)"
                let (high, divisor) = highMultiply(requantizers[1], accumulator, channel: channel)
                if stored { continue }
                if twice == nil, pairs[0], results[0] >= 0 {
                    twice = "fixed point rounds twice: \(place)\n"
                        + "  M·acc = \(Double(accumulator) * requantizers[0].realMultiplier(channel: channel)), but SRDHM(acc, M0) = \(high), \(high)/\(divisor) = \(Double(high) / Double(divisor))\n"
                        + "  reference \(results[0]), optimized \(results[1]), micro \(results[2]), xnnpack \(results[3])\n"
                }
                if negativeTie == nil, pairs[3] {
                    negativeTie = "a negative tie: \(place)\n"
                        + "  SRDHM(acc, M0) = \(high), \(high)/\(divisor) = \(Double(high) / Double(divisor)): optimized \(results[1]) (ties up), micro \(results[2]) (ties away)\n"
                }
            }
        }
        let cells = [String(layer.operatorIndex), String(outputs)] + differing.map(String.init)
        out += zip(cells, [8, 7, 19, 15, 17, 0]).map { $0.padding(toLength: max($1, $0.count), withPad: " ", startingAt: 0) }.joined(separator: "  ") + "\n"
    }
    return out + (twice ?? "") + (negativeTie ?? "")
}

/// SRDHM(acc·2^ℓ, M0) and the 2^ρ it is then divided by, for showing where a tie comes from.
func highMultiply(_ requantizer: Requantizer, _ accumulator: Int32, channel: Int) -> (high: Int32, divisor: Int64) {
    guard case .fixedPoint(let m0, let shift) = requantizer.multiplier(channel: channel) else { return (0, 1) }
    let shifted = Int32(truncatingIfNeeded: Int64(accumulator) << max(shift, 0))
    return (saturatingRoundingDoublingHighMul(shifted, m0), Int64(1) << max(-shift, 0))
}

/// XNNPACK's float32 and the reference's double part ways on no fixture digit, so we search the
/// neuron's own multiplier for the smallest accumulator where they do.
func float32AgainstDouble(_ requantizers: [Requantizer], channel: Int, operatorIndex: Int) -> String {
    let (reference, xnnpack) = (requantizers[0], requantizers[3])
    guard let accumulator = (Int32(1)...Int32(10_000_000)).first(where: {
        reference.scaled($0, channel: channel) != xnnpack.scaled($0, channel: channel)
    }), case .float(let scale) = xnnpack.multiplier(channel: channel) else { return "" }
    return "float32 against double: operator \(operatorIndex), neuron \(channel), acc = \(accumulator), the smallest where they differ\n"
        + "  M·acc = \(Double(accumulator) * reference.realMultiplier(channel: channel)) in double, \(Float(accumulator) * scale) in float32\n"
        + "  reference \(reference.scaled(accumulator, channel: channel)), xnnpack \(xnnpack.scaled(accumulator, channel: channel))\n"
}

/// A layer's int32 accumulators, bias included, for one input (chapters 4 and 5, assembled
/// in chapter 9's `FullyConnectedLayer`).
func layerAccumulators(_ layer: LayerScales, model: Model) throws -> ([Int]) -> [Int32] {
    let prepared = try FullyConnectedLayer(scales: layer, model: model, family: .reference)
    return { input in prepared(input.map { Int32($0) }).accumulators }
}
