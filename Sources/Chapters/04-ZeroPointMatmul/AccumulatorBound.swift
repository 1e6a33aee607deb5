// Chapter 4 — how wide the accumulator must be: the worst case over every input the layer's
// input type can hold, with the real weights.

import Foundation

/// The extreme accumulators a layer can produce before its bias, over every input its type
/// can hold, and how many bits hold them.
public struct AccumulatorBound: Sendable, Equatable {
    /// The largest and the smallest Σ_k (q_w − Z_w)(q_in − Z_in): each term at whichever end
    /// of the input range makes it largest (smallest). With Z_in at the bottom of the range,
    /// as for ReLU outputs, q_in − Z_in is never negative, and the smallest sum comes from
    /// the negative weights alone.
    public let largest: Int64
    public let smallest: Int64

    // snippet.bound
    public init(_ weights: QuantizedWeights, inputRange: ClosedRange<Int32>, inputZeroPoint: Int32) {
        let low = Int64(inputRange.lowerBound - inputZeroPoint), high = Int64(inputRange.upperBound - inputZeroPoint)
        var (largest, smallest) = (Int64.min, Int64.max)
        for channel in 0..<weights.outputCount {
            var (most, least) = (Int64(0), Int64(0))
            for code in weights.row(channel) {
                let weight = Int64(code - weights.zeroPoints[channel])
                most += max(weight * low, weight * high)
                least += min(weight * low, weight * high)
            }
            (largest, smallest) = (max(largest, most), min(smallest, least))
        }
        (self.largest, self.smallest) = (largest, smallest)
    }

    /// The largest magnitude, and the bits of a two's-complement integer that hold it.
    public var magnitude: Int64 { max(abs(largest), abs(smallest)) }
    public var bits: Int { magnitude == 0 ? 1 : 64 - magnitude.leadingZeroBitCount + 1 }
    // snippet.end

    /// Whether int32 arithmetic is exact for this layer (with room for the bias).
    public var fitsInt32: Bool { magnitude < Int64(Int32.max) / 2 }
}
