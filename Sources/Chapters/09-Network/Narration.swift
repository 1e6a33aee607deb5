// The narration of chapter 9 (`workbook chapter 9`): one digit through the whole network,
// operator by operator, then the same digit in each kernel family.

import Ch01TFLiteFile
import Ch06Requantize

public func narrateChapter9(_ context: NarrationContext) throws -> String {
    let model = context.model
    let network = try Network(model: model, family: .reference)
    let run = try network.run(pixels: context.digit.pixels)
    var out = "\(context.modelPath), reference kernels, on \(context.digit.source)\n"
    out += "input  tensor \(network.input.index) \(network.input.type) \(network.input.shape): \(summary(run.tensors[network.input.index]!))\n"
    for (op, tensor) in run.written {
        let code = model.operatorCodes[model.main.operators[op].opcodeIndex]
        let written = model.main.tensors[tensor]
        out += "op \(op)   \(code.name.padding(toLength: 15, withPad: " ", startingAt: 0)) → tensor \(tensor) \(written.type) \(written.shape): \(summary(run.tensors[tensor]!))\n"
        if let accumulators = run.accumulators[tensor], let low = accumulators.min(), let high = accumulators.max() {
            out += "       accumulators (bias included) from \(low) to \(high)\n"
        }
    }
    out += "prediction: \(run.prediction) (the label is \(context.digit.label))\n\n"
    out += "the same digit in each family:\n"
    for family in KernelFamily.allCases {
        do {
            let other = try Network(model: model, family: family).run(pixels: context.digit.pixels)
            let differing = run.written.reduce(0) { count, written in
                let (ours, theirs) = (run.tensors[written.tensor]!, other.tensors[written.tensor]!)
                return count + (ours.integers.map { zip($0, theirs.integers ?? []).filter { $0 != $1 }.count } ?? 0)
            }
            out += "  \(family.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) prediction \(other.prediction), \(differing) codes differ from reference\n"
        } catch {
            out += "  \(family.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(error)\n"
        }
    }
    return out
}

/// "10 values: -128 -128 … (largest 127 at 7)".
private func summary(_ values: TensorValues) -> String {
    let shown: [String]
    switch values {
    case .integers(let codes): shown = codes.prefix(6).map { String($0) }
    case .floats(let reals): shown = reals.prefix(4).map { "\($0)" }
    }
    let more = values.count > shown.count ? " …" : ""
    return "\(shown.joined(separator: " "))\(more) (largest at \(values.indexOfMaximum))"
}
