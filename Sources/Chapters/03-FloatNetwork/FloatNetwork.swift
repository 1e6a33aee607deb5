// Chapter 3 — the network in real numbers: y = activation(W·x + b) per layer (3.1), then
// softmax (3.2). Prose: chapters/03-float-network.md.
//
// With the float model's own float32 weights this is LiteRT's reference float FULLY_CONNECTED
// (tflite/kernels/internal/reference/fully_connected.h, the float overload: a float32 sum over the
// inputs in order, plus the bias, then the activation clamp) and reference float SOFTMAX
// (reference/softmax.h: expf of (x − max)·β, a float32 sum in order, then a division), which
// BUILTIN_REF and TFLite Micro run: we match them bit for bit. The optimized kernels sum in
// another order; the tests bound that difference.
// With a quantized model's weights dequantized, w = S2·(q − Z2) and b = Sb·q_b, it computes what
// the quantized model *means*: the real numbers its codes stand for.

import Ch01TFLiteFile
import Ch02Affine
import Foundation

public struct FloatNetworkError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One FULLY_CONNECTED layer in real numbers.
public struct FloatDenseLayer: Sendable {
    public let inputCount: Int
    public let outputCount: Int
    /// [outputCount][inputCount], row-major, as stored in the .tflite buffer.
    public let weights: [Float]
    public let bias: [Float]
    /// NONE, RELU, RELU6 or RELU_N1_TO_1, fused into the layer as TFLite fuses it.
    public let activation: ActivationFunction
    /// The activation as the bounds TFLite clamps to (CalculateActivationRange).
    public let bounds: (lower: Float, upper: Float)

    /// The fused activations a float layer computes, as [lower, upper] clamps.
    static func bounds(of activation: ActivationFunction) -> (lower: Float, upper: Float)? {
        switch activation {
        case .none: (-.infinity, .infinity)
        case .relu: (0, .infinity)
        case .relu6: (0, 6)
        case .reluN1To1: (-1, 1)
        case .tanh, .signBit: nil
        }
    }

    public init(inputCount: Int, outputCount: Int, weights: [Float], bias: [Float], activation: ActivationFunction) {
        precondition(weights.count == inputCount * outputCount && bias.count == outputCount, "weights and bias do not fit \(outputCount)×\(inputCount)")
        guard let bounds = Self.bounds(of: activation) else { preconditionFailure("a float layer does not fuse \(activation.rawValue)") }
        (self.inputCount, self.outputCount, self.weights, self.bias, self.activation) = (inputCount, outputCount, weights, bias, activation)
        self.bounds = bounds
    }

    // snippet.dense
    /// y[o] = activation(Σ_k x[k]·W[o][k] + b[o]), equation (3.1), summed in float32 for k in
    /// order, as TFLite's reference kernel does. Inputs that are 0 are skipped: adding
    /// x·w = ±0 to a float32 sum leaves it unchanged, and most pixels and ReLU outputs are 0.
    public func apply(_ input: [Float]) -> [Float] {
        precondition(input.count == inputCount, "the layer takes \(inputCount) values, not \(input.count)")
        let active = input.indices.filter { input[$0] != 0 }
        var output = [Float](repeating: 0, count: outputCount)
        weights.withUnsafeBufferPointer { w in
            input.withUnsafeBufferPointer { x in
                active.withUnsafeBufferPointer { nonzero in
                    for o in 0..<outputCount {
                        let row = o * inputCount
                        var total: Float = 0
                        for k in nonzero { total += x[k] * w[row + k] }
                        var value = total + bias[o]
                        // TFLite's std::min(std::max(value, lower), upper): a value not below the
                        // lower bound is kept as it is (−0.0 stays −0.0 under RELU).
                        if value < bounds.lower { value = bounds.lower }
                        if bounds.upper < value { value = bounds.upper }
                        output[o] = value
                    }
                }
            }
        }
        return output
    }
    // snippet.end
}

