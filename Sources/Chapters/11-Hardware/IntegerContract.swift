// Chapter 11 — the integer contract: everything a C program or an FPGA needs to compute the
// network's FULLY_CONNECTED layers bit for bit, and nothing else. Per layer and per output
// channel: the weights and their zero points, the int32 bias, M0 and shift, the clamp bounds
// and the output zero point. Equations (11.1)–(11.4) of chapters/11-hardware.md:
//   (11.1) acc[c]  = bias[c] + Σ_k (q_w[c,k] − Z2[c]) · (q_in[k] − Z1)          chapters 4, 5
//   (11.2) x       = acc[c] · 2^ℓ (wrapping in 32 bits),   ℓ = max(shift[c], 0)  chapter 6
//   (11.3) h       = SRDHM(x, M0[c]): the high half of the 64-bit product 2·x·M0  chapter 6
//   (11.4) q_out   = clamp(Z3 + round(h / 2^ρ), min, max), ρ = max(−shift[c], 0) chapters 6, 7
// Only the families whose requantization is integer have a contract: micro (TFLite Micro,
// tensorflow/lite/kernels/internal/common.cc MultiplyByQuantizedMultiplier, the last rounding
// ties away from zero) and optimized (LiteRT tflite/kernels/cpu_backend_gemm_custom_gemv.h,
// ties toward +∞). reference requantizes in double and xnnpack in float32.

import Ch01TFLiteFile
import Ch04ZeroPointMatmul
import Ch05Bias
import Ch06Requantize
import Ch07Clamp
import Ch08Softmax
import Ch09Network

/// Why a model or a family has no integer contract.
public struct ContractError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One FULLY_CONNECTED layer as integers: what the exported files hold.
public struct LayerContract: Sendable {
    public let operatorIndex: Int
    /// The tensors it reads and writes, by index in the .tflite file.
    public let inputTensor: Int
    public let outputTensor: Int
    public let inputCount: Int
    public let outputCount: Int
    /// int8 or uint8.
    public let weightType: TensorType
    /// int8 or uint8: the input's type, which is also the output's.
    public let codeType: TensorType
    /// q_w: [outputCount][inputCount], row-major, as stored in the .tflite buffer.
    public let weights: [Int32]
    /// Z2, one per output channel (a per-tensor layer repeats its one value).
    public let weightZeroPoints: [Int32]
    /// Z1.
    public let inputZeroPoint: Int32
    /// int32, in units of S1·S2[c].
    public let bias: [Int32]
    /// M0 and shift, one per output channel: M = S1·S2[c]/S3 ≈ M0 · 2^(shift − 31).
    public let multipliers: [Int32]
    public let shifts: [Int32]
    /// Z3, and the activation range [minimum, maximum] it is clamped to (chapter 7).
    public let outputZeroPoint: Int32
    public let outputMinimum: Int32
    public let outputMaximum: Int32
    public let rounding: FinalRounding

    /// The contract of one layer prepared by chapter 9 for the micro or optimized family.
    public init(_ layer: FullyConnectedLayer) throws {
        let scales = layer.scales
        guard let rounding = FinalRounding(family: layer.requantizer.family) else {
            throw ContractError("the \(layer.requantizer.family.rawValue) family requantizes in floating point; an integer contract is micro or optimized")
        }
        guard scales.input.type == scales.output.type, scales.input.type == .int8 || scales.input.type == .uint8 else {
            throw ContractError("operator \(scales.operatorIndex) reads \(scales.input.type) and writes \(scales.output.type); the contract takes int8 or uint8 codes in and out")
        }
        let count = layer.weights.outputCount
        var (multipliers, shifts) = ([Int32](), [Int32]())
        for channel in 0..<count {
            guard case .fixedPoint(let multiplier, let shift) = layer.requantizer.multiplier(channel: channel) else {
                throw ContractError("operator \(scales.operatorIndex): channel \(channel) has no fixed-point multiplier")
            }
            multipliers.append(multiplier)
            shifts.append(Int32(shift))
        }
        operatorIndex = scales.operatorIndex
        (inputTensor, outputTensor) = (scales.input.index, scales.output.index)
        (inputCount, outputCount) = (layer.weights.inputCount, count)
        (weightType, codeType) = (scales.weights.type, scales.input.type)
        weights = layer.weights.codes
        weightZeroPoints = layer.weights.zeroPoints
        inputZeroPoint = scales.inputZeroPoint
        bias = layer.bias.codes
        (self.multipliers, self.shifts) = (multipliers, shifts)
        outputZeroPoint = layer.clamp.zeroPoint
        (outputMinimum, outputMaximum) = (layer.clamp.minimum, layer.clamp.maximum)
        self.rounding = rounding
    }

    /// (11.1) for one output channel: its bias, plus the zero-point-corrected products.
    public func accumulator(channel: Int, input: [Int32]) -> Int32 {
        precondition(input.count == inputCount, "the layer reads \(inputCount) codes, not \(input.count)")
        let (weightZeroPoint, row) = (weightZeroPoints[channel], channel * inputCount)
        return weights.withUnsafeBufferPointer { weights in
            input.withUnsafeBufferPointer { input in
                var accumulator = bias[channel]
                for k in 0..<inputCount {
                    accumulator += (weights[row + k] - weightZeroPoint) * (input[k] - inputZeroPoint)
                }
                return accumulator
            }
        }
    }

