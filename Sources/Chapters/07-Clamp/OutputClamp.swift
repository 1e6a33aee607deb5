// Chapter 7 — the last step of a quantized layer: add the output zero point Z3 to M·acc
// (chapter 6), clamp to the activation range, store as the output type. Equation (7.1):
// q3 = clamp(Z3 + M·acc, act_min, act_max). Prose: chapters/07-clamp.md.
//
// The range is the output type's range intersected with the fused activation, quantized with
// S3 and Z3. TFLite (reference, optimized) and TFLite Micro quantize the activation's bounds
// with ties away from zero, equation (7.2) (tflite/kernels/kernel_util.cc
// CalculateActivationRangeQuantized); XNNPACK quantizes the float bounds it is given with
// round half to even, equation (7.3)
// (LiteRT tflite/delegates/xnnpack/xnnpack_delegate.cc ConvertActivationToOutputRange, then
// XNNPACK src/subgraph/fully-connected.c with xnn_qs8_quantize / xnn_qu8_quantize).
// XNNPACK also clamps in another order (the top in float before rounding, the bottom after
// adding Z3, saturating on the way); that gives the same integers as (7.1), as chapter 7 shows.

import Ch01TFLiteFile
import Ch06Requantize

/// Why an output range cannot be formed.
public struct ClampError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Z3, then the activation range: what turns M·acc into the stored output integer.
public struct OutputClamp: Sendable, Equatable {
    public let outputType: TensorType
    /// Z3, the output tensor's zero point.
    public let zeroPoint: Int32
    /// [act_min, act_max]: the integers the output may take, inside the output type's range.
    public let minimum: Int32
    public let maximum: Int32

    public init(outputType: TensorType, zeroPoint: Int32, scale: Float, activation: ActivationFunction, family: KernelFamily) throws(ClampError) {
        let typeRange = try Self.typeRange(outputType, family: family)
        guard typeRange.contains(Int64(zeroPoint)) else {
            throw ClampError("the output zero point \(zeroPoint) lies outside the \(outputType) range \(typeRange.lowerBound)...\(typeRange.upperBound)")
        }
        guard scale.isFinite, scale > 0 else { throw ClampError("the output scale \(scale) is not a positive number") }
        let range = family == .xnnpack
            ? try Self.xnnpackActivationRange(activation, scale: scale, zeroPoint: Int64(zeroPoint), typeRange: typeRange)
            : try Self.tfliteActivationRange(activation, scale: scale, zeroPoint: Int64(zeroPoint), typeRange: typeRange)
        guard range.minimum <= range.maximum else {
            throw ClampError("\(activation.rawValue) with S3 = \(scale), Z3 = \(zeroPoint) leaves no \(outputType) value (\(range.minimum) > \(range.maximum))")
        }
        (self.outputType, self.zeroPoint) = (outputType, zeroPoint)
        (minimum, maximum) = (Int32(range.minimum), Int32(range.maximum))
    }

    /// The range of a FULLY_CONNECTED's output tensor, for one family (chapter 1's LayerScales).
    public init(layer: LayerScales, family: KernelFamily) throws(ClampError) {
        guard let scale = layer.outputScale else {
            throw ClampError("operator \(layer.operatorIndex)'s output tensor \(layer.output.index) has no scale: it is not quantized")
        }
        try self.init(outputType: layer.output.type, zeroPoint: layer.outputZeroPoint, scale: scale,
                      activation: layer.fusedActivation, family: family)
    }

    // snippet.apply
    /// q3 = clamp(Z3 + scaled, act_min, act_max): always a value of the output type.
    public func apply(_ scaled: Int32) -> Int32 {
        let withZeroPoint = Int64(scaled) + Int64(zeroPoint)  // cannot overflow in Int64
        return Int32(min(max(withZeroPoint, Int64(minimum)), Int64(maximum)))
    }
    // snippet.end

    /// The same as `apply`, keeping its steps, for a reader (`workbook trace`, the narrations).
    public func steps(_ scaled: Int32) -> ClampSteps {
        ClampSteps(scaled: scaled, withZeroPoint: Int64(scaled) + Int64(zeroPoint), minimum: minimum, maximum: maximum, output: apply(scaled))
    }

