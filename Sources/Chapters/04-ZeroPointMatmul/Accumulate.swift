// Chapter 4 — the zero-point-corrected matrix multiplication, in int32.
//
// Equation numbers follow the prose (chapters/04-zero-point-matmul.md), which follows
// Jacob et al. 2018, eq. 7–8, and gemmlowp's doc/quantization.md:
//   (4.1) acc[c] = Σ_k (q_w[c,k] − Z_w[c]) · (q_in[k] − Z_in)
//   (4.2) acc[c] = Σ q_w·q_in − Z_in·Σ_k q_w[c,k] − Z_w[c]·Σ_k q_in[k] + K·Z_w[c]·Z_in
// TFLite's kernels compute (4.1) with input_offset = −Z_in and weights_offset = −Z_w
// (tflite/kernels/internal/reference/integer_ops/fully_connected.h); XNNPACK computes (4.2)
// with the constant terms folded into the bias (chapter 5). Both are exact in int32.

/// (4.1), the way TFLite's reference kernels write it: subtract the zero points first,
/// then multiply and sum in int32.
// snippet.accumulate
public func accumulate(_ weights: QuantizedWeights, input: [Int32], inputZeroPoint: Int32) -> [Int32] {
    precondition(input.count == weights.inputCount, "the input has \(input.count) values, the weights \(weights.inputCount) columns")
    return weights.codes.withUnsafeBufferPointer { codes in
        input.withUnsafeBufferPointer { input in
            (0..<weights.outputCount).map { channel in
                let row = channel * weights.inputCount
                let weightZeroPoint = weights.zeroPoints[channel]
                var sum: Int32 = 0
                for k in 0..<weights.inputCount {
                    // Both factors fit in 9 bits, their product in 17; the sum stays far
                    // below 2^31 for any layer `AccumulatorBound` accepts.
                    sum += (codes[row + k] - weightZeroPoint) * (input[k] - inputZeroPoint)
                }
                return sum
            }
        }
    }
}
// snippet.end

/// (4.2): the same sums, with the products of raw codes separated from the zero-point terms.
/// Σ_k q_w[c,k] depends only on the weights, so a kernel computes it once, ahead of time.
// snippet.four-terms
public struct ExpandedSums: Sendable, Equatable {
    public let products: Int32       // Σ_k q_w·q_in
    public let weightSum: Int32      // Σ_k q_w[c,k], precomputable
    public let inputSum: Int32       // Σ_k q_in[k]
    public let count: Int32          // K
    public let accumulator: Int32

    public init(row: ArraySlice<Int32>, input: [Int32], weightZeroPoint: Int32, inputZeroPoint: Int32) {
        products = zip(row, input).reduce(0) { $0 + $1.0 * $1.1 }
        (weightSum, inputSum, count) = (row.reduce(0, +), input.reduce(0, +), Int32(input.count))
        accumulator = products - inputZeroPoint * weightSum - weightZeroPoint * inputSum
            + count * weightZeroPoint * inputZeroPoint
    }
}

public func accumulateExpanded(_ weights: QuantizedWeights, input: [Int32], inputZeroPoint: Int32) -> [Int32] {
    (0..<weights.outputCount).map { channel in
        ExpandedSums(row: weights.row(channel), input: input, weightZeroPoint: weights.zeroPoints[channel],
                     inputZeroPoint: inputZeroPoint).accumulator
    }
}
// snippet.end
