// Chapter 4 — the weights of a FULLY_CONNECTED layer as integers, with their zero points.
//
// The .tflite buffer holds them as bytes, [outputCount][inputCount] row-major; we widen each
// to Int32 once, because every product of chapter 4 is formed in int32, never in 8 bits.
// Prose: chapters/04-zero-point-matmul.md.

import Ch01TFLiteFile

/// An integer weight matrix: q_w, and Z_w per output channel (one value repeated for a
/// per-tensor layer). Real weight = S2[c]·(q_w − Z_w[c]).
public struct QuantizedWeights: Sendable {
    public let outputCount: Int
    public let inputCount: Int
    /// [outputCount][inputCount], row-major, as stored in the .tflite buffer.
    public let codes: [Int32]
    /// Z2: one per output channel.
    public let zeroPoints: [Int32]

    public init(outputCount: Int, inputCount: Int, codes: [Int32], zeroPoints: [Int32]) {
        precondition(codes.count == outputCount * inputCount && zeroPoints.count == outputCount)
        (self.outputCount, self.inputCount, self.codes, self.zeroPoints) = (outputCount, inputCount, codes, zeroPoints)
    }

    /// Reads the weights tensor of a FULLY_CONNECTED layer (int8 or uint8, 2-D, constant).
    public init(tensor: Tensor, in model: Model) throws {
        guard tensor.shape.count == 2 else {
            throw FlatBufferError("the weights tensor \(tensor.index) has shape \(tensor.shape); FULLY_CONNECTED weights are [outputs, inputs]")
        }
        guard tensor.type == .int8 || tensor.type == .uint8 else {
            throw FlatBufferError("the weights tensor \(tensor.index) is \(tensor.type); the integer kernels take int8 or uint8")
        }
        let codes = try model.codes(of: tensor)
        let (outputs, inputs) = (tensor.shape[0], tensor.shape[1])
        let stored = tensor.quantization?.zeroPoints ?? [0]
        let zeroPoints = stored.count == outputs ? stored : Array(repeating: stored.first ?? 0, count: outputs)
        self.init(outputCount: outputs, inputCount: inputs, codes: codes, zeroPoints: zeroPoints)
    }

    public func row(_ channel: Int) -> ArraySlice<Int32> {
        codes[(channel * inputCount)..<((channel + 1) * inputCount)]
    }
}
