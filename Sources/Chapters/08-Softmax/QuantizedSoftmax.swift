// Chapter 8 — the quantized SOFTMAX operator of a model, computed as each family of kernels
// computes it: `reference` (LiteRT BUILTIN_REF) and `micro` (TFLite Micro) run the fixed-point
// kernel of FixedPointSoftmax.swift; `optimized` (LiteRT's builtin kernels) and `xnnpack` run
// the float table of FloatTableSoftmax.swift, because the XNNPACK delegate takes only float
// softmax (`tflite/delegates/xnnpack/xnnpack_delegate.cc`, `VisitSoftmaxNode`) and leaves a
// quantized one to the optimized builtin. The checks are those of `SoftmaxPrepare` in
// `tflite/kernels/activations.cc` and `tensorflow/lite/micro/kernels/softmax_common.cc`.

import Ch01TFLiteFile
import Ch06Requantize

/// The two ways TFLite computes an 8-bit softmax.
public enum SoftmaxAlgorithm: String, Sendable, CaseIterable {
    /// gemmlowp fixed point: Q5.26 differences, Q0.31 exponentials, a Q12.19 sum.
    case fixedPoint = "fixed point"
    /// A float32 table of 256 exponentials, float32 arithmetic.
    case floatTable = "float table"

    // snippet.family-algorithm
    /// Which algorithm a family of kernels runs for an int8 or uint8 SOFTMAX on x86.
    public init(family: KernelFamily) {
        switch family {
        case .reference, .micro: self = .fixedPoint
        // XNNPACK declines quantized softmax; the optimized builtin runs it instead.
        case .optimized, .xnnpack: self = .floatTable
        }
    }
    // snippet.end
}

/// The SOFTMAX operator of a model: the tensor it reads (the logits), the one it writes,
/// and its β.
public struct SoftmaxLayer: Sendable {
    public let operatorIndex: Int
    public let input: Tensor
    public let output: Tensor
    public let beta: Float
}

extension Model {
    /// The main subgraph's SOFTMAX operator (these models have exactly one).
    public func softmaxLayer() throws -> SoftmaxLayer {
        guard let op = main.operators.first(where: { operatorCodes[$0.opcodeIndex].code == SupportedOperator.softmax.code }) else {
            throw SoftmaxError("the model has no SOFTMAX operator")
        }
        guard case .softmax(let beta) = op.options else {
            throw SoftmaxError("operator \(op.index) (SOFTMAX) has no SoftmaxOptions, so no β")
        }
        guard let inputIndex = op.inputs.first, inputIndex >= 0, let outputIndex = op.outputs.first else {
            throw SoftmaxError("operator \(op.index) (SOFTMAX) needs an input and an output tensor")
        }
        return SoftmaxLayer(operatorIndex: op.index, input: main.tensors[inputIndex], output: main.tensors[outputIndex], beta: beta)
    }
}

/// A quantized softmax, int8 → int8 or uint8 → uint8, as one family of kernels computes it.
public struct QuantizedSoftmax: Sendable {
    /// The algorithm the family runs, prepared: one of the two, never both, never neither.
    public enum Kernel: Sendable {
        case fixedPoint(FixedPointSoftmax)
        case floatTable(FloatTableSoftmax)
    }

    public let family: KernelFamily
    public let inputType: TensorType
    public let kernel: Kernel

    /// Which of the two `kernel` is: the family's, as `init` chose it.
    public var algorithm: SoftmaxAlgorithm { SoftmaxAlgorithm(family: family) }

    /// The fixed-point kernel, if this family runs it (reference, micro).
    public var fixedPoint: FixedPointSoftmax? { if case .fixedPoint(let softmax) = kernel { softmax } else { nil } }
    /// The float table, if this family runs it (optimized, xnnpack).
    public var floatTable: FloatTableSoftmax? { if case .floatTable(let softmax) = kernel { softmax } else { nil } }

    // snippet.softmax-prepare
    /// The checks TFLite makes before it agrees to run the operator, then the preparation of
    /// the family's algorithm. The input zero point is not a parameter: softmax only ever
    /// looks at differences q − max, in which it cancels.
    public init(inputScale: Float, beta: Float, inputType: TensorType, outputType: TensorType,
                outputScale: Float, outputZeroPoint: Int32, family: KernelFamily) throws {
        guard inputType == outputType, inputType == .int8 || inputType == .uint8 else {
            throw SoftmaxError("the quantized softmax reads and writes int8, or uint8; not \(inputType) → \(outputType)")
        }
        if inputType == .int8 {
            // Both runtimes insist on the output quantization the int8 kernels assume.
            guard outputZeroPoint == -128 else {
                throw SoftmaxError("an int8 softmax output needs zero point −128, not \(outputZeroPoint)")
            }
            let allowed: Float = family == .micro ? 0 : 0.001 / 256  // TFLM wants exactly 1/256
            guard abs(outputScale - 1 / 256) <= allowed else {
                throw SoftmaxError("an int8 softmax output needs scale 1/256, not \(outputScale)")
            }
        } else if family == .micro {
            throw SoftmaxError("TFLite Micro has no uint8 SOFTMAX kernel (softmax_common.cc accepts int8, int16 and float32)")
        }
        self.family = family
        self.inputType = inputType
        switch SoftmaxAlgorithm(family: family) {
        case .fixedPoint:
            kernel = .fixedPoint(try FixedPointSoftmax(inputScale: inputScale, beta: beta, outputType: outputType))
        case .floatTable:
            kernel = .floatTable(try FloatTableSoftmax(inputScale: inputScale, beta: beta, outputType: outputType,
                                                       outputScale: outputScale, outputZeroPoint: outputZeroPoint))
        }
    }
    // snippet.end

    /// The softmax of a model's SOFTMAX operator, with the scales and zero points of its tensors.
    public init(layer: SoftmaxLayer, family: KernelFamily) throws {
        guard let input = layer.input.quantization, let inputScale = input.scales.first,
              let output = layer.output.quantization, let outputScale = output.scales.first,
              let outputZeroPoint = output.zeroPoints.first else {
            throw SoftmaxError("operator \(layer.operatorIndex) is a float SOFTMAX: its tensors are not quantized")
        }
        try self.init(inputScale: inputScale, beta: layer.beta, inputType: layer.input.type, outputType: layer.output.type,
                      outputScale: outputScale, outputZeroPoint: outputZeroPoint, family: family)
    }

    /// The output codes for one row of logits (raw integer codes of the input type).
    public func apply(_ logits: [Int32]) -> [Int32] {
        let range = inputType.integerRange!  // int8 or uint8, checked in init
        precondition(logits.allSatisfy { range.contains($0) }, "logits outside the \(inputType) range")
        switch kernel {
        case .fixedPoint(let softmax): return softmax.apply(logits)
        case .floatTable(let softmax): return softmax.apply(logits)
        }
    }
}
