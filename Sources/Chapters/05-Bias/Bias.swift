// Chapter 5 — the int32 bias: stored with scale S1·S2 (per channel S1·S2[c]) and zero point 0,
// so that it adds directly to the accumulator of chapter 4, before requantization.
// TFLite: tflite/kernels/internal/reference/integer_ops/fully_connected.h (acc += bias_data[c]).
// Prose: chapters/05-bias.md.

import Ch01TFLiteFile
import Ch04ZeroPointMatmul

/// The bias of a FULLY_CONNECTED layer, one int32 per output channel.
public struct QuantizedBias: Sendable {
    public let codes: [Int32]

    public init(codes: [Int32]) { self.codes = codes }

    /// Reads an int32 bias tensor; a layer without bias adds zeros.
    public init(tensor: Tensor?, in model: Model, outputCount: Int) throws {
        guard let tensor else { self.init(codes: Array(repeating: 0, count: outputCount)); return }
        guard tensor.type == .int32 else {
            throw FlatBufferError("the bias tensor \(tensor.index) is \(tensor.type); a quantized layer's bias is int32")
        }
        let codes = try model.codes(of: tensor)
        guard codes.count == outputCount else {
            throw FlatBufferError("the bias tensor \(tensor.index) holds \(codes.count) values for \(outputCount) outputs")
        }
        self.init(codes: codes)
    }

    // snippet.add-bias
    /// (5.1) acc[c] += bias[c]. Both sides are in units of S1·S2[c], so this is an integer
    /// addition: no rescaling, and exact unless the sum leaves int32, which the converter's
    /// ranges make impossible for real layers.
    public func added(to accumulators: [Int32]) -> [Int32] {
        accumulators.indices.map { added(to: accumulators[$0], channel: $0) }
    }

    public func added(to accumulator: Int32, channel: Int) -> Int32 { accumulator + codes[channel] }
    // snippet.end

    /// (5.2) What XNNPACK stores instead: the bias with the terms of (4.2) that do not depend
    /// on the input folded in, so that its kernel sums only Σ_k (q_w − Z_w)·q_in, with no input
    /// zero point (src/reference/packing.cc, xnn_pack_qs8_gemm_goi_w and _qu8_). Same integer.
    // snippet.folded
    public func folded(into weights: QuantizedWeights, inputZeroPoint: Int32) -> [Int32] {
        // In int32 with wrapping, as XNNPACK packs it: the sum is a part of the accumulator,
        // which the layer's bound keeps inside int32, but a single term need not be.
        let count = Int32(truncatingIfNeeded: weights.inputCount)
        return (0..<weights.outputCount).map { channel in
            let weightSum = weights.row(channel).reduce(0, &+)
            let weightZeroPoint = weights.zeroPoints[channel]
            return codes[channel] &- inputZeroPoint &* weightSum &+ count &* weightZeroPoint &* inputZeroPoint
        }
    }
    // snippet.end
}
