// Chapter 13 — the zero points, folded away before the first image, so that the inner loop is
// a plain dot product of bytes. Equation numbers continue chapter 4's (4.1) and (4.2).
//
// The fastest integer instruction, vpdpbusd, multiplies an *unsigned* byte by a *signed* one.
// So the engine stores every activation as u = q_in + o_in (o_in = 128 for int8, 0 for uint8)
// and every weight as s = q_w − o_w (o_w = 128 for uint8 weights, 0 for int8). With
// a[c] = o_w − Z_w[c] and b = o_in + Z_in, chapter 4's sum becomes
//   (13.1) acc[c] = Σ_k (s[c,k] + a[c])·(u[k] − b) + bias[c]
//                 = Σ_k s[c,k]·u[k]  +  (bias[c] − b·Σ_k s[c,k] − K·a[c]·b)  +  a[c]·Σ_k u[k]
//                   the inner loop      the folded bias, once per layer         once per image
// For today's int8 models Z_w = 0, so a[c] = 0 and the last term vanishes: the kernel is the
// dot product plus a bias, as XNNPACK's qs8 kernels are. For legacy uint8 it is gemmlowp's
// "Z2 term", one sum of the image's bytes, K additions against K·N multiplications.
// XNNPACK: src/reference/packing.cc (xnn_pack_qs8_gemm_goi_w, with its 128·Σw for the VNNI
// kernels' unsigned input); gemmlowp: doc/low-precision.md, "the four terms".

import Ch01TFLiteFile
import Ch04ZeroPointMatmul
import Ch05Bias

/// Why a layer does not fit the fast engine's bytes.
public struct FastEngineError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The offset that makes an 8-bit code unsigned (activations) or signed (weights).
func unsignedOffset(_ type: TensorType) throws -> Int32 {
    switch type {
    case .int8: 128
    case .uint8: 0
    default: throw FastEngineError("the fast engine computes 8-bit codes, not \(type)")
    }
}

/// One layer's integers after (13.1): the signed weight bytes and the two correction terms.
public struct FoldedZeroPoints: Sendable, Equatable {
    /// s[c][k] = q_w − o_w, [outputCount][inputCount] row-major, each in −128…127.
    public let signedWeights: [Int8]
    /// bias[c] − b·Σ_k s[c,k] − K·a[c]·b, in int32 that wraps (see `accumulator`).
    public let foldedBias: [Int32]
    /// a[c] = o_w − Z_w[c], the factor of Σ_k u[k]: 0 for every channel of an int8 layer.
    public let inputSumFactor: [Int32]
    /// o_in, added to each input code to make it an unsigned byte.
    public let inputOffset: Int32

    public var needsInputSum: Bool { inputSumFactor.contains { $0 != 0 } }

    // snippet.fold
    public init(weights: QuantizedWeights, weightType: TensorType, bias: QuantizedBias,
                inputType: TensorType, inputZeroPoint: Int32) throws {
        let weightOffset: Int32 = weightType == .uint8 ? 128 : 0
        inputOffset = try unsignedOffset(inputType)
        let b = inputOffset + inputZeroPoint  // u − b = q_in − Z_in
        let count = Int32(weights.inputCount)
        signedWeights = try weights.codes.map { code in
            guard let byte = Int8(exactly: code - weightOffset) else {
                throw FastEngineError("a \(weightType) weight code \(code) does not fit a byte")
            }
            return byte
        }
        inputSumFactor = weights.zeroPoints.map { weightOffset - $0 }
        // Wrapping: a term alone may leave int32; the accumulator they add up to does not.
        foldedBias = (0..<weights.outputCount).map { [signedWeights, inputSumFactor] channel in
            let row = channel * weights.inputCount
            let weightSum = signedWeights[row..<(row + weights.inputCount)].reduce(Int32(0)) { $0 &+ Int32($1) }
            return bias.codes[channel] &- b &* weightSum &- count &* inputSumFactor[channel] &* b
        }
    }
    // snippet.end

    // snippet.folded-accumulator
    /// (13.1) for one channel, the way the kernels add it up: every operation wraps modulo
    /// 2^32, as vpdpbusd and vpaddd do. Chapter 9 proved at preparation that the true
    /// accumulator fits int32 (AccumulatorBound), and a sum taken modulo 2^32 that is known
    /// to fit int32 is the true sum, whatever its terms did on the way.
    public func accumulator(channel: Int, unsignedInput: [UInt8]) -> Int32 {
        let count = unsignedInput.count
        var dot: Int32 = 0
        var inputSum: Int32 = 0
        for k in 0..<count {
            dot = dot &+ Int32(signedWeights[channel * count + k]) &* Int32(unsignedInput[k])
            inputSum = inputSum &+ Int32(unsignedInput[k])
        }
        return dot &+ foldedBias[channel] &+ inputSumFactor[channel] &* inputSum
    }
    // snippet.end
}
