// Chapter 14 — where a window sits: the output size and the padding of a convolution or a
// pooling window, computed the way TFLite computes them (tflite/kernels/padding.h,
// ComputeOutSize and ComputePaddingHeightWidth), so that every output pixel reads the same
// input pixels as TFLite's. Prose: chapters/14-convolution.md.
//
//   effective window   e = (k − 1)·d + 1                     (dilation d spreads the taps)
//   SAME               out = ⌈in / s⌉        = (in + s − 1) / s
//   VALID              out = ⌈(in − e + 1) / s⌉ = (in + s − e) / s
//   padding total      p = max((out − 1)·s + e − in, 0)
//   before, after      ⌊p/2⌋, and ⌊p/2⌋ + p mod 2: an odd total puts the extra row at the
//                      bottom and the extra column at the right.

import Ch01TFLiteFile

/// One dimension (height or width) of a window sliding over an image.
public struct WindowAxis: Sendable, Equatable {
    public let inputSize: Int
    public let window: Int
    public let stride: Int
    public let dilation: Int
    public let outputSize: Int
    /// Rows (or columns) of padding before the first input pixel; the first window starts there.
    public let paddingBefore: Int
    /// Padding after the last input pixel: paddingBefore, plus 1 for an odd total.
    public let paddingAfter: Int

    // snippet.window-axis
    public init(inputSize: Int, window: Int, stride: Int, dilation: Int = 1, padding: Padding) {
        let effective = (window - 1) * dilation + 1
        let output = switch padding {
        case .same: (inputSize + stride - 1) / stride
        case .valid: (inputSize + stride - effective) / stride
        }
        let total = max((output - 1) * stride + effective - inputSize, 0)
        (self.inputSize, self.window, self.stride, self.dilation) = (inputSize, window, stride, dilation)
        (outputSize, paddingBefore, paddingAfter) = (output, total / 2, total / 2 + total % 2)
    }
    // snippet.end

    /// The input position of tap `tap` of the window at output position `output`; it lies
    /// outside 0..<inputSize where the window hangs over the padding.
    public func inputPosition(output: Int, tap: Int) -> Int {
        output * stride - paddingBefore + tap * dilation
    }
}

/// Both dimensions of a window over an NHWC image of batch 1.
public struct WindowGeometry: Sendable, Equatable {
    public let height: WindowAxis
    public let width: WindowAxis

    public init(height: WindowAxis, width: WindowAxis) { (self.height, self.width) = (height, width) }

    /// The window of a convolution with `options` over an input of `inputHeight × inputWidth`.
    public init(inputHeight: Int, inputWidth: Int, windowHeight: Int, windowWidth: Int, options: ConvolutionOptions) {
        height = WindowAxis(inputSize: inputHeight, window: windowHeight, stride: options.strideHeight,
                            dilation: options.dilationHeight, padding: options.padding)
        width = WindowAxis(inputSize: inputWidth, window: windowWidth, stride: options.strideWidth,
                           dilation: options.dilationWidth, padding: options.padding)
    }

    /// The window of a pooling operator.
    public init(inputHeight: Int, inputWidth: Int, options: PoolOptions) {
        height = WindowAxis(inputSize: inputHeight, window: options.filterHeight, stride: options.strideHeight, padding: options.padding)
        width = WindowAxis(inputSize: inputWidth, window: options.filterWidth, stride: options.strideWidth, padding: options.padding)
    }

    public var outputPixels: Int { height.outputSize * width.outputSize }
    public var taps: Int { height.window * width.window }
}
