// The narration of chapter 11 (`workbook chapter 11`): the integer contract of every layer, one
// neuron's path through (11.1)–(11.4) on a real digit, the widths that digit needs, and the
// class hardware reports. micro kernels, or optimized for a uint8 model (TFLite Micro has none).

import Ch01TFLiteFile
import Ch06Requantize
import Ch11Hardware
import Foundation

func narrateChapter11(_ context: NarrationContext) throws -> String {
    let model = context.model
    let contract = try (try? NetworkContract(model: model, family: .micro)) ?? NetworkContract(model: model, family: .optimized)
    let family = contract.family
    let golden = try GoldenVectors(contract: contract, model: model, images: [context.pixels], source: context.digitSource)
    let vector = golden.vectors[0]
    var out = "\(context.modelPath), \(family.rawValue) kernels (final shift \(contract.rounding.rawValue)), on \(context.digitSource)\n"

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
    let channel = accumulators.indices.max { accumulators[$0] < accumulators[$1] }!
    let acc = accumulators[channel]
    let (m0, shift) = (layer.multipliers[channel], Int(layer.shifts[channel]))
    let (left, right) = (max(shift, 0), max(-shift, 0))
    let bias = layer.bias[channel]
    out += "\none neuron: op \(layer.operatorIndex), channel \(channel), the digit's largest accumulator\n"
    let products = Int64(acc) - Int64(bias)
    out += "(11.1) acc = bias + Σ (q_w − Z2)(q_in − Z1) = \(bias) \(products < 0 ? "−" : "+") \(abs(products)) = \(acc)\n"
    let x = Int32(truncatingIfNeeded: Int64(acc) << left)
    out += "(11.2) shift = \(shift): ℓ = \(left), ρ = \(right), x = acc·2^ℓ = \(x)\n"
    let high = saturatingRoundingDoublingHighMul(x, m0)
    out += "(11.3) x·M0 = \(x) × \(m0) = \(Int64(x) * Int64(m0)) (held in 64 bits), h = SRDHM(x, M0) = \(high)\n"
    let scaled = contract.rounding == .tiesAwayFromZero ? roundingDivideByPowerOfTwo(high, right) : roundingShiftRightTiesUp(high, right)
    let exact = String(format: "%.3f", Double(high) / Double(Int64(1) << right))
    out += "(11.4) h / 2^\(right) = \(exact) → \(scaled); Z3 + \(scaled) = \(Int64(scaled) + Int64(layer.outputZeroPoint)), "
    out += "clamped to \(layer.outputMinimum)…\(layer.outputMaximum): code \(vector.outputs[0][channel])\n"

    out += "\nthe widths this digit needs, and the worst case over every input:\n"
    for (index, widths) in LayerWidths.of(contract).enumerated() {
        let seen = Int64(vector.accumulators[index].min()!)...Int64(vector.accumulators[index].max()!)
        out += "  op \(widths.operatorIndex): acc \(seen.lowerBound)…\(seen.upperBound), \(twosComplementBits(seen)) bits "
        out += "(worst case \(widths.worstCaseBits)); x·M0 \(widths.multiplyBits(accumulators: seen)) bits (\(widths.multiplyBits(accumulators: widths.worstCase)))\n"
    }
    out += "\nthe class: argmax of op \(last.operatorIndex)'s codes \(vector.outputs[vector.outputs.count - 1].map(String.init).joined(separator: " ")) is \(vector.predictedClass); "
    out += "the softmax says \(vector.networkPrediction), the label \(context.label)\n"
    out += "write it all out: workbook export --format c|mem|coe|mif|npy|json --out DIR\n"
    return out
}

/// "−5…7", or the one value when all are equal.
private func span(_ values: [Int32]) -> String {
    let (low, high) = (values.min() ?? 0, values.max() ?? 0)
    return low == high ? "\(low)" : "\(low)…\(high)"
}
