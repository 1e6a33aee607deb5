// Chapter 9 — one quantized FULLY_CONNECTED layer, assembled from chapters 4 to 7:
//   acc = Σ (q_w − Z_w)(q_in − Z_in)   chapter 4, eq. (4.1)
//   acc += bias                         chapter 5, eq. (5.1)
//   y = M·acc, in the family's rounding chapter 6
//   q_out = clamp(y + Z3)               chapter 7
// TFLite: tflite/kernels/fully_connected.cc EvalQuantized and the kernels it calls.

import Ch01TFLiteFile
import Ch04ZeroPointMatmul
import Ch05Bias
import Ch06Requantize
import Ch07Clamp

/// A FULLY_CONNECTED operator prepared once for a kernel family: weights widened, multipliers
/// and clamp bounds computed, as TFLite's Prepare does.
public struct FullyConnectedLayer: Sendable {
    public let scales: LayerScales
    public let weights: QuantizedWeights
    public let bias: QuantizedBias
    public let requantizer: Requantizer
    public let clamp: OutputClamp

    public init(scales: LayerScales, model: Model, family: KernelFamily) throws {
        self.scales = scales
        weights = try QuantizedWeights(tensor: scales.weights, in: model)
        bias = try QuantizedBias(tensor: scales.bias, in: model, outputCount: weights.outputCount)
        requantizer = try Requantizer(layer: scales, family: family)
        clamp = try OutputClamp(layer: scales, family: family)
        let range = scales.input.type.integerRange ?? -128...127
        let bound = AccumulatorBound(weights, inputRange: range, inputZeroPoint: scales.inputZeroPoint)
        // The products' worst case plus the largest bias must fit in int32, so that acc + bias
        // (chapter 5) is exact; a bias near 2^31 is damage, and no kernel would sum it exactly.
        let largestBias = bias.codes.map { Int64($0).magnitude }.max() ?? 0
        guard bound.fitsInt32, UInt64(bound.magnitude) + largestBias <= UInt64(Int32.max) else {
            throw FlatBufferError("operator \(scales.operatorIndex): its accumulator can reach \(bound.magnitude) and its bias \(largestBias), beyond what int32 holds")
        }
    }

    /// The layer's two results: the int32 accumulators (bias included, before requantization),
    /// which hardware must reproduce, and the output codes.
    public struct Result: Sendable {
        public let accumulators: [Int32]
        public let outputs: [Int32]
    }

    // snippet.layer
    public func callAsFunction(_ input: [Int32]) -> Result {
        let products = accumulate(weights, input: input, inputZeroPoint: scales.inputZeroPoint)
        let accumulators = bias.added(to: products)
        let outputs = accumulators.enumerated().map { channel, accumulator in
            clamp.apply(requantizer.scaled(accumulator, channel: channel))
        }
        return Result(accumulators: accumulators, outputs: outputs)
    }
    // snippet.end
}

/// One neuron of a layer through chapters 4 to 7, every step kept: what `workbook trace`
/// prints. Each value comes from the chapter that owns it, and `output` is the layer's own.
public struct NeuronTrace: Sendable {
    /// Chapter 4: the products and their sum.
    public let terms: NeuronTerms
    /// Chapter 5: the int32 bias, and acc = sum + bias.
    public let bias: Int32
    public let accumulator: Int32
    /// Chapter 6: M·acc in the family's arithmetic.
    public let requantization: RequantizationSteps
    /// Chapter 7: Z3 and the clamp.
    public let clamp: ClampSteps

    /// Any output of chapter 4's form: a row of weights times an input vector (a convolution's
    /// patch is one, chapter 14).
    public init(terms: NeuronTerms, bias: Int32, accumulator: Int32, requantization: RequantizationSteps, clamp: ClampSteps) {
        (self.terms, self.bias, self.accumulator, self.requantization, self.clamp) = (terms, bias, accumulator, requantization, clamp)
    }
}

extension FullyConnectedLayer {
    /// Neuron `neuron` of this layer for one input.
    public func trace(_ input: [Int32], neuron: Int) -> NeuronTrace {
        let terms = NeuronTerms(weights, channel: neuron, input: input, inputZeroPoint: scales.inputZeroPoint)
        let bias = self.bias.codes[neuron]
        let accumulator = self.bias.added(to: terms.sum, channel: neuron)
        let requantization = requantizer.steps(accumulator, channel: neuron)
        return NeuronTrace(terms: terms, bias: bias, accumulator: accumulator, requantization: requantization,
                           clamp: clamp.steps(requantization.result))
    }
}
