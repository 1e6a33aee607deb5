// Chapter 6 — the requantization of one FULLY_CONNECTED layer: equation (6.3), M = S1·S2/S3,
// formed once per output channel the way each kernel family forms it, then applied to every
// accumulator by FamilyArithmetic.swift. S3 is the scale of the layer's *output tensor*.
// Prose: chapters/06-requantize.md.
//
// Where each family forms M (the rounding of the scales matters, not just of the product):
//   reference  double(S1)·double(S2[c]) / double(S3)                      LiteRT reference FC
//   optimized  per channel as reference, then QuantizeMultiplier;          tflite/kernels/fully_connected.cc
//              per tensor double(f32(S1·S2)) / double(S3) first            kernel_util.cc GetQuantizedConvolutionMultipler
//   micro      as optimized (tflite-micro fully_connected_common.cc CalculateOpDataFullyConnected)
//   xnnpack    f32(f32(S1·S2[c]) / S3), per channel or per tensor         XNNPACK src/operators/fully-connected-nc.c

import Ch01TFLiteFile

/// One output channel's multiplier, in the form its family keeps it.
public enum ChannelMultiplier: Sendable, Equatable, CustomStringConvertible {
    /// reference: the double S1·S2[c]/S3.
    case double(Double)
    /// optimized and micro: M0 and shift from QuantizeMultiplier, M ≈ M0 · 2^(shift − 31).
    case fixedPoint(multiplier: Int32, shift: Int)
    /// xnnpack: S1·S2[c]/S3 with every step rounded to float32.
    case float(Float)

    public var description: String {
        switch self {
        case .double(let value): "M = \(value) (double)"
        case .fixedPoint(let multiplier, let shift): "M0 = \(multiplier), shift = \(shift)"
        case .float(let value): "M = \(value) (float32)"
        }
    }

    /// The real number this multiplier stands for, widened to Double.
    public var value: Double {
        switch self {
        case .double(let value): value
        case .fixedPoint(let multiplier, let shift): Double(multiplier) * Double(sign: .plus, exponent: shift - 31, significand: 1)
        case .float(let value): Double(value)
        }
    }
}

/// Why a layer cannot be requantized.
public struct RequantizationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// M = S1·S2/S3 for every output channel of a layer, as one family of kernels computes it.
public struct Requantizer: Sendable {
    /// S1, the input tensor's scale.
    public let inputScale: Float
    /// S2: one per output channel, or a single one for per-tensor weights.
    public let weightScales: [Float]
    /// S3, the output tensor's scale.
    public let outputScale: Float
    /// The family and its multipliers, one per weight scale, in the only form that family
    /// keeps them: a family cannot hold another family's multiplier.
    public let arithmetic: Arithmetic

    public enum Arithmetic: Sendable, Equatable {
        /// reference: the double S1·S2[c]/S3.
        case inDouble([Double])
        /// optimized (ties up) and micro (ties away from zero): M0 and shift.
        case fixedPoint([FixedPointMultiplier], FinalRounding)
        /// xnnpack: S1·S2[c]/S3 with every step rounded to float32.
        case inFloat32([Float])
    }

    public init(inputScale: Float, weightScales: [Float], outputScale: Float, family: KernelFamily) {
        precondition(!weightScales.isEmpty, "a quantized layer has at least one weight scale")
        (self.inputScale, self.weightScales, self.outputScale) = (inputScale, weightScales, outputScale)
        arithmetic = Self.multipliers(inputScale, weightScales, outputScale, family: family)
    }

    /// Multipliers another operator's Prepare formed its own way (part two's convolutions form
    /// M per channel where FULLY_CONNECTED forms it per tensor; chapter 14).
    public init(inputScale: Float, weightScales: [Float], outputScale: Float, arithmetic: Arithmetic) {
        precondition(!weightScales.isEmpty, "a quantized layer has at least one weight scale")
        (self.inputScale, self.weightScales, self.outputScale, self.arithmetic) = (inputScale, weightScales, outputScale, arithmetic)
    }

