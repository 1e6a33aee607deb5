// The narration of chapter 7 (`workbook chapter 7`): each layer's activation range in TFLite and
// in XNNPACK, then the first layer's outputs for the digit clamped into it, then how the families'
// stored outputs compare once the clamp has hidden the negative side.

import Ch01TFLiteFile
import Ch02Affine
import Ch06Requantize
import Ch07Clamp
import Foundation

func narrateChapter7(_ context: NarrationContext) throws -> String {
    let layers = try context.model.fullyConnectedLayers()
    guard let first = layers.first, first.weights.type != .float32 else {
        throw CommandFailure("\(context.modelPath): chapter 7 needs a quantized model; this one computes in float")
    }
    var out = "\(context.modelPath): q3 = clamp(Z3 + M·acc) for each FULLY_CONNECTED\n"
    out += "operator  activation  output  S3            Z3    TFLite range  XNNPACK range\n"
    for layer in layers {
        let (tflite, xnnpack) = (try OutputClamp(layer: layer, family: .reference), try OutputClamp(layer: layer, family: .xnnpack))
        let cells = [String(layer.operatorIndex), layer.fusedActivation.rawValue, layer.output.type.description,
                     String(layer.outputScale ?? 0), String(tflite.zeroPoint),
                     "\(tflite.minimum)...\(tflite.maximum)", "\(xnnpack.minimum)...\(xnnpack.maximum)"]
        out += zip(cells, [8, 10, 6, 12, 4, 12, 0]).map { $0.padding(toLength: max($1, $0.count), withPad: " ", startingAt: 0) }.joined(separator: "  ") + "\n"
    }
    let clamp = try OutputClamp(layer: first, family: .reference)
    let s3 = first.outputScale ?? 0
    out += "RELU's lower bound: Z3 + round(0/S3) = \(clamp.zeroPoint) + 0 = \(clamp.zeroPoint), and the type's minimum is \(clamp.minimum)\n"
    let relu6 = try OutputClamp(outputType: first.output.type, zeroPoint: first.outputZeroPoint, scale: s3, activation: .relu6, family: .reference)
    out += "(RELU6 would end at Z3 + round(6/S3) = \(clamp.zeroPoint) + \(relu6.maximum - clamp.zeroPoint) = \(relu6.maximum))\n"

    // The first layer on the digit, in the reference family.
    let requantizer = try Requantizer(layer: first, family: .reference)
    let input = inputCodes(pixels: context.pixels, quantization: try AffineQuantization(tensor: first.input))
    let accumulators = try layerAccumulators(first, model: context.model)(input)
    let scaled = accumulators.enumerated().map { requantizer.scaled($1, channel: $0) }
    out += "\n\(context.digitSource), operator \(first.operatorIndex), reference kernels:\n"
    let chapter6 = accumulators.indices.max { accumulators[$0] < accumulators[$1] } ?? 0
    let lowest = scaled.indices.min { scaled[$0] < scaled[$1] } ?? 0
    for (label, neuron) in [("chapter 6's", chapter6), ("the lowest", lowest)] {
        let value = scaled[neuron]
        let stored = clamp.apply(value)
        let real = Float(stored - clamp.zeroPoint) * s3
        out += "  neuron \(neuron), \(label): M·acc = \(value), Z3 + M·acc = \(Int64(value) + Int64(clamp.zeroPoint)) -> stored \(stored), the real \(real)\n"
    }
    let atBottom = scaled.filter { Int64($0) + Int64(clamp.zeroPoint) <= Int64(clamp.minimum) }.count
    let aboveTop = scaled.filter { Int64($0) + Int64(clamp.zeroPoint) > Int64(clamp.maximum) }.count
    out += "  \(atBottom) of \(scaled.count) have Z3 + M·acc ≤ \(clamp.minimum) and store \(clamp.minimum), the real 0; \(aboveTop) lie above \(clamp.maximum)\n"
    out += try familyDisagreements(context, stored: true)
    return out
}
