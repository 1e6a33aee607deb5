// Chapter 14 — one output value of a convolution, followed by hand. Its patch is chapter 4's
// input vector and output channel c's filter its row of weights, so chapter 9's NeuronTrace
// (products, bias, M, rounding, clamp) carries over unchanged. `workbook trace IMAGE.png
// --conv K --pixel Y,X --channel C` prints it.

import Ch04ZeroPointMatmul
import Ch09Network

extension ConvolutionLayer {
    /// Channel `channel` of output pixel (y, x) for one input image, step by step.
    public func trace(_ image: [Int32], y: Int, x: Int, channel: Int) -> NeuronTrace {
        let patch = patches.patch(image, y: y, x: x)
        let terms = NeuronTerms(weights, channel: channel, input: patch, inputZeroPoint: scales.inputZeroPoint)
        let accumulator = bias.added(to: terms.sum, channel: channel)
        let requantization = requantizer.steps(accumulator, channel: channel)
        return NeuronTrace(terms: terms, bias: bias.codes[channel], accumulator: accumulator,
                           requantization: requantization, clamp: clamp.steps(requantization.result))
    }

    /// Where element k of pixel (y, x)'s patch is read: an input row, column and channel, the
    /// row or column outside the image where the window hangs over the border (Z_in is read).
    public func patchSource(y: Int, x: Int, element k: Int) -> (row: Int, column: Int, channel: Int, inside: Bool) {
        let channels = input.channels
        let (tap, channel) = (k / channels, k % channels)
        let geometry = patches.geometry
        let row = geometry.height.inputPosition(output: y, tap: tap / geometry.width.window)
        let column = geometry.width.inputPosition(output: x, tap: tap % geometry.width.window)
        return (row, column, channel, (0..<input.height).contains(row) && (0..<input.width).contains(column))
    }
}
