// Chapter 6's narration (`workbook chapter 6`): one neuron of the first layer requantized by the
// four kernel families, then how often the families disagree on the 64 fixture digits, every
// layer fed the codes TFLite's reference kernels gave it (the context's reference tensors).

import Ch01TFLiteFile
import Ch02Affine
import Ch04ZeroPointMatmul
import Ch05Bias

public func narrateChapter6(_ context: NarrationContext) throws -> String {
    let model = context.model
    let layers = try model.fullyConnectedLayers()
    guard let first = layers.first, first.weights.type != .float32 else {
        throw NarrationError("chapter 6 needs a quantized model; this one computes in float")
    }
    let requantizers = try KernelFamily.allCases.map { try Requantizer(layer: first, family: $0) }
    let accumulators = try LayerAccumulators(first, model: model)(try context.referenceCodes(of: first.input.index))
    // The most active neuron of the digit: the one the prose follows.
    let neuron = argmax(accumulators)
    let accumulator = accumulators[neuron]
    let m = requantizers[0].realMultiplier(channel: neuron)
    let perChannel = requantizers[0].isPerChannel
    let s2 = perChannel ? "S2[\(neuron)]" : "S2"

    var out = "\(context.digit.source), \(context.modelPath)\n"
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
    out += try familyDisagreements(context, outputs: nil)
    out += float32AgainstDouble(requantizers, channel: neuron, operatorIndex: first.operatorIndex)
    return out
}

/// A layer's int32 accumulators, bias included, for one input: chapter 4's matmul, chapter 5's
/// bias.
public struct LayerAccumulators: Sendable {
    let weights: QuantizedWeights
    let bias: QuantizedBias
    let inputZeroPoint: Int32

    public init(_ layer: LayerScales, model: Model) throws {
        weights = try QuantizedWeights(tensor: layer.weights, in: model)
        bias = try QuantizedBias(tensor: layer.bias, in: model, outputCount: weights.outputCount)
        inputZeroPoint = layer.inputZeroPoint
    }

    public func callAsFunction(_ input: [Int32]) -> [Int32] {
        bias.added(to: accumulate(weights, input: input, inputZeroPoint: inputZeroPoint))
    }
}

/// How many outputs of each layer the families put on different integers over the fixture's
/// digits, every family fed the same accumulators: those of the reference input. Chapter 6
/// compares M·acc (`outputs` nil; with the first element where fixed point and double part
/// ways, and the first where the two fixed-point families do); chapter 7 passes its clamp, to
/// compare the stored outputs.
public func familyDisagreements(_ context: NarrationContext,
                                outputs: ((LayerScales, KernelFamily) throws -> (Int32) -> Int32)?) throws -> String {
    var out = "\n\(outputs != nil ? "Stored outputs" : "M·acc") over the \(context.digits.count) fixture digits, each layer fed \(context.referenceSource) input:\n"
    out += "operator  outputs  optimized≠reference  micro≠reference  xnnpack≠reference  micro≠optimized\n"
    var (twice, negativeTie): (String?, String?) = (nil, nil)
    for layer in try context.model.fullyConnectedLayers() {
        let requantizers = try KernelFamily.allCases.map { try Requantizer(layer: layer, family: $0) }
        let finish = try outputs.map { stored in try KernelFamily.allCases.map { try stored(layer, $0) } }
        let accumulate = try LayerAccumulators(layer, model: context.model)
        var differing = [0, 0, 0, 0], count = 0
        for image in context.digits.indices {
            for (channel, accumulator) in accumulate(try context.referenceCodes(of: layer.input.index, image: image)).enumerated() {
                // reference, optimized, micro, xnnpack
                let scaled = requantizers.map { $0.scaled(accumulator, channel: channel) }
                let results = finish.map { zip($0, scaled).map { $0($1) } } ?? scaled
                let pairs = [(1, 0), (2, 0), (3, 0), (2, 1)].map { results[$0.0] != results[$0.1] }
                for (index, differs) in pairs.enumerated() where differs { differing[index] += 1 }
                count += 1
                guard outputs == nil, case .fixedPoint(let steps) = requantizers[1].steps(accumulator, channel: channel) else { continue }
                let place = "operator \(layer.operatorIndex), fixture digit \(image), output \(channel), acc = \(accumulator)"
                let (high, divisor) = (steps.product.high, Int64(1) << steps.product.rightShift)
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
        out += tableRow([String(layer.operatorIndex), String(count)] + differing.map(String.init), widths: [8, 7, 19, 15, 17, 0]) + "\n"
    }
    return out + (twice ?? "") + (negativeTie ?? "")
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
