// Chapter 15 — MAX_POOL_2D: the largest code under the window, clamped to the fused
// activation's range. No arithmetic: the codes of one quantization keep the order of the reals
// they stand for (S > 0), so the largest code is the code of the largest real. Taps over the
// padding are skipped, not read as Z_in. TFLite: reference_integer_ops::MaxPool (int8),
// reference_ops::MaxPool (uint8), tflite/kernels/pooling.cc.

import Ch01TFLiteFile
import Ch06Requantize
import Ch09Network
import Ch14Convolution

public struct MaxPool: Sendable, ImageOperator {
    public let window: PoolingWindow

    public init(window: PoolingWindow) { self.window = window }

    public var readCount: Int { window.input.count }
    public var writtenCount: Int { window.output.count }

    // snippet.max-pool
    public func apply(_ codes: [Int32]) -> (outputs: [Int32], accumulators: [Int32]?) {
        (window.pool(codes) { $0.max() ?? window.clamp.minimum }, nil)  // a window always has a tap on the image
    }
    // snippet.end
}
