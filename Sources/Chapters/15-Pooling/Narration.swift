// The narration of chapter 15 (`workbook chapter 15`): each pooling operator of a CNN on one
// digit: one window of MAX_POOL_2D and AVERAGE_POOL_2D, and MEAN's requantization in TFLite's
// fixed point and in XNNPACK's float32, with how often the two differ over the 64 digits. A
// model without pooling is narrated on the shipped CNNs that have each kind.

import Ch01TFLiteFile
import Ch06Requantize
import Ch09Network
import Ch14Convolution

public func narrateChapter15(_ context: NarrationContext) throws -> String {
    let pooling: Set<Int32> = [SupportedOperator.maxPool2D.code, SupportedOperator.averagePool2D.code, SupportedOperator.mean.code]
    let uses = { (model: Model) in model.main.operators.contains { pooling.contains(model.operatorCodes[$0.opcodeIndex].code) } }
    let models: [(Model, String)] = try uses(context.model) ? [(context.model, context.modelPath)]
        : ["models/cnn/cnn-strided-depthwise-int8.tflite", "models/cnn/cnn-gap-int8.tflite"].map { (try Model.load(path: try context.shippedFile($0)), $0) }
    var out = ""
    for (model, path) in models {
        let network = try Network(model: model, family: .reference, operators: PartTwoOperators())
        let xnnpack = try Network(model: model, family: .xnnpack, operators: PartTwoOperators())
        let run = try network.run(pixels: context.digit.pixels)
        out += "\(path), reference kernels, on \(context.digit.source)\n"
        for (op, step, from, to) in network.steps {
            guard case .image(let prepared) = step else { continue }
            let input = run.tensors[from]!.integers!, output = run.tensors[to]!.integers!
            if let pool = prepared as? MaxPool {
                out += "op \(op)  MAX_POOL_2D \(pool.window.input) → \(pool.window.output)\n"
                out += window(pool.window, input, output, "the largest")
            } else if let pool = prepared as? AveragePool {
                out += "op \(op)  AVERAGE_POOL_2D \(pool.window.input) → \(pool.window.output)\n"
                out += window(pool.window, input, output, "(15.1)")
            } else if let mean = prepared as? Mean {
                out += try meanText(op, mean, input, output, xnnpack, context)
            }
        }
        out += "\n"
    }
    return out
}

/// Output pixel (0, 0) of the channel whose code there is largest: its window and its code.
private func window(_ window: PoolingWindow, _ input: [Int32], _ output: [Int32], _ rule: String) -> String {
    let channel = (0..<window.output.channels).max { output[$0] < output[$1] } ?? 0
    let codes = window.window(input, y: 0, x: 0, channel: channel)
    let sum = codes.reduce(0, +)
    var out = "      pixel (0, 0), channel \(channel): window \(codes.map(String.init).joined(separator: " "))"
    if rule == "(15.1)" { out += ", Σ = \(sum), n = \(codes.count): \(rule) \(roundedMean(sum: sum, count: Int32(codes.count)))" }
    return out + " → \(rule == "(15.1)" ? "" : "\(rule) ")q \(output[window.output.index(y: 0, x: 0, channel: channel)])\n"
}

private func meanText(_ op: Int, _ mean: Mean, _ input: [Int32], _ output: [Int32], _ xnnpack: Network, _ context: NarrationContext) throws -> String {
    let n = mean.input.height * mean.input.width
    let sums = mean.apply(input).accumulators ?? []
    var out = "op \(op)  MEAN over \(mean.input.height)×\(mean.input.width) (N = \(n)), \(mean.input.channels) channels\n"
    out += "      S_in/S_out: M0 = \(mean.ratio.multiplier), shift = \(mean.ratio.shift); 1/N folded in: M0' = \(mean.multiplier.multiplier), shift' = \(mean.multiplier.shift)\n"
    out += "      channel 0: Σ(q − Z_in) = \(sums[0]) → Z_out \(mean.outputZeroPoint) + M'·Σ = q \(output[0])\n"
    out += "      XNNPACK: scale = \(mean.floatScale), Z' = \(mean.floatZeroPoint) → q \(try xnnpack.run(pixels: context.digit.pixels).tensors[mean.writtenTensor(in: xnnpack)]!.integers![0])\n"
    var differing = 0, total = 0
    let reference = try Network(model: xnnpack.model, family: .reference, operators: PartTwoOperators())
    let written = mean.writtenTensor(in: xnnpack)
    for digit in context.digits {
        let theirs = try xnnpack.run(pixels: digit.pixels).tensors[written]!.integers!
        let ours = try reference.run(pixels: digit.pixels).tensors[written]!.integers!
        differing += zip(ours, theirs).filter { $0 != $1 }.count
        total += ours.count
    }
    out += "      over the \(context.digits.count) digits, \(differing) of \(total) MEAN codes differ between the two\n"
    return out
}

extension Mean {
    /// The tensor this MEAN writes in `network`.
    func writtenTensor(in network: Network) -> Int { network.steps.first { $0.op == operatorIndex }!.output }
}
