// The narration of chapter 8 (`workbook chapter 8`): the model's SOFTMAX on one digit's ten
// logits, each step of the reference kernel's fixed point (equations 8.1–8.10), with the
// optimized kernel's float table (8.11–8.13) beside it.
// The logits are those TFLite's reference kernels computed for the digit (the context's
// reference tensors).

import Ch01TFLiteFile
import Ch02Affine
import Ch06Requantize
import Foundation

public func narrateChapter8(_ context: NarrationContext) throws -> String {
    let layer = try context.model.softmaxLayer()
    guard case .fixedPoint(let reference) = try QuantizedSoftmax(layer: layer, family: .reference).kernel,
          case .floatTable(let optimized) = try QuantizedSoftmax(layer: layer, family: .optimized).kernel else {
        throw NarrationError("the reference family runs the fixed point, the optimized one the float table")  // SoftmaxAlgorithm(family:)
    }
    let logits = try context.referenceCodes(of: layer.input.index)
    let inputScale = layer.input.quantization!.scales[0]  // QuantizedSoftmax checked it exists
    let zero = layer.output.type.integerRange!.lowerBound
    let scaling = reference.scaling
    let row = reference.trace(logits), table = optimized.trace(logits)

    var out = "\(context.modelPath), operator \(layer.operatorIndex) (SOFTMAX, β = \(layer.beta)), on \(context.digit.source)\n"
    let inputZeroPoint = layer.input.quantization!.zeroPoints.first ?? 0
    out += "logits: tensor \(layer.input.index) \(layer.input.type), S_in = \(inputScale), Z_in = \(inputZeroPoint) (cancels in q − max), \(context.referenceSource)\n"
    let outputScale = layer.output.quantization!.scales[0]
    out += "output: tensor \(layer.output.index) \(layer.output.type), S_out = \(outputScale) (1/256), code \(zero) is probability 0\n"
    out += "(8.1) β·S_in·2^26 = \(decimal(scaling.realMultiplier, 1)) = \(scaling.inputMultiplier)·2^(\(scaling.inputLeftShift) − 31)\n"
    out += "(8.2) diff_min = −floor(31·2^26 / 2^\(scaling.inputLeftShift)) = \(scaling.diffMin): differences below it are left out\n\n"
    out += padded("class", 6) + padded("q", 5) + padded("d", 5) + padded("z (8.3), Q5.26", 24)
        + padded("e^z (8.4–8.6), Q0.31", 24) + padded("·256", 7) + padded("ref", 5) + "| "
        + padded("table e^d", 11) + padded("·256", 7) + "opt\n"
    for index in logits.indices {
        out += padded("\(index)", 6) + padded("\(logits[index])", 5) + padded("\(row.differences[index])", 5)
        if let z = row.scaledDifferences[index], let e = row.exponentials[index] {
            let unrounded = Double((row.reciprocal.scale * e).raw) / pow(2, Double(row.outputExponent))
            out += padded("\(z.raw) = \(decimal(z.value, 4))", 24) + padded("\(e.raw) = \(scientific(Float(e.value)))", 24)
                + padded(decimal(unrounded, 2), 7)
        } else {
            out += padded("below diff_min", 48) + padded("-", 7)
        }
        out += padded("\(row.outputs[index])", 5) + "| " + padded(scientific(table.exponentials[index]), 11)
            + padded(decimal(Double(table.rescaled[index]), 2), 7) + "\(table.outputs[index])\n"
    }
    let x = row.reciprocal.shiftedSumMinusOne, scale = row.reciprocal.scale
    out += "\n(8.7) Σ e, each rounded to Q12.19: \(row.sumOfExponentials.raw) = \(decimal(row.sumOfExponentials.value, 6))\n"
    out += "(8.8) sum = 2^\(row.reciprocal.bitsOverUnit)·(1 + x), x = \(decimal(x.value, 6)); (8.9) 1/(1 + x) = \(scale.raw) (Q0.31) = \(decimal(scale.value, 9))\n"
    out += "(8.10) code = RDBPOT(SRDHM(1/(1 + x), e), \(row.reciprocal.bitsOverUnit) + 31 − 8 = \(row.outputExponent))\(signed(zero)), clamped\n"
    // x86's uint8 specialization adds 0.5 and truncates, and never reads the zero point.
    let quantize = layer.output.type == .uint8 ? "trunc(e·that + 0.5)" : "round(e·that)\(signed(zero))"
    out += "(8.12) float table: Σ e = \(table.sum), 1/(Σ·S_out) = \(table.inverse); (8.13) code = \(quantize)\n"
    let probabilities = row.outputs.map { "\(decimal(Double($0 - zero) / 256, 3))" }.joined(separator: " ")
    out += "probabilities (code\(signed(-zero)))/256: \(probabilities)\n"
    out += "argmax: logits \(argmax(logits)), reference \(argmax(row.outputs)), optimized \(argmax(table.outputs)); the label is \(context.digit.label)\n"
    return out
}

/// " − 128" or " + 0": a zero point written as a term of a sum.
private func signed(_ value: Int32) -> String { " " + plusTerm(value) }

private func scientific(_ value: Float) -> String { String(format: "%.3e", Double(value)) }
