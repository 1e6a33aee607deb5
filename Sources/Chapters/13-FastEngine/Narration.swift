// The narration of chapter 13 (`workbook chapter 13`): what the fast engine prepares from chapter
// 9's network (the folded zero points and the packed bytes of each layer), one accumulator of the
// narrated digit added up the fast way, what a batch saves, when a float32 product would be exact,
// and the proof that both engines agree on the fixture digits. No timing: that is the benchmark's.

import Ch01TFLiteFile
import Ch04ZeroPointMatmul
import Ch06Requantize
import Ch09Network

public func narrateChapter13(_ context: NarrationContext) throws -> String {
    let network = try Network(model: context.model, family: .reference)
    guard !network.layers.isEmpty else { throw NarrationError("chapter 13 needs a quantized model: its layers are integer products") }
    let fast = try FastNetwork(network, path: .portable)
    let dense = fast.operations.compactMap { if case .dense(let layer) = $0.operation { layer } else { nil } }
    let pixels = context.digit.pixels
    let readable = try network.run(pixels: pixels)
    var out = "\(context.modelPath): the fast engine, prepared from chapter 9's network (reference kernels)\n"

    for layer in dense {
        let (scales, folded, packed) = (layer.layer.scales, layer.folded, layer.packed)
        let b = folded.inputOffset + scales.inputZeroPoint
        out += "\noperator \(scales.operatorIndex) (FULLY_CONNECTED), \(packed.inputCount) → \(packed.outputCount), (13.1):\n"
        out += "  input \(scales.input.type), Z_in = \(scales.inputZeroPoint): u = q + \(folded.inputOffset), b = o_in + Z_in = \(b)\n"
        let weightOffset = scales.weights.type == .uint8 ? 128 : 0
        let factors = Set(folded.inputSumFactor).sorted()
        out += "  weights \(scales.weights.type), Z_w = \(layer.layer.weights.zeroPoints[0])\(layer.layer.weights.zeroPoints.count > 1 && Set(layer.layer.weights.zeroPoints).count > 1 ? " (per channel)" : ""): s = q_w − \(weightOffset), a = o_w − Z_w = \(factors.map(String.init).joined(separator: ", "))\(folded.needsInputSum ? "" : " (no image sum)")\n"
        let k = packed.inputCount
        let weightSum = folded.signedWeights[0..<k].reduce(Int32(0)) { $0 &+ Int32($1) }
        out += "  channel 0: folded bias = bias − b·Σs − K·a·b = \(layer.layer.bias.codes[0]) − \(factor(b))·\(factor(weightSum)) − \(k)·\(factor(folded.inputSumFactor[0]))·\(factor(b)) = \(folded.foldedBias[0])\n"
        // The narrated digit's accumulator of channel 0, the fast way and chapter 9's way.
        let input = readable.tensors[scales.input.index]!.integers!
        let unsigned = input.map { UInt8(truncatingIfNeeded: $0 + folded.inputOffset) }
        let dot = (0..<k).reduce(Int32(0)) { $0 &+ Int32(folded.signedWeights[$1]) &* Int32(unsigned[$1]) }
        let inputSum = unsigned.reduce(Int32(0)) { $0 &+ Int32($1) }
        let accumulator = folded.accumulator(channel: 0, unsignedInput: unsigned)
        out += "  digit \(context.digitIndex), channel 0: Σ s·u = \(dot)"
        out += folded.needsInputSum ? ", a·Σu = \(factor(folded.inputSumFactor[0]))·\(inputSum)" : ""
        out += ", acc = \(accumulator); chapter 9: \(readable.accumulators[scales.output.index]![0])\n"
        let padding = packed.paddedOutputCount - packed.outputCount
        out += "  packed: \(packed.blocks) block\(packed.blocks == 1 ? "" : "s") of 16 channels\(padding > 0 ? " (the last \(padding) of zeros)" : "") × \(packed.groups) groups of 4 k = \(packed.bytes.count) bytes\n"
        // Chapter 4's bound, against float32's 24-bit significand.
        let range = scales.input.type.integerRange ?? -128...127
        let bound = AccumulatorBound(layer.layer.weights, inputRange: range, inputZeroPoint: scales.inputZeroPoint)
        out += "  float32: |Σ| ≤ \(bound.magnitude) \(bound.magnitude <= 1 << 24 ? "≤" : ">") 2^24 = 16777216: a float32 product \(bound.magnitude <= 1 << 24 ? "would be exact" : "could round")\n"
    }

    let bytes = dense.reduce(0) { $0 + $1.packed.bytes.count }
    let images = context.digits.map(\.pixels)
    out += "\na batch of the \(images.count) fixture digits reads the \(bytes) weight bytes once, not \(images.count) times (\(bytes * images.count) bytes)\n"

    // The proof in small: every family, every path this CPU offers, the fixture digits in one batch.
    var differing = 0
    let flat = images.flatMap { $0 }
    for family in KernelFamily.allCases {
        guard let readable = try? Network(model: context.model, family: family) else { continue }  // micro refuses uint8
        let runs = try images.map { try readable.run(pixels: $0) }
        for path in InstructionPath.available {
            let engine = try FastNetwork(readable, path: path)
            let batch = flat.withUnsafeBufferPointer { engine.run(pixels: $0, rows: images.count) }
            for (row, run) in runs.enumerated() {
                for (_, tensor) in run.written {
                    if batch.tensors[tensor]!.values(row: row) != run.tensors[tensor]! { differing += 1 }
                }
            }
        }
    }
    out += "every tensor of those digits, fast engine against chapter 9, in every family the model runs in and on every instruction path this CPU offers: \(differing) differ\n"
    return out
}

/// A factor in a product as the prose writes it: a negative one in parentheses.
func factor(_ value: Int32) -> String { value < 0 ? "(\(value))" : "\(value)" }
