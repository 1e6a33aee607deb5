// Chapter 2 — the affine mapping between real numbers and integer codes:
//
//     r = S·(q − Z)                       (2.1)  dequantize
//     q = clamp(round(r / S) + Z)         (2.2)  quantize
//
// for one tensor, or one channel of a per-channel tensor. Prose: chapters/02-affine.md.
// It reproduces LiteRT's reference QUANTIZE (tflite/kernels/internal/reference/quantize.h,
// `AffineQuantize`: a float32 quotient r / S rounded half away from zero, plus Z, clamped to the
// type's range) and DEQUANTIZE (reference/dequantize.h, `Dequantize`: double(S)·(q − Z) rounded
// once to float32). The fixture of models/mnist-int8-float-io.tflite proves both bit for bit.

import Ch01TFLiteFile

/// Why a tensor's quantization cannot be used as an affine mapping.
public struct AffineQuantizationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One scale S and one zero point Z, and the integer codes q they give a meaning to.
public struct AffineQuantization: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// S: the real step between two neighbouring codes.
    public let scale: Float
    /// Z: the code that stands for the real number 0.0, exactly. Int32, as every code from
    /// here on: chapter 1 has checked, where it read the file, that it is a code of `type`.
    public let zeroPoint: Int32
    /// The type the codes are stored in: uint8, int8, int16 or int32.
    public let type: TensorType
    /// The codes `quantize` may return: the type's range, or one less at the bottom for the
    /// "narrow range" of symmetric weights ([−127, 127] for int8).
    public let codeRange: ClosedRange<Int32>

    /// A mapping the caller knows to be valid: S finite and positive, an integer type, Z a
    /// code of that type. For a tensor read from a file use `init(tensor:channel:)`, which
    /// checks instead of trapping.
    public init(scale: Float, zeroPoint: Int32, type: TensorType, narrowRange: Bool = false) {
        precondition(scale.isFinite && scale > 0, "a scale must be a positive number, not \(scale)")
        guard let range = type.integerRange else { preconditionFailure("\(type) is not an integer type") }
        precondition(range.contains(zeroPoint), "the zero point \(zeroPoint) is not a \(type) code")
        (self.scale, self.zeroPoint, self.type) = (scale, zeroPoint, type)
        codeRange = narrowRange ? (range.lowerBound + 1)...range.upperBound : range
    }

    public var description: String { "S = \(scale), Z = \(zeroPoint) (\(type))" }

    // snippet.dequantize
    /// r = S·(q − Z), equation (2.1). TFLite multiplies in double and rounds once to float32;
    /// for 8-bit codes the double product is exact, so r is S·(q − Z) correctly rounded.
    public func dequantize(_ code: Int32) -> Float {
        Float(Double(scale) * (Double(code) - Double(zeroPoint)))
    }
    // snippet.end

    // snippet.quantize
    /// q = clamp(round(r / S) + Z), equation (2.2): the code whose real value is nearest to r.
    /// As TFLite's AffineQuantize: r / S is a float32 division, rounded half away from zero
    /// (C's roundf), and Z is added and the result clamped in double, so that a huge r
    /// clamps to the end of the range instead of overflowing an integer.
    public func quantize(_ real: Float) -> Int32 {
        precondition(!real.isNaN, "NaN stands for no real number, so it has no code")
        let steps = (real / scale).rounded(.toNearestOrAwayFromZero)
        let unclamped = Double(steps) + Double(zeroPoint)
        let clamped = min(max(unclamped, Double(codeRange.lowerBound)), Double(codeRange.upperBound))
        return Int32(clamped)
    }
    // snippet.end

    /// The real values the codes can reach: [S·(qmin − Z), S·(qmax − Z)], which contains 0.0.
    public var realRange: ClosedRange<Float> { dequantize(codeRange.lowerBound)...dequantize(codeRange.upperBound) }
}

extension AffineQuantization {
    /// The mapping of a quantized tensor: its only (S, Z), or those of `channel` for a
    /// per-channel tensor (channels along `quantizedDimension`, the output channels of
    /// FULLY_CONNECTED weights).
    public init(tensor: Tensor, channel: Int = 0) throws(AffineQuantizationError) {
        let what = "tensor \(tensor.index) '\(tensor.name)'"
        guard let quantization = tensor.quantization, !quantization.scales.isEmpty else {
            throw AffineQuantizationError("\(what) (\(tensor.type)) is not quantized: it has no scale")
        }
        guard let range = tensor.type.integerRange else {
            throw AffineQuantizationError("\(what) is \(tensor.type); quantized codes are integers")
        }
        guard quantization.scales.indices.contains(channel), quantization.zeroPoints.indices.contains(channel) else {
            throw AffineQuantizationError("\(what) has \(quantization.scales.count) scales and \(quantization.zeroPoints.count) zero points, none for channel \(channel)")
        }
        let scale = quantization.scales[channel]
        let zeroPoint = quantization.zeroPoints[channel]
        guard scale.isFinite, scale > 0 else {
            throw AffineQuantizationError("\(what) has scale \(scale); a scale must be a positive number")
        }
        guard range.contains(zeroPoint) else {
            throw AffineQuantizationError("\(what) has zero point \(zeroPoint), which is not a \(tensor.type) code (\(range))")
        }
        self.init(scale: scale, zeroPoint: zeroPoint, type: tensor.type)
    }
}

// MARK: - uint8 and int8: the same numbers, 128 apart

extension AffineQuantization {
    // snippet.plus-128
    /// The same real numbers in the other 8-bit type: uint8 with (S, Z) and int8 with
    /// (S, Z − 128) give every code q and its partner q − 128 the same real value
    /// S·(q − Z) = S·((q − 128) − (Z − 128)). Nil for types other than uint8 and int8.
    public func inOtherEightBitType() -> AffineQuantization? {
        switch type {
        case .uint8: AffineQuantization(scale: scale, zeroPoint: zeroPoint - 128, type: .int8)
        case .int8: AffineQuantization(scale: scale, zeroPoint: zeroPoint + 128, type: .uint8)
        default: nil
        }
    }

    /// How TFLite's QUANTIZE moves a code between the two types when S is equal and the zero
    /// points are 128 apart (reference/requantize.h): it flips the top bit. Read back as int8,
    /// the flipped byte is q − 128.
    public static func int8Code(flippingTopBitOf code: UInt8) -> Int8 {
        Int8(bitPattern: code ^ 0x80)
    }
    // snippet.end
}