    /// What the C reference computes, in Swift, from the contract's integers alone.
    public func evaluate(_ input: [Int32]) -> (accumulators: [Int32], outputs: [Int32]) {
        var accumulators: [Int32] = [], outputs: [Int32] = []
        for channel in 0..<outputCount {
            let accumulator = self.accumulator(channel: channel, input: input)      // (11.1)
            let multiplier = FixedPointMultiplier((multipliers[channel], Int(shifts[channel])))
            let scaled = rounding.requantize(accumulator, multiplier)               // (11.2)–(11.4)
            let code = min(max(Int64(scaled) + Int64(outputZeroPoint), Int64(outputMinimum)), Int64(outputMaximum))
            accumulators.append(accumulator)
            outputs.append(Int32(code))
        }
        return (accumulators, outputs)
    }
}

/// The softmax that follows the last layer, as the fixed-point kernel of chapter 8 prepares it
/// (TFLite's PreprocessSoftmaxScaling and CalculateInputRadius): the three integers it needs.
public struct SoftmaxContract: Sendable {
    public let operatorIndex: Int
    public let inputMultiplier: Int32
    public let inputLeftShift: Int
    public let diffMin: Int32
    /// The output codes start at the type's minimum: −128 for int8, 0 for uint8.
    public let outputZeroPoint: Int32
}

/// The whole network's integer contract: its FULLY_CONNECTED layers in order, each reading what
/// the one before it wrote, then the softmax, or the argmax that replaces it.
public struct NetworkContract: Sendable {
    public let family: KernelFamily
    public let rounding: FinalRounding
    public let layers: [LayerContract]
    /// Nil when the model has no quantized SOFTMAX after its last layer.
    public let softmax: SoftmaxContract?

    public var inputCount: Int { layers[0].inputCount }
    public var classCount: Int { layers[layers.count - 1].outputCount }
    public var codeType: TensorType { layers[0].codeType }
    public var weightType: TensorType { layers[0].weightType }

    public init(model: Model, family: KernelFamily) throws {
        guard let rounding = FinalRounding(family: family) else {
            throw ContractError("the \(family.rawValue) family requantizes in \(family == .reference ? "double" : "float32"); the integer contract is micro (TFLite Micro) or optimized (LiteRT's builtin kernels)")
        }
        if let convolutional = model.firstPartTwoOperator {
            throw ContractError("the integer contract covers part one's networks of FULLY_CONNECTED layers; \(convolutional) is part two's (chapters 14 to 16), and the workbook does not export convolutional networks yet")
        }
        let scales = try model.fullyConnectedLayers()
        guard !scales.isEmpty else { throw ContractError("the model has no FULLY_CONNECTED layer") }
        guard scales.allSatisfy({ $0.weights.type == .int8 || $0.weights.type == .uint8 }) else {
            throw ContractError("the model's weights are not int8 or uint8: a float model has no integer contract")
        }
        if family == .micro, scales.contains(where: { $0.weights.type == .uint8 || $0.input.type == .uint8 }) {
            throw ContractError("TFLite Micro has no uint8 kernels, so the micro family has no contract for this model; export it with --kernels optimized")
        }
        let layers = try scales.map { try LayerContract(FullyConnectedLayer(scales: $0, model: model, family: family)) }
        // A RESHAPE between two layers moves no value: the next layer reads what the last wrote.
        let shapes = try model.staticShapes()
        for (before, after) in zip(layers, layers.dropFirst()) where shapes.valuesSource(of: after.inputTensor) != before.outputTensor {
            throw ContractError("operator \(after.operatorIndex) reads tensor \(after.inputTensor), not what operator \(before.operatorIndex) writes: the layers do not form a chain")
        }
        guard Set(layers.map(\.codeType)).count == 1, Set(layers.map(\.weightType)).count == 1 else {
            throw ContractError("the layers mix int8 and uint8; the exported files hold one type of codes and one of weights")
        }
        (self.family, self.rounding, self.layers) = (family, rounding, layers)
        softmax = Self.softmax(of: model, afterTensor: layers[layers.count - 1].outputTensor)
    }

    /// The SOFTMAX that reads `tensor`, if there is one (chapter 17 asks it of a CNN's last layer).
    package static func softmax(of model: Model, afterTensor tensor: Int) -> SoftmaxContract? {
        guard let layer = try? model.softmaxLayer(), layer.input.index == tensor,
              let inputScale = layer.input.quantization?.scales.first,
              let scaling = try? SoftmaxScaling(inputScale: inputScale, beta: layer.beta),
              let range = layer.output.type.integerRange else { return nil }
        return SoftmaxContract(operatorIndex: layer.operatorIndex, inputMultiplier: scaling.inputMultiplier,
                               inputLeftShift: scaling.inputLeftShift, diffMin: scaling.diffMin,
                               outputZeroPoint: range.lowerBound)
    }

    /// Every layer on one input vector: each layer's accumulators and output codes.
    public func evaluate(_ input: [Int32]) -> [(accumulators: [Int32], outputs: [Int32])] {
        var codes = input
        return layers.map { layer in
            let result = layer.evaluate(codes)
            codes = result.outputs
            return result
        }
    }
}