// snippet.softmax
/// TFLite's float SOFTMAX (reference/softmax.h), equation (3.2): e_i = exp((x_i − max)·β) in
/// float32 with the C library's expf, their float32 sum in order, then e_i / sum.
public func floatSoftmax(_ logits: [Float], beta: Float = 1) -> [Float] {
    guard let largest = logits.max() else { return [] }
    let exponentials = logits.map { expf(($0 - largest) * beta) }
    var sum: Float = 0
    for value in exponentials { sum += value }
    return exponentials.map { $0 / sum }
}
// snippet.end

/// Every layer's output for one input, and the answer.
public struct FloatForwardPass: Sendable {
    /// The output of each FULLY_CONNECTED layer, after its activation; the last are the logits.
    public let layerOutputs: [[Float]]
    /// The softmax of the logits (the logits themselves if the model has no SOFTMAX).
    public let probabilities: [Float]

    public var logits: [Float] { layerOutputs.last ?? [] }
    /// The digit with the largest probability (the first, on a tie, as numpy's argmax).
    public var prediction: Int { argmax(probabilities) }
}

/// The network of a model, in real numbers.
public struct FloatNetwork: Sendable {
    public let layers: [FloatDenseLayer]
    /// β of the SOFTMAX at the end, or nil if there is none.
    public let softmaxBeta: Float?

    /// "784→512→100→10": the layer sizes, what "the same network" means when two models are
    /// compared (chapter 3's float network and a quantized model, `workbook eval`).
    public var architecture: String {
        guard let first = layers.first else { return "no layers" }
        return ([first.inputCount] + layers.map(\.outputCount)).map(String.init).joined(separator: "→")
    }

    /// Same layer sizes and activations, and a softmax in both or in neither.
    public func isSameArchitecture(as other: FloatNetwork) -> Bool {
        layers.count == other.layers.count && (softmaxBeta == nil) == (other.softmaxBeta == nil)
            && zip(layers, other.layers).allSatisfy {
                ($0.inputCount, $0.outputCount, $0.activation) == ($1.inputCount, $1.outputCount, $1.activation)
            }
    }

    public init(layers: [FloatDenseLayer], softmaxBeta: Float?) {
        for (earlier, later) in zip(layers, layers.dropFirst()) {
            precondition(earlier.outputCount == later.inputCount, "a layer of \(earlier.outputCount) outputs feeds one of \(later.inputCount) inputs")
        }
        (self.layers, self.softmaxBeta) = (layers, softmaxBeta)
    }

