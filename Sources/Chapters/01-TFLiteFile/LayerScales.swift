// Chapter 1 — what netron does not show: for each FULLY_CONNECTED, the three scales of
// M = S1·S2/S3 and where each comes from. S3, the one the seed could not find, is the scale of
// the operator's *output tensor*.

/// The quantization of one FULLY_CONNECTED operator, gathered from its four tensors; in part
/// two, of a CONV_2D or DEPTHWISE_CONV_2D too, which have the same four.
public struct LayerScales: Sendable {
    public let operatorIndex: Int
    /// "FULLY_CONNECTED", "CONV_2D" or "DEPTHWISE_CONV_2D", for messages.
    public let operatorName: String
    public let input: Tensor       // S1, Z1
    public let weights: Tensor     // S2 (one, or one per output channel), Z2
    public let bias: Tensor?       // int32, scale S1·S2
    public let output: Tensor      // S3, Z3
    public let fusedActivation: ActivationFunction

    // snippet.s1-s2-s3
    /// S1: the scale of the tensor the layer reads.
    public var inputScale: Float? { input.quantization?.scales.first }
    /// S2: one scale per output channel (per-channel) or a single one (per-tensor).
    public var weightScales: [Float] { weights.quantization?.scales ?? [] }
    /// S3: the scale of the tensor the layer writes.
    public var outputScale: Float? { output.quantization?.scales.first }
    // snippet.end

    public var inputZeroPoint: Int32 { input.quantization?.zeroPoints.first ?? 0 }
    public var weightZeroPoints: [Int32] { weights.quantization?.zeroPoints ?? [] }
    public var outputZeroPoint: Int32 { output.quantization?.zeroPoints.first ?? 0 }

    /// The largest relative difference between the stored bias scale and S1·S2, over the
    /// channels (nil for a float layer or a layer without bias). The converter stores
    /// f32(S1·S2[c]), so we expect 0 or a rounding step of float32.
    public var biasScaleRelativeError: Double? {
        guard let s1 = inputScale, let biasScales = bias?.quantization?.scales,
              !weightScales.isEmpty, biasScales.count == weightScales.count else { return nil }
        return zip(weightScales, biasScales).map { s2, stored in
            let expected = Double(s1) * Double(s2)
            return abs(Double(stored) - expected) / expected
        }.max()
    }
}

extension Model {
    /// The first operator of part two (a convolution or a pooling), named as a command that
    /// covers only part one's dense networks says why it refuses the model: "operator 0 (CONV_2D)".
    public var firstPartTwoOperator: String? {
        for op in main.operators {
            guard let kind = SupportedOperator(code: operatorCodes[op.opcodeIndex].code), kind.isConvolutional else { continue }
            return "operator \(op.index) (\(kind.rawValue))"
        }
        return nil
    }

    /// The scales of every FULLY_CONNECTED operator of the main subgraph, in execution order.
    public func fullyConnectedLayers() throws -> [LayerScales] {
        try weightedLayers([.fullyConnected])
    }

    /// The scales of every CONV_2D and DEPTHWISE_CONV_2D, in execution order (part two).
    public func convolutionLayers() throws -> [LayerScales] {
        try weightedLayers([.conv2D, .depthwiseConv2D])
    }

    /// Every operator of `kinds`: input, weights, optional bias, output.
    func weightedLayers(_ kinds: Set<SupportedOperator>) throws -> [LayerScales] {
        try main.operators.compactMap { op in
            guard let kind = SupportedOperator(code: operatorCodes[op.opcodeIndex].code), kinds.contains(kind) else { return nil }
            guard op.inputs.count >= 2, op.inputs[0] >= 0, op.inputs[1] >= 0, let outputIndex = op.outputs.first else {
                throw FlatBufferError("operator \(op.index) (\(kind.rawValue)) needs an input, weights and an output tensor")
            }
            let bias = op.inputs.count > 2 && op.inputs[2] >= 0 ? main.tensors[op.inputs[2]] : nil
            return LayerScales(
                operatorIndex: op.index, operatorName: kind.rawValue, input: main.tensors[op.inputs[0]],
                weights: main.tensors[op.inputs[1]], bias: bias, output: main.tensors[outputIndex],
                fusedActivation: op.options.fusedActivation ?? .none)
        }
    }
}
