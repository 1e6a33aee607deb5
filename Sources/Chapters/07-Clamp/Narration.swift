// The narration of chapter 7 (`workbook chapter 7`): each layer's activation range in TFLite and
// in XNNPACK, then the first layer's outputs for the digit clamped into it, then how the families'
// stored outputs compare once the clamp has hidden the negative side.

import Ch01TFLiteFile
import Ch02Affine
import Ch06Requantize

public func narrateChapter7(_ context: NarrationContext) throws -> String {
    let layers = try context.model.fullyConnectedLayers()
    guard let first = layers.first, first.weights.type != .float32 else {
        throw NarrationError("chapter 7 needs a quantized model; this one computes in float")
    }
    var out = "\(context.modelPath): q3 = clamp(Z3 + M·acc) for each FULLY_CONNECTED\n"
    out += "operator  activation  output  S3            Z3    TFLite range  XNNPACK range\n"
    for layer in layers {
        let (tflite, xnnpack) = (try OutputClamp(layer: layer, family: .reference), try OutputClamp(layer: layer, family: .xnnpack))
        let cells = [String(layer.operatorIndex), layer.fusedActivation.rawValue, layer.output.type.description,
                     String(layer.outputScale ?? 0), String(tflite.zeroPoint),
                     "\(tflite.minimum)...\(tflite.maximum)", "\(xnnpack.minimum)...\(xnnpack.maximum)"]
        out += tableRow(cells, widths: [8, 10, 6, 12, 4, 12, 0]) + "\n"
    }
    let clamp = try OutputClamp(layer: first, family: .reference)
    let s3 = first.outputScale ?? 0
    out += "RELU's lower bound: Z3 + round(0/S3) = \(clamp.zeroPoint) + 0 = \(clamp.zeroPoint), and the type's minimum is \(clamp.minimum)\n"
    let relu6 = try OutputClamp(outputType: first.output.type, zeroPoint: first.outputZeroPoint, scale: s3, activation: .relu6, family: .reference)
    out += "(RELU6 would end at Z3 + round(6/S3) = \(clamp.zeroPoint) + \(relu6.maximum - clamp.zeroPoint) = \(relu6.maximum))\n"

    // The first layer on the digit, in the reference family.
    let requantizer = try Requantizer(layer: first, family: .reference)
    let accumulators = try LayerAccumulators(first, model: context.model)(try context.referenceCodes(of: first.input.index))
    let scaled = accumulators.enumerated().map { requantizer.scaled($1, channel: $0) }
    out += "\n\(context.digit.source), operator \(first.operatorIndex), reference kernels:\n"
    let chapter6 = argmax(accumulators)
    let lowest = argmax(scaled.map { -Int64($0) })
    for (label, neuron) in [("chapter 6's", chapter6), ("the lowest", lowest)] {
        let steps = clamp.steps(scaled[neuron])
        let real = Float(steps.output - clamp.zeroPoint) * s3
        out += "  neuron \(neuron), \(label): M·acc = \(steps.scaled), Z3 + M·acc = \(steps.withZeroPoint) -> stored \(steps.output), the real \(real)\n"
    }
    let steps = scaled.map(clamp.steps)
    let atBottom = steps.filter { $0.withZeroPoint <= Int64(clamp.minimum) }.count
    let aboveTop = steps.filter(\.clippedAbove).count
    out += "  \(atBottom) of \(scaled.count) have Z3 + M·acc ≤ \(clamp.minimum) and store \(clamp.minimum), the real 0; \(aboveTop) lie above \(clamp.maximum)\n"
    out += try familyDisagreements(context) { layer, family in
        let clamp = try OutputClamp(layer: layer, family: family)
        return clamp.apply
    }
    return out
}
