// Chapter 14 — an image as TFLite lays it out: NHWC, batch 1, row after row, and in each pixel
// its channels one after another. Index (y, x, c) is (y·W + x)·C + c.

import Ch01TFLiteFile

/// The height, width and channels of a [1, H, W, C] tensor.
public struct ImageShape: Sendable, Equatable, CustomStringConvertible {
    public let height: Int
    public let width: Int
    public let channels: Int

    public init(height: Int, width: Int, channels: Int) { (self.height, self.width, self.channels) = (height, width, channels) }

    /// A tensor's shape read as [1, H, W, C]; nil for any other shape.
    public init?(_ tensor: Tensor) {
        guard tensor.shape.count == 4, tensor.shape[0] == 1, tensor.shape.dropFirst().allSatisfy({ $0 > 0 }) else { return nil }
        self.init(height: tensor.shape[1], width: tensor.shape[2], channels: tensor.shape[3])
    }

    public var count: Int { height * width * channels }

    public func index(y: Int, x: Int, channel: Int) -> Int { (y * width + x) * channels + channel }

    public var description: String { "\(height)×\(width)×\(channels)" }
}

/// Why a part-two operator cannot be prepared: named by operator, said in one line.
public struct ConvolutionError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