    // snippet.forming-m
    /// Each family's M for every channel: same three float32 scales, different roundings.
    static func multipliers(_ s1: Float, _ s2: [Float], _ s3: Float, family: KernelFamily) -> Arithmetic {
        let perTensor = s2.count == 1
        if let rounding = FinalRounding(family: family) {  // optimized, micro
            let fixed = s2.map { s2 in
                // Per tensor, TFLite's GetQuantizedConvolutionMultipler forms S1·S2 in float32 first.
                let real = perTensor ? Double(s1 * s2) / Double(s3) : inDouble(s1, s2, s3)
                return FixedPointMultiplier(quantizeMultiplier(real))
            }
            return .fixedPoint(fixed, rounding)
        }
        if family == .xnnpack {
            return .inFloat32(s2.map { s1 * $0 / s3 })  // Float: each operation rounded to float32
        }
        return .inDouble(s2.map { inDouble(s1, $0, s3) })
    }

    /// S1·S2/S3 with the float32 scales widened to Double: the reference family's M, and the
    /// value every family approximates.
    static func inDouble(_ s1: Float, _ s2: Float, _ s3: Float) -> Double { Double(s1) * Double(s2) / Double(s3) }
    // snippet.end

    /// The scales of a quantized FULLY_CONNECTED (chapter 1's LayerScales).
    public init(layer: LayerScales, family: KernelFamily) throws {
        guard let s1 = layer.inputScale, let s3 = layer.outputScale, !layer.weightScales.isEmpty else {
            throw RequantizationError("operator \(layer.operatorIndex) is not quantized: its input, weights and output need scales")
        }
        self.init(inputScale: s1, weightScales: layer.weightScales, outputScale: s3, family: family)
    }

    public var family: KernelFamily {
        switch arithmetic {
        case .inDouble: .reference
        case .fixedPoint(_, let rounding): rounding.family
        case .inFloat32: .xnnpack
        }
    }

    public var isPerChannel: Bool { weightScales.count > 1 }

    /// The index of a channel's multiplier: its own, or the only one of per-tensor weights.
    func slot(_ channel: Int) -> Int { isPerChannel ? channel : 0 }

    /// The multiplier of output channel `channel` (the only one, for per-tensor weights).
    public func multiplier(channel: Int) -> ChannelMultiplier {
        switch arithmetic {
        case .inDouble(let values): .double(values[slot(channel)])
        case .fixedPoint(let values, _): .fixedPoint(multiplier: values[slot(channel)].multiplier, shift: values[slot(channel)].shift)
        case .inFloat32(let values): .float(values[slot(channel)])
        }
    }

    /// Every channel's multiplier (one for per-tensor weights), for display.
    public var channels: [ChannelMultiplier] { weightScales.indices.map { multiplier(channel: $0) } }

    /// M = S1·S2[c]/S3 with the float32 scales widened to Double: the value every family
    /// approximates, for display and for measuring errors.
    public func realMultiplier(channel: Int) -> Double {
        Self.inDouble(inputScale, weightScales[slot(channel)], outputScale)
    }

    // snippet.scaled
    /// q3 − Z3 for accumulator `accumulator` (bias included) of output channel `channel`.
    public func scaled(_ accumulator: Int32, channel: Int) -> Int32 {
        switch arithmetic {
        case .inDouble(let multipliers): requantizeInDouble(accumulator, by: multipliers[slot(channel)])
        case .fixedPoint(let multipliers, let rounding): rounding.requantize(accumulator, multipliers[slot(channel)])
        case .inFloat32(let multipliers): requantizeInFloat32(accumulator, by: multipliers[slot(channel)])
        }
    }
    // snippet.end

    /// The same as `scaled`, keeping every step, for a reader (`workbook trace`, the narrations).
    public func steps(_ accumulator: Int32, channel: Int) -> RequantizationSteps {
        switch arithmetic {
        case .inDouble(let multipliers):
            let m = multipliers[slot(channel)]
            return .inDouble(multiplier: m, product: Double(accumulator) * m, result: requantizeInDouble(accumulator, by: m))
        case .fixedPoint(let multipliers, let rounding):
            return .fixedPoint(FixedPointSteps(accumulator, multipliers[slot(channel)], rounding: rounding))
        case .inFloat32(let multipliers):
            let m = multipliers[slot(channel)]
            return .inFloat32(multiplier: m, product: Float(accumulator) * m, result: requantizeInFloat32(accumulator, by: m))
        }
    }
}

/// M0 and shift from QuantizeMultiplier: M ≈ M0 · 2^(shift − 31).
public struct FixedPointMultiplier: Sendable, Equatable {
    public let multiplier: Int32
    public let shift: Int

    public init(_ pair: (multiplier: Int32, shift: Int)) { (multiplier, shift) = pair }
}