    /// qmin...qmax of the output type. XNNPACK has no int16 FULLY_CONNECTED: the delegate
    /// leaves such a layer to TFLite's builtin kernel, so the xnnpack family refuses it.
    static func typeRange(_ type: TensorType, family: KernelFamily) throws(ClampError) -> ClosedRange<Int64> {
        switch type {
        case .int8: return Int64(Int8.min)...Int64(Int8.max)
        case .uint8: return Int64(UInt8.min)...Int64(UInt8.max)
        case .int16 where family != .xnnpack: return Int64(Int16.min)...Int64(Int16.max)
        default: throw ClampError("the \(family.rawValue) kernels do not write \(type) outputs (they write int8, uint8\(family == .xnnpack ? "" : " or int16"))")
        }
    }

    /// The bounds of the fused activation in real numbers; nil stands for no bound.
    static func realBounds(_ activation: ActivationFunction) throws(ClampError) -> (lower: Float?, upper: Float?) {
        switch activation {
        case .none: return (nil, nil)
        case .relu: return (0, nil)
        case .relu6: return (0, 6)
        case .reluN1To1: return (-1, 1)
        case .tanh, .signBit:
            throw ClampError("a fused \(activation.rawValue) is not a clamp; the workbook computes NONE, RELU, RELU6 and RELU_N1_TO_1")
        }
    }

    // snippet.tflite-range
    /// TFLite's CalculateActivationRangeQuantized, (7.2): each real bound v becomes
    /// Z3 + round(f32(v / S3)), ties away from zero, then is intersected with the type's range.
    static func tfliteActivationRange(_ activation: ActivationFunction, scale: Float, zeroPoint: Int64,
                                      typeRange: ClosedRange<Int64>) throws(ClampError) -> (minimum: Int64, maximum: Int64) {
        func quantize(_ real: Float) throws(ClampError) -> Int64 {
            let steps = (real / scale).rounded(.toNearestOrAwayFromZero)
            guard steps >= -0x1p31, steps < 0x1p31 else { throw ClampError("the bound \(real) is \(steps) steps of S3, beyond int32") }
            return zeroPoint + Int64(steps)
        }
        let (lower, upper) = try realBounds(activation)
        var (minimum, maximum) = (typeRange.lowerBound, typeRange.upperBound)
        if let lower { minimum = max(minimum, try quantize(lower)) }
        if let upper { maximum = min(maximum, try quantize(upper)) }
        return (minimum, maximum)
    }
    // snippet.end

    // snippet.xnnpack-range
    /// XNNPACK: the delegate passes the activation as float bounds (−∞ and +∞ where there is
    /// none), and xnn_qs8_quantize / xnn_qu8_quantize turn each bound v into, (7.3),
    /// lrintf(clamp(f32(v / S3) + Z3, qmin, qmax)): round half to even, after the clamp.
    static func xnnpackActivationRange(_ activation: ActivationFunction, scale: Float, zeroPoint: Int64,
                                       typeRange: ClosedRange<Int64>) throws(ClampError) -> (minimum: Int64, maximum: Int64) {
        func quantize(_ real: Float) -> Int64 {
            let shifted = real / scale + Float(zeroPoint)
            let clamped = min(max(shifted, Float(typeRange.lowerBound)), Float(typeRange.upperBound))
            return Int64(clamped.rounded(.toNearestOrEven))
        }
        let (lower, upper) = try realBounds(activation)
        return (quantize(lower ?? -.infinity), quantize(upper ?? .infinity))
    }
    // snippet.end
}

/// One output through (7.1): M·acc, Z3 added, and which bound, if any, it was clamped to.
public struct ClampSteps: Sendable, Equatable {
    public let scaled: Int32
    /// Z3 + M·acc, before the clamp (in Int64: it may lie outside int32).
    public let withZeroPoint: Int64
    public let minimum: Int32
    public let maximum: Int32
    /// q3, the stored code.
    public let output: Int32

    /// Whether the upper bound (the type's maximum, or RELU6's 6) cut the value.
    public var clippedAbove: Bool { withZeroPoint > Int64(maximum) }
}
