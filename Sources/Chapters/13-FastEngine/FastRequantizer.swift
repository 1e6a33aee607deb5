// Chapter 13 — chapters 6 and 7 for a whole row of accumulators at once: M·acc in the
// family's arithmetic, plus Z3, clamped, stored as the next layer's unsigned byte. The
// multipliers are the ones chapter 6 formed (the layer's own Requantizer), laid out one per
// channel so that a vector instruction reads 8 or 16 of them at once. On AVX-512 the C
// kernels in Sources/CFastKernels/requantize_avx512.c compute them; elsewhere each channel goes
// through chapter 6's and chapter 7's own functions, so that path is the readable network's.

import CFastKernels
import Ch06Requantize
import Ch07Clamp

/// One layer's requantization, prepared for rows of accumulators.
public struct FastRequantizer: Sendable {
    public let requantizer: Requantizer
    public let clamp: OutputClamp
    /// o_out: 128 when the layer writes int8 (so that the next layer reads unsigned bytes), 0 for uint8.
    public let outputOffset: Int32
    let channels: Int
    /// The multipliers, one per channel, in the form the family keeps them.
    let parameters: Parameters

    enum Parameters: Sendable {
        case inFloat32([Float])
        case inDouble([Double])
        case fixedPoint(multiplier: [Int32], leftShift: [Int32], rightShift: [Int32], tiesAway: Bool)
    }

    public init(requantizer: Requantizer, clamp: OutputClamp, channels: Int) throws {
        (self.requantizer, self.clamp, self.channels) = (requantizer, clamp, channels)
        outputOffset = try unsignedOffset(clamp.outputType)
        // One multiplier per channel: a per-tensor layer's single one, repeated.
        let slots = (0..<channels).map { requantizer.isPerChannel ? $0 : 0 }
        switch requantizer.arithmetic {
        case .inFloat32(let multipliers):
            parameters = .inFloat32(slots.map { multipliers[$0] })
        case .inDouble(let multipliers):
            parameters = .inDouble(slots.map { multipliers[$0] })
        case .fixedPoint(let multipliers, let rounding):
            let each = slots.map { multipliers[$0] }
            parameters = .fixedPoint(multiplier: each.map(\.multiplier), leftShift: each.map { Int32(max($0.shift, 0)) },
                                     rightShift: each.map { Int32(max(-$0.shift, 0)) }, tiesAway: rounding.family == .micro)
        }
    }

    /// One row: `channels` accumulators into as many bytes (code + o_out).
    public func apply(_ accumulators: UnsafePointer<Int32>, into bytes: UnsafeMutablePointer<UInt8>, path: InstructionPath) {
        let (z3, lo, hi, offset, n) = (clamp.zeroPoint, clamp.minimum, clamp.maximum, outputOffset, Int32(channels))
        guard path == .avx512VNNI else { return portableApply(accumulators, into: bytes) }
        switch parameters {
        case .inFloat32(let scales):
            fk_requantize_float32_avx512(accumulators, n, scales, z3, lo, hi, offset, bytes)
        case .inDouble(let multipliers):
            fk_requantize_double_avx512(accumulators, n, multipliers, z3, lo, hi, offset, bytes)
        case .fixedPoint(let multipliers, let left, let right, let tiesAway):
            fk_requantize_fixed_avx512(accumulators, n, multipliers, left, right, tiesAway ? 1 : 0, z3, lo, hi, offset, bytes)
        }
    }

    // snippet.portable-requantize
    /// Chapter 9's layer, channel by channel: chapter 6's M·acc, then chapter 7's clamp.
    func portableApply(_ accumulators: UnsafePointer<Int32>, into bytes: UnsafeMutablePointer<UInt8>) {
        for channel in 0..<channels {
            let code = clamp.apply(requantizer.scaled(accumulators[channel], channel: channel))
            bytes[channel] = UInt8(truncatingIfNeeded: code + outputOffset)  // 0…255 by the clamp
        }
    }
    // snippet.end
}
