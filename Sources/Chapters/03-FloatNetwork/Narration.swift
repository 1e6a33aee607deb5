// The narration of chapter 3 (`workbook chapter 3`): the float network's answer for the digit
// (when the shipped float model has this model's layers), then the seed's port of the quantized
// model (the first port a reader writes: raw codes, no zero points) and each fix, on the digit and on all 64 fixture
// digits (the digits tools/reference.py ran through TFLite, each with its label).

import Ch01TFLiteFile
import Foundation

public func narrateChapter3(_ context: NarrationContext) throws -> String {
    var out = "\(context.digit.source)\n"
    let floatPath = context.floatModelPath
    let floatModel = try Model.load(path: try context.shippedFile(floatPath))
    var float: FloatNetwork? = try FloatNetwork(model: floatModel)
    guard let family = try context.model.family(), family != .float else {
        out += "\nthe float network, \(floatPath) (its float32 weights):\n" + describe(float!.classify(pixels: context.digit.pixels))
        return out + "\n\(context.modelPath) has no codes to port; the seed's port (the first port a reader writes, chapter 3) needs a quantized model (--model models/mnist-uint8.tflite)\n"
    }
    let port = try NaivePort(model: context.model)
    // The shipped float network is "the same network" only if its layers are this model's.
    if let shipped = float, shipped.isSameArchitecture(as: port.dequantized) {
        out += "\nthe float network, \(floatPath) (its float32 weights):\n" + describe(shipped.classify(pixels: context.digit.pixels))
        out += "\nthe same network from \(context.modelPath), weights dequantized, w = S2·(q − Z2):\n"
    } else {
        out += "\nthe float network \(floatPath) is \(float!.architecture), \(context.modelPath) is \(port.dequantized.architecture): not the same network, so it is left out\n"
        out += "\n\(context.modelPath), weights dequantized, w = S2·(q − Z2):\n"
        float = nil
    }
    out += describe(port.dequantized.classify(pixels: context.digit.pixels))

    out += "\nthe seed's port of \(context.modelPath) on this digit, and each fix:\n"
    for step in NaiveStep.allCases where step != .scaledBack {
        let result = port.run(pixels: context.digit.pixels, step: step)
        let logits = result.integerLogits ?? []
        let range = "\(logits.min() ?? 0) to \(logits.max() ?? 0)"
        out += "  \(step.rawValue). \(step)".padding(toLength: 42, withPad: " ", startingAt: 0)
            + "says \(result.prediction), logits \(range)\(result.wrapped ? " (int32 wrapped)" : "")\n"
    }

    let images = context.digits.map(\.pixels)
    out += "\nall \(images.count) fixture digits (6 or 7 of each):\n"
    out += try naiveAccuracyTable(images: images, labels: context.digits.map(\.label), model: context.model)
    if let float {
        let floatCorrect = context.digits.filter { float.classify(pixels: $0.pixels).prediction == $0.label }.count
        out += "and the float network, \(floatPath): \(floatCorrect)/\(images.count)\n"
    }
    return out
}

/// The logits, rounded for reading, and the answer with its probability.
private func describe(_ pass: FloatForwardPass) -> String {
    let logits = pass.logits.map { String(format: "%.2f", $0) }.joined(separator: " ")
    return "  logits \(logits)\n  softmax: digit \(pass.prediction), probability \(pass.probabilities[pass.prediction])\n"
}