    /// The FULLY_CONNECTED layers and SOFTMAX of `model`, in order. Float32 weights are used as
    /// stored; 8-bit weights are dequantized per output channel, w = S2[c]·(q − Z2[c]), and int32
    /// biases with their own scale, b = Sb[c]·q_b: "what the quantized model means".
    public init(model: Model) throws(FloatNetworkError) {
        if let convolutional = model.firstPartTwoOperator {
            throw FloatNetworkError("chapter 3's float network is part one's network of FULLY_CONNECTED layers; \(convolutional) is part two's (chapters 14 to 16)")
        }
        let scales: [LayerScales]
        do { scales = try model.fullyConnectedLayers() } catch { throw FloatNetworkError("\(error)") }
        guard !scales.isEmpty else { throw FloatNetworkError("the model has no FULLY_CONNECTED layer") }
        // `classify(pixels:)` feeds the first layer an image.
        guard scales[0].weights.shape.count == 2, scales[0].weights.shape[1] == Model.imagePixels else {
            throw FloatNetworkError("operator \(scales[0].operatorIndex): the first layer's weights \(scales[0].weights.shape) do not take a 28×28 image (784 values)")
        }
        var layers: [FloatDenseLayer] = []
        for layer in scales {
            guard layer.weights.shape.count == 2 else {
                throw FloatNetworkError("operator \(layer.operatorIndex): weights of shape \(layer.weights.shape), not [outputs, inputs]")
            }
            let (outputs, inputs) = (layer.weights.shape[0], layer.weights.shape[1])
            guard FloatDenseLayer.bounds(of: layer.fusedActivation) != nil else {
                throw FloatNetworkError("operator \(layer.operatorIndex): fused activation \(layer.fusedActivation.rawValue); the workbook computes NONE, RELU, RELU6 and RELU_N1_TO_1")
            }
            let weights = try Self.realValues(of: layer.weights, in: model, channels: outputs)
            let bias = try layer.bias.map { tensor throws(FloatNetworkError) in try Self.realValues(of: tensor, in: model, channels: outputs) }
                ?? [Float](repeating: 0, count: outputs)
            guard weights.count == outputs * inputs, bias.count == outputs else {
                throw FloatNetworkError("operator \(layer.operatorIndex): \(weights.count) weights and \(bias.count) biases for a \(outputs)×\(inputs) layer")
            }
            if let previous = layers.last, previous.outputCount != inputs {
                throw FloatNetworkError("operator \(layer.operatorIndex) takes \(inputs) inputs, but the layer before it gives \(previous.outputCount)")
            }
            layers.append(FloatDenseLayer(inputCount: inputs, outputCount: outputs, weights: weights, bias: bias, activation: layer.fusedActivation))
        }
        let softmax = model.main.operators.first { model.operatorCodes[$0.opcodeIndex].code == SupportedOperator.softmax.code }
        var beta: Float?
        if let softmax {
            guard case .softmax(let value) = softmax.options else { throw FloatNetworkError("operator \(softmax.index) (SOFTMAX) has no options") }
            beta = value
        }
        self.init(layers: layers, softmaxBeta: beta)
    }

    /// A constant tensor's real values: float32 as stored, or integer codes dequantized with
    /// the (S, Z) of their channel (`channels` slices along dimension 0).
    static func realValues(of tensor: Tensor, in model: Model, channels: Int) throws(FloatNetworkError) -> [Float] {
        guard let count = tensor.elementCount, count > 0 else {
            throw FloatNetworkError("tensor \(tensor.index) '\(tensor.name)' has no constant data of its shape \(tensor.shape)")
        }
        let codes: [Int32]
        do {
            if tensor.type == .float32 { return try model.floats(of: tensor) }
            codes = try model.codes(of: tensor)  // chapter 1: int8, uint8 or int32, as stored
        } catch {
            throw FloatNetworkError("\(error); weights are float32, int8 or uint8, biases float32 or int32")
        }
        let perChannel = tensor.quantization?.isPerChannel == true
        guard !perChannel || tensor.quantization?.quantizedDimension == 0 else {
            throw FloatNetworkError("tensor \(tensor.index) '\(tensor.name)' is quantized along dimension \(tensor.quantization!.quantizedDimension), not its output channels")
        }
        let mappings: [AffineQuantization]
        do {
            mappings = try (0..<(perChannel ? channels : 1)).map { channel throws(AffineQuantizationError) in try AffineQuantization(tensor: tensor, channel: channel) }
        } catch {
            throw FloatNetworkError("\(error)")
        }
        let perRow = count / channels
        return codes.enumerated().map { index, code in mappings[perChannel ? index / perRow : 0].dequantize(code) }
    }

    /// Runs the layers on real inputs, then the softmax.
    public func forward(_ input: [Float]) -> FloatForwardPass {
        var outputs: [[Float]] = []
        var values = input
        for layer in layers {
            values = layer.apply(values)
            outputs.append(values)
        }
        let probabilities = softmaxBeta.map { floatSoftmax(values, beta: $0) } ?? values
        return FloatForwardPass(layerOutputs: outputs, probabilities: probabilities)
    }

    /// Classifies an image: its pixels become the reals pixel/255 the network was trained on.
    public func classify(pixels: [UInt8]) -> FloatForwardPass {
        forward(pixels.map(pixelReal))
    }
}
