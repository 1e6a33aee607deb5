// The narration of chapter 11 (`workbook chapter 11`): the integer contract of every layer, one
// neuron's path through (11.1)–(11.4) on a real digit, the widths that digit needs, and the
// class hardware reports. micro kernels, or optimized for a uint8 model (TFLite Micro has none).

import Ch01TFLiteFile
import Ch02Affine
import Ch06Requantize
import Foundation

public func narrateChapter11(_ context: NarrationContext) throws -> String {
    let model = context.model
    let contract = try (try? NetworkContract(model: model, family: .micro)) ?? NetworkContract(model: model, family: .optimized)
    let family = contract.family
    let golden = try GoldenVectors(contract: contract, model: model, images: [context.digit.pixels], source: context.digit.source)
    let vector = golden.vectors[0]
    var out = "\(context.modelPath), \(family.rawValue) kernels (final shift \(contract.rounding.rawValue)), on \(context.digit.source)\n"

    out += "the integer contract, one line per FULLY_CONNECTED:\n"
    for layer in contract.layers {
        let zeroPoints = Set(layer.weightZeroPoints).count == 1 ? "Z2 = \(layer.weightZeroPoints[0])" : "Z2 per channel"
        out += "  op \(layer.operatorIndex): \(layer.inputCount) → \(layer.outputCount), \(layer.weightType) weights, \(zeroPoints), Z1 = \(layer.inputZeroPoint), "
        out += "bias \(span(layer.bias)), M0 \(span(layer.multipliers)), shift \(span(layer.shifts)), Z3 = \(layer.outputZeroPoint), clamp \(layer.outputMinimum)…\(layer.outputMaximum)\n"
    }
    let last = contract.layers[contract.layers.count - 1]
    if let softmax = contract.softmax {
        out += "  op \(softmax.operatorIndex) SOFTMAX: input_multiplier = \(softmax.inputMultiplier), input_left_shift = \(softmax.inputLeftShift), "
        out += "diff_min = \(softmax.diffMin); or the argmax of op \(last.operatorIndex)'s codes\n"
    }

    let layer = contract.layers[0]
    let accumulators = vector.accumulators[0]
    let channel = argmax(accumulators)
    let acc = accumulators[channel]
    let multiplier = FixedPointMultiplier((layer.multipliers[channel], Int(layer.shifts[channel])))
    let bias = layer.bias[channel]
    out += "\none neuron: op \(layer.operatorIndex), channel \(channel), the digit's largest accumulator\n"
    out += "(11.1) acc = bias + Σ (q_w − Z2)(q_in − Z1) = \(bias) \(plusTerm(Int64(acc) - Int64(bias))) = \(acc)\n"
    let steps = FixedPointSteps(acc, multiplier, rounding: contract.rounding)
    let (m0, shift, product, scaled) = (steps.multiplier, steps.shift, steps.product, steps.result)
    out += "(11.2) shift = \(shift): ℓ = \(product.leftShift), ρ = \(product.rightShift), x = acc·2^ℓ = \(product.shifted)\n"
    out += "(11.3) x·M0 = \(product.shifted) × \(m0) = \(Int64(product.shifted) * Int64(m0)) (held in 64 bits), h = SRDHM(x, M0) = \(product.high)\n"
    let exact = decimal(Double(product.high) / Double(Int64(1) << product.rightShift), 3)
    out += "(11.4) h / 2^\(product.rightShift) = \(exact) → \(scaled); Z3 + \(scaled) = \(Int64(scaled) + Int64(layer.outputZeroPoint)), "
    out += "clamped to \(layer.outputMinimum)…\(layer.outputMaximum): code \(vector.outputs[0][channel])\n"

    out += "\nthe widths this digit needs, and the worst case over every input:\n"
    for (index, widths) in LayerWidths.of(contract).enumerated() {
        let seen = Int64(vector.accumulators[index].min()!)...Int64(vector.accumulators[index].max()!)
        out += "  op \(widths.operatorIndex): acc \(seen.lowerBound)…\(seen.upperBound), \(twosComplementBits(seen)) bits "
        out += "(worst case \(widths.worstCaseBits)); x·M0 \(widths.multiplyBits(accumulators: seen)) bits (\(widths.multiplyBits(accumulators: widths.worstCase)))\n"
    }
    out += "\nthe class: argmax of op \(last.operatorIndex)'s codes \(vector.outputs[vector.outputs.count - 1].map(String.init).joined(separator: " ")) is \(vector.predictedClass); "
    out += "the softmax says \(vector.networkPrediction), the label \(context.digit.label)\n"
    out += "write it all out: workbook export --format c|mem|coe|mif|npy|json --out DIR\n"
    return out
}

/// "−5…7", or the one value when all are equal.
private func span(_ values: [Int32]) -> String { Ch01TFLiteFile.span(values.min() ?? 0, values.max() ?? 0) }
