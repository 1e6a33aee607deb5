// Chapter 9 — QUANTIZE and DEQUANTIZE, the operators at the edges of a model whose input or
// output type is not the type it computes in.
// TFLite: tflite/kernels/quantize.cc, dequantize.cc; reference/quantize.h (AffineQuantize),
// reference/requantize.h, reference/dequantize.h; optimized/optimized_ops.h (AffineQuantize,
// Requantize); XNNPACK f32-qs8-vcvt and qs8/qu8-vcvt kernels when the delegate takes them.

import Ch01TFLiteFile
import Ch02Affine
import Ch06Requantize
import Foundation

/// QUANTIZE from float32 reals to 8-bit codes (the first operator of a float-I/O model).
public struct QuantizeFromFloat: Sendable {
    public let output: AffineQuantization
    public let family: KernelFamily

    // snippet.quantize-float
    public func callAsFunction(_ reals: [Float]) -> [Int32] {
        switch family {
        case .reference, .micro:
            // reference_ops::AffineQuantize: ties-away(f32(x / S)) + Z, clamped (chapter 2).
            return reals.map { output.quantize($0) }
        case .optimized, .xnnpack:
            // NEON (vcvtnq after vmulq) and XNNPACK's f32→qs8 convert both multiply by the
            // float32 reciprocal of S and round half to even.
            let reciprocal = 1 / output.scale
            return reals.map { real in
                let steps = (real * reciprocal).rounded(.toNearestOrEven)
                let code = Double(steps) + Double(output.zeroPoint)
                return Int32(min(max(code, Double(output.codeRange.lowerBound)), Double(output.codeRange.upperBound)))
            }
        }
    }
    // snippet.end
}

/// QUANTIZE from 8-bit codes to 8-bit codes of another (S, Z), e.g. uint8 → int8.
public struct Requantize: Sendable {
    public let input: AffineQuantization
    public let output: AffineQuantization
    public let family: KernelFamily
    let multiplier: (multiplier: Int32, shift: Int)

    // snippet.requantize
    public init(input: AffineQuantization, output: AffineQuantization, family: KernelFamily) {
        (self.input, self.output, self.family) = (input, output, family)
        multiplier = quantizeMultiplier(Double(input.scale) / Double(output.scale))
    }

    /// Same scale, zero points 128 apart: uint8 ↔ int8 is q − Z_in + Z_out, exactly (chapter 2's
    /// +128 relation; TFLite flips the top bit).
    var isShiftBy128: Bool {
        input.scale == output.scale && abs(input.zeroPoint - output.zeroPoint) == 128 && input.type != output.type
    }

    public func callAsFunction(_ codes: [Int32]) -> [Int32] {
        let (low, high) = (output.codeRange.lowerBound, output.codeRange.upperBound)
        if isShiftBy128 { return codes.map { $0 - input.zeroPoint + output.zeroPoint } }
        if family == .xnnpack && input.type == output.type {
            // XNNPACK's convert: M = lrintf(256·S_in/S_out), y = floor(((q − Z_in)·M + 128) / 256).
            let scale = Int64((256 * (input.scale / output.scale)).rounded(.toNearestOrEven))
            return codes.map { code in
                let scaled = ((Int64(code) - Int64(input.zeroPoint)) * scale + 128) >> 8
                return Int32(min(max(scaled + Int64(output.zeroPoint), Int64(low)), Int64(high)))
            }
        }
        // reference_ops::Requantize (and the scalar tail of the optimized one, which is all of
        // it below 16 values): MultiplyByQuantizedMultiplier(q − Z_in) + Z_out, clamped.
        let blocked = family == .optimized ? codes.count / 16 * 16 : 0
        return codes.enumerated().map { index, code in
            let centered = code - input.zeroPoint
            let scaled = index < blocked
                ? multiplyByQuantizedMultiplierTiesUp(centered, multiplier: multiplier.multiplier, shift: multiplier.shift)
                : multiplyByQuantizedMultiplier(centered, multiplier: multiplier.multiplier, shift: multiplier.shift)
            return min(max(scaled + output.zeroPoint, low), high)
        }
    }
    // snippet.end
}

/// DEQUANTIZE: r = S·(q − Z), chapter 2's (2.1): a double product, exact for 8-bit codes, rounded
/// once to float32. Except in the optimized kernel's NEON blocks of 8 (optimized_ops.h
/// Dequantize, through NEON_2_SSE on x86), which compute vmlaq_f32(f32(−Z·S), q, S): a float32
/// product, rounded, plus f32(−Z·S), rounded again; its tail of fewer than 8 codes is (2.1).
/// Two roundings differ from one on some codes: a DEQUANTIZE of logits shows it (found by
/// ports/numpy/port.py on a model neither had seen; models/own/relu6-logits-minus1to1-float-io).
public struct Dequantize: Sendable {
    public let input: AffineQuantization
    public let family: KernelFamily

    public init(input: AffineQuantization, family: KernelFamily) { (self.input, self.family) = (input, family) }

    // snippet.dequantize-blocks
    public func callAsFunction(_ codes: [Int32]) -> [Float] {
        let blocked = family == .optimized ? codes.count / 8 * 8 : 0
        let offset = Float(-Double(input.zeroPoint) * Double(input.scale))  // f32(−Z·S), once
        return codes.enumerated().map { index, code in
            index < blocked ? Float(code) * input.scale + offset : input.dequantize(code)
        }
    }
    // snippet.end
}
