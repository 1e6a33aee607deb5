// The narration of chapter 8 (`workbook chapter 8`): the model's SOFTMAX on one digit's ten
// logits, each step of the reference kernel's fixed point (equations 8.1–8.10), with the
// optimized kernel's float table (8.11–8.13) beside it.
// The logits come from running the digit through the model's FULLY_CONNECTED layers
// (chapter 9), which the fixtures prove equal to LiteRT's own.

import Ch01TFLiteFile
import Ch06Requantize
import Ch08Softmax
import Ch09Network
import Foundation

func narrateChapter8(_ context: NarrationContext) throws -> String {
    let layer: SoftmaxLayer, reference: FixedPointSoftmax, optimized: FloatTableSoftmax
    do {
        layer = try context.model.softmaxLayer()
        reference = try QuantizedSoftmax(layer: layer, family: .reference).fixedPoint!
        optimized = try QuantizedSoftmax(layer: layer, family: .optimized).floatTable!
    } catch { throw CommandFailure("\(context.modelPath): \(error)") }
    let logits = try networkLogits(context, tensor: layer.input.index)
    let inputScale = layer.input.quantization!.scales[0]  // QuantizedSoftmax checked it exists
    let zero = Int32(layer.output.type.integerRange!.lowerBound)
    let scaling = reference.scaling
    let row = reference.trace(logits), table = optimized.trace(logits)

    var out = "\(context.modelPath), operator \(layer.operatorIndex) (SOFTMAX, β = \(layer.beta)), on \(context.digitSource)\n"
    let inputZeroPoint = layer.input.quantization!.zeroPoints.first ?? 0
    out += "logits: tensor \(layer.input.index) \(layer.input.type), S_in = \(inputScale), Z_in = \(inputZeroPoint) (cancels in q − max), LiteRT BUILTIN_REF's\n"
    let outputScale = layer.output.quantization!.scales[0]
    out += "output: tensor \(layer.output.index) \(layer.output.type), S_out = \(outputScale) (1/256), code \(zero) is probability 0\n"
    out += "(8.1) β·S_in·2^26 = \(decimal(scaling.realMultiplier, 1)) = \(scaling.inputMultiplier)·2^(\(scaling.inputLeftShift) − 31)\n"
    out += "(8.2) diff_min = −floor(31·2^26 / 2^\(scaling.inputLeftShift)) = \(scaling.diffMin): differences below it are left out\n\n"
    out += column("class", 6) + column("q", 5) + column("d", 5) + column("z (8.3), Q5.26", 24)
        + column("e^z (8.4–8.6), Q0.31", 24) + column("·256", 7) + column("ref", 5) + "| "
        + column("table e^d", 11) + column("·256", 7) + "opt\n"
    for index in logits.indices {
        out += column("\(index)", 6) + column("\(logits[index])", 5) + column("\(row.differences[index])", 5)
        if let z = row.scaledDifferences[index], let e = row.exponentials[index] {
            let unrounded = Double((row.reciprocal.scale * e).raw) / pow(2, Double(row.outputExponent))
            out += column("\(z.raw) = \(decimal(z.value, 4))", 24) + column("\(e.raw) = \(scientific(Float(e.value)))", 24)
                + column(decimal(unrounded, 2), 7)
        } else {
            out += column("below diff_min", 48) + column("-", 7)
        }
        out += column("\(row.outputs[index])", 5) + "| " + column(scientific(table.exponentials[index]), 11)
            + column(decimal(Double(table.rescaled[index]), 2), 7) + "\(table.outputs[index])\n"
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
    out += "argmax: logits \(firstArgmax(logits)), reference \(firstArgmax(row.outputs)), optimized \(firstArgmax(table.outputs)); the label is \(context.label)\n"
    return out
}

/// The logits LiteRT's reference kernels computed for the narrated digit, found in the model's
/// fixture by the digit's pixels (every fixture holds the same 64 digits).
/// The logits of the digit: the model run up to its SOFTMAX's input, with TFLite's reference
/// kernels (chapter 9).
private func networkLogits(_ context: NarrationContext, tensor: Int) throws -> [Int32] {
    let run = try Network(model: context.model, family: .reference).run(pixels: context.pixels)
    guard let logits = run.tensors[tensor]?.integers else {
        throw CommandFailure("\(context.modelPath): tensor \(tensor) holds no integer logits")
    }
    return logits
}

/// " − 128" or " + 0": a zero point written as a term of a sum.
private func signed(_ value: Int32) -> String { value < 0 ? " − \(-value)" : " + \(value)" }

private func firstArgmax(_ values: [Int32]) -> Int { values.firstIndex(of: values.max()!)! }

private func decimal(_ value: Double, _ places: Int) -> String { String(format: "%.\(places)f", value) }

private func scientific(_ value: Float) -> String { String(format: "%.3e", Double(value)) }

/// Left-aligns `text` in a column of `width` characters.
private func column(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}
