// Chapter 15 — AVERAGE_POOL_2D: the mean of the codes under the window, rounded to an integer.
// Input and output share S and Z, so the mean of the codes is the code of the mean of the
// reals (Z cancels: mean(q) − Z = mean(q − Z)). The only arithmetic is the division by the
// number of taps on the image n (taps over the padding are not counted), rounded to nearest
// with ties away from zero:
//   (15.1)  q = (Σq + n/2) / n   for Σq > 0,    (Σq − n/2) / n   otherwise   (C division)
// TFLite: reference_integer_ops::AveragePool (int8), reference_ops::AveragePool (uint8, whose
// sums are never negative), tflite/kernels/pooling.cc.

import Ch01TFLiteFile
import Ch06Requantize
import Ch09Network
import Ch14Convolution

public struct AveragePool: Sendable, ImageOperator {
    public let window: PoolingWindow
    public let family: KernelFamily

    public init(window: PoolingWindow, family: KernelFamily) { (self.window, self.family) = (window, family) }

    public var readCount: Int { window.input.count }
    public var writtenCount: Int { window.output.count }

    public func apply(_ codes: [Int32]) -> (outputs: [Int32], accumulators: [Int32]?) {
        (window.pool(codes) { roundedMean(sum: $0.reduce(0, +), count: Int32($0.count)) }, nil)
    }
}

// snippet.rounded-mean
/// (15.1): Σq / n to the nearest integer, ties away from zero; Swift's `/` truncates toward
/// zero as C's does.
public func roundedMean(sum: Int32, count: Int32) -> Int32 {
    guard count > 0 else { return 0 }
    return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count
}
// snippet.end
