// Chapter 17 — what hardware/c/convolutional.c computes, in Swift, from the contract's
// integers alone: no model, no chapter 14 or 15 code. For output pixel (y, x), tap (i, j)
// reads input row y·stride − top + i·dilation and column x·stride − left + j·dilation; a tap
// outside the image is skipped (in the convolutions it would read Z1, which adds 0):
//   CONV_2D            acc[o] = bias[o] + Σ_{i,j,k} (w[o][i][j][k] − Zw[o]) · (in[r][s][k] − Z1)
//   DEPTHWISE_CONV_2D  acc[o] = bias[o] + Σ_{i,j}   (w[0][i][j][o] − Zw[o]) · (in[r][s][o / m] − Z1)
//   FULLY_CONNECTED    the CONV_2D of a 1×1 image
//   MEAN               acc[c] = Σ_{r,s} (in[r][s][c] − Z1)
//   then q = clamp(Z3 + MultiplyByQuantizedMultiplier(acc, M0, shift)), the layer's rounding;
//   MAX_POOL_2D        q = clamp(max of the taps on the image)
//   AVERAGE_POOL_2D    q = clamp((15.1): their sum / their count, rounded, ties away from zero)

import Ch06Requantize
import Ch14Convolution
import Ch15Pooling

extension ImageLayerContract {
    /// The int32 accumulators (empty for the poolings) and the output codes, [H][W][C].
    public func evaluate(_ image: [Int32]) -> (accumulators: [Int32], outputs: [Int32]) {
        precondition(image.count == input.count, "the layer reads \(input.count) codes, not \(image.count)")
        var accumulators: [Int32] = [], outputs: [Int32] = []
        for y in 0..<output.height {
            for x in 0..<output.width {
                for o in 0..<output.channels {
                    let taps = self.taps(y: y, x: x)
                    if kind.multiplies {
                        let accumulator = self.accumulator(image, taps, channel: o)
                        let multiplier = FixedPointMultiplier((multipliers[o], Int(shifts[o])))
                        accumulators.append(accumulator)
                        outputs.append(clamped(Int64(rounding.requantize(accumulator, multiplier)) + Int64(outputZeroPoint)))
                    } else {
                        let codes = taps.map { image[input.index(y: $0.row, x: $0.column, channel: o)] }
                        let code = kind == .maxPool ? codes.max()! : roundedMean(sum: codes.reduce(0, +), count: Int32(codes.count))
                        outputs.append(clamped(Int64(code)))
                    }
                }
            }
        }
        return (accumulators, outputs)
    }

    /// The window's taps of output pixel (y, x) that lie on the image, with their tap index.
    func taps(y: Int, x: Int) -> [(tap: Int, row: Int, column: Int)] {
        var taps: [(tap: Int, row: Int, column: Int)] = []
        for i in 0..<windowHeight {
            let row = y * strideHeight - paddingTop + i * dilationHeight
            for j in 0..<windowWidth {
                let column = x * strideWidth - paddingLeft + j * dilationWidth
                if (0..<input.height).contains(row), (0..<input.width).contains(column) { taps.append((i * windowWidth + j, row, column)) }
            }
        }
        return taps
    }

    func accumulator(_ image: [Int32], _ taps: [(tap: Int, row: Int, column: Int)], channel o: Int) -> Int32 {
        let zeroPoint = inputZeroPoint
        switch kind {
        case .mean:
            return taps.reduce(Int32(0)) { $0 + image[input.index(y: $1.row, x: $1.column, channel: o)] - zeroPoint }
        case .depthwise:
            return taps.reduce(bias[o]) { sum, tap in
                sum + (weights[tap.tap * output.channels + o] - weightZeroPoints[o])
                    * (image[input.index(y: tap.row, x: tap.column, channel: o / depthMultiplier)] - zeroPoint)
            }
        default:  // CONV_2D and FULLY_CONNECTED: weights [O][KH·KW][I]
            let rowLength = windowHeight * windowWidth * input.channels
            return taps.reduce(bias[o]) { sum, tap in
                (0..<input.channels).reduce(sum) { sum, k in
                    sum + (weights[o * rowLength + tap.tap * input.channels + k] - weightZeroPoints[o])
                        * (image[input.index(y: tap.row, x: tap.column, channel: k)] - zeroPoint)
                }
            }
        }
    }

    func clamped(_ value: Int64) -> Int32 { Int32(min(max(value, Int64(outputMinimum)), Int64(outputMaximum))) }
}

extension ConvolutionalContract {
    /// Every layer on one input image, each reading what the one before it wrote.
    public func evaluate(_ input: [Int32]) -> [(accumulators: [Int32], outputs: [Int32])] {
        var codes = input
        return layers.map { layer in
            let result = layer.evaluate(codes)
            codes = result.outputs
            return result
        }
    }
}
