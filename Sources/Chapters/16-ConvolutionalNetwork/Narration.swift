// The narration of chapter 16 (`workbook chapter 16`): one digit through a whole CNN, operator
// by operator, then in each kernel family, and the 64 narration digits in each family. A
// model without convolutions is narrated on the shipped tutorial CNN.

import Ch01TFLiteFile
import Ch06Requantize
import Ch09Network
import Ch14Convolution

public func narrateChapter16(_ context: NarrationContext) throws -> String {
    let (model, path) = try convolutionalModel(context, fallback: "models/cnn/cnn-int8.tflite")
    let network = try Network(wholeBook: model, family: .reference)
    let run = try network.run(pixels: context.digit.pixels)
    let graph = model.main
    var out = "\(path), reference kernels, on \(context.digit.source)\n"
    out += "input  tensor \(network.input.index) \(network.input.type) \(network.input.shape)\n"
    for (op, tensor) in run.written {
        let name = model.operatorCodes[graph.operators[op].opcodeIndex].name
        let values = run.tensors[tensor]!
        let codes = values.integers ?? []
        let range = codes.isEmpty ? "" : ", codes \(codes.min()!) to \(codes.max()!)"
        out += "op \(op)".padding(toLength: 7, withPad: " ", startingAt: 0) + name.padding(toLength: 18, withPad: " ", startingAt: 0)
        out += "→ tensor \(tensor) \(graph.tensors[tensor].type) \(graph.tensors[tensor].shape)\(range)\n"
    }
    out += "prediction: \(run.prediction) (the label is \(context.digit.label))\n\n"
    out += "the \(context.digits.count) narration digits in each family:\n"
    let runs = try context.digits.map { try network.run(pixels: $0.pixels) }
    for family in KernelFamily.allCases {
        let label = family.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
        guard let other = try? Network(wholeBook: model, family: family) else {
            out += "  \(label) refused, as TFLite Micro refuses this model\n"
            continue
        }
        var (correct, differing, total) = (0, 0, 0)
        for (digit, ours) in zip(context.digits, runs) {
            let theirs = try other.run(pixels: digit.pixels)
            correct += theirs.prediction == digit.label ? 1 : 0
            for (_, tensor) in ours.written {
                guard let a = ours.tensors[tensor]?.integers, let b = theirs.tensors[tensor]?.integers else { continue }
                differing += zip(a, b).filter { $0 != $1 }.count
                total += a.count
            }
        }
        out += "  \(label) \(correct) of \(context.digits.count) correct, \(differing) of \(total) codes differ from reference\n"
    }
    return out
}
