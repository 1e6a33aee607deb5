// Chapter 15 — what every pooling operator shares: a window over one channel at a time, input
// and output in the same quantization (TFLite's Prepare insists on it for MAX_POOL_2D and
// AVERAGE_POOL_2D: the codes are compared and averaged as they are, no scale in between), and
// a fused activation applied as chapter 7's clamp. Prose: chapters/15-pooling.md.

import Ch01TFLiteFile
import Ch06Requantize
import Ch07Clamp
import Ch14Convolution

/// A pooling window prepared: shapes, geometry, and the clamp of its fused activation.
public struct PoolingWindow: Sendable {
    public let operatorIndex: Int
    public let options: PoolOptions
    public let input: ImageShape
    public let output: ImageShape
    public let geometry: WindowGeometry
    public let clamp: OutputClamp

    public init(_ op: Operator, name: String, options: PoolOptions, model: Model, family: KernelFamily) throws {
        let what = "operator \(op.index) (\(name))"
        guard op.inputs.count == 1, op.inputs[0] >= 0, op.outputs.count == 1 else {
            throw ConvolutionError("\(what) needs one input and one output tensor")
        }
        let (source, target) = (model.main.tensors[op.inputs[0]], model.main.tensors[op.outputs[0]])
        guard let input = ImageShape(source), let output = ImageShape(target), input.channels == output.channels else {
            throw ConvolutionError("\(what) reads \(source.shape) and writes \(target.shape); pooling keeps the channels of a [1, H, W, C] image")
        }
        guard source.type == target.type, source.type == .int8 || source.type == .uint8,
              let from = source.quantization, let to = target.quantization else {
            throw ConvolutionError("\(what) reads \(source.type) and writes \(target.type); the workbook pools quantized int8 or uint8 images")
        }
        // tflite/kernels/pooling.cc (Prepare): the same scale and zero point on both sides.
        guard from.scales.first == to.scales.first, from.zeroPoints.first == to.zeroPoints.first else {
            throw ConvolutionError("\(what) reads S = \(from.scales.first ?? 0), Z = \(from.zeroPoints.first ?? 0) and writes S = \(to.scales.first ?? 0), Z = \(to.zeroPoints.first ?? 0); TFLite pools only within one quantization")
        }
        geometry = WindowGeometry(inputHeight: input.height, inputWidth: input.width, options: options)
        guard geometry.height.outputSize == output.height, geometry.width.outputSize == output.width else {
            throw ConvolutionError("\(what): its window gives a \(geometry.height.outputSize)×\(geometry.width.outputSize) output, but its output tensor is \(output.height)×\(output.width)")
        }
        (operatorIndex, self.options, self.input, self.output) = (op.index, options, input, output)
        do {
            clamp = try OutputClamp(outputType: target.type, zeroPoint: to.zeroPoints.first ?? 0, scale: to.scales.first ?? 0,
                                    activation: options.fusedActivation, family: family)
        } catch {
            throw ConvolutionError("\(what): \(error)")
        }
    }

    /// The codes of channel `channel` under the window of output pixel (y, x), on the image only.
    public func window(_ image: [Int32], y: Int, x: Int, channel: Int) -> [Int32] {
        var values: [Int32] = []
        for tapY in 0..<geometry.height.window {
            let row = geometry.height.inputPosition(output: y, tap: tapY)
            guard (0..<input.height).contains(row) else { continue }
            for tapX in 0..<geometry.width.window {
                let column = geometry.width.inputPosition(output: x, tap: tapX)
                guard (0..<input.width).contains(column) else { continue }
                values.append(image[input.index(y: row, x: column, channel: channel)])
            }
        }
        return values
    }

    /// Every output code, [H][W][C], from what `reduce` makes of each window.
    func pool(_ image: [Int32], _ reduce: ([Int32]) -> Int32) -> [Int32] {
        var outputs: [Int32] = []
        outputs.reserveCapacity(output.count)
        for y in 0..<output.height {
            for x in 0..<output.width {
                for channel in 0..<output.channels {
                    // A code already in the output's quantization: only the activation's clamp.
                    let code = reduce(window(image, y: y, x: x, channel: channel))
                    outputs.append(min(max(code, clamp.minimum), clamp.maximum))
                }
            }
        }
        return outputs
    }
}
