// Chapter 13 — running a batch: the pixels of `rows` images in, every tensor an operator
// writes out, a row per image.

import Ch02Affine
import Ch03FloatNetwork
import Ch09Network

/// Everything a batch of images produced: what chapter 9's NetworkRun holds, for each image.
public struct FastRun {
    public let rows: Int
    public let tensors: [Int: BatchTensor]
    /// (operator, tensor written), in operator order: chapter 9's `written`.
    public let written: [(op: Int, tensor: Int)]
    /// For each FULLY_CONNECTED, keyed by its output tensor: [rows][stride] int32, bias included.
    public let accumulators: [Int: (stride: Int, values: [Int32])]
    let outputIndex: Int

    public var output: BatchTensor { tensors[outputIndex]! }

    /// Image `row`'s predicted digit: the largest output, the first on a tie.
    public func prediction(row: Int) -> Int { output.indexOfMaximum(row: row) }

    /// Image `row`'s accumulators of the layer writing `tensor`.
    public func accumulators(tensor: Int, row: Int, count: Int) -> [Int32] {
        let (stride, values) = accumulators[tensor]!
        return Array(values[(row * stride)..<(row * stride + count)])
    }
}

extension FastNetwork {
    /// Runs `rows` images, given as consecutive rows of `pixels` (each as many as the input
    /// tensor holds), through every operator.
    public func run(pixels: UnsafeBufferPointer<UInt8>, rows: Int) -> FastRun {
        let input = network.input.index
        precondition(pixels.count == rows * layouts[input]!.count, "\(pixels.count) pixels are not \(rows) images")
        var tensors: [Int: BatchTensor] = [:]
        func tensor(_ index: Int) -> BatchTensor {
            let (kind, count) = layouts[index]!
            return BatchTensor(kind: kind, rows: rows, count: count)
        }
        tensors[input] = lookUp(pixels, rows: rows, into: tensor(input))
        var written: [(op: Int, tensor: Int)] = []
        var accumulators: [Int: (stride: Int, values: [Int32])] = [:]
        for (op, operation, from, to) in operations {
            written.append((op, to))
            switch operation {
            case .alias:
                tensors[to] = tensors[from]
                continue
            case .quantizeInput(let pixelCodes):
                tensors[to] = lookUp(pixels, rows: rows, table: pixelCodes, into: tensor(to))
                continue
            case .eachImage(.shape(let values)):
                // A shape reads nothing when the network runs (its input may be a constant).
                let target = tensor(to)
                for r in 0..<rows { target.set(row: r, .integers(values)) }
                tensors[to] = target
                continue
            default: break
            }
            let (source, target) = (tensors[from]!, tensor(to))
            switch operation {
            case .dense(let layer):
                var sums = [Int32](repeating: 0, count: rows * layer.packed.paddedOutputCount)
                layer.apply(source, into: target, accumulators: &sums, path: path)
                accumulators[to] = (layer.packed.paddedOutputCount, sums)
            case .floatDense(let layer):
                layer.apply(source, into: target, path: path)
            case .softmax(let softmax):
                guard case .bytes(let offset) = target.kind else { preconditionFailure("a quantized softmax writes bytes") }
                source.bytes.withUnsafeBufferPointer { logits in
                    target.bytes.withUnsafeMutableBufferPointer { out in
                        for r in 0..<rows {
                            softmax.apply(logits.baseAddress! + r * source.stride, out.baseAddress! + r * target.stride,
                                          count: target.count, offset: offset)
                        }
                    }
                }
            case .eachImage(let step):
                for r in 0..<rows { target.set(row: r, step.apply(source.values(row: r))) }
            case .alias, .quantizeInput:
                break  // handled above
            }
            tensors[to] = target
        }
        return FastRun(rows: rows, tensors: tensors, written: written, accumulators: accumulators,
                       outputIndex: network.output.index)
    }

    /// The input tensor by the pixel table: one lookup per pixel.
    func lookUp(_ pixels: UnsafeBufferPointer<UInt8>, rows: Int, table: [Int32]? = nil, into target: BatchTensor) -> BatchTensor {
        let (count, stride) = (target.count, target.stride)
        switch (target.kind, table ?? pixelTable.integers) {
        case (.bytes(let offset), let codes?):
            let bytes = codes.map { UInt8(truncatingIfNeeded: $0 + offset) }
            if bytes.elementsEqual(0...255) {
                // The book's models: S = 1/255 and Z = −128 (int8) or 0 (uint8) make u = pixel.
                target.bytes.withUnsafeMutableBufferPointer { out in
                    for r in 0..<rows {
                        (out.baseAddress! + r * stride).update(from: pixels.baseAddress! + r * count, count: count)
                    }
                }
                return target
            }
            bytes.withUnsafeBufferPointer { bytes in
                target.bytes.withUnsafeMutableBufferPointer { out in
                    for r in 0..<rows {
                        for i in 0..<count { out[r * stride + i] = bytes[Int(pixels[r * count + i])] }
                    }
                }
            }
        case (.floats, _):
            pixelTable.floats!.withUnsafeBufferPointer { reals in
                target.floats.withUnsafeMutableBufferPointer { out in
                    for r in 0..<rows {
                        for i in 0..<count { out[r * stride + i] = reals[Int(pixels[r * count + i])] }
                    }
                }
            }
        default:
            preconditionFailure("the input tensor is \(target.kind)")  // FastNetwork.init prepared it
        }
        return target
    }
}

extension FastNetwork {
    /// Image `row` of a batch in chapter 9's form: the NetworkRun that `network.run` would have
    /// returned for it, the same integers (FastEngineTests), for code written against chapter 9.
    public func networkRun(_ run: FastRun, row: Int) -> NetworkRun {
        var tensors: [Int: TensorValues] = [network.input.index: run.tensors[network.input.index]!.values(row: row)]
        for (_, tensor) in run.written { tensors[tensor] = run.tensors[tensor]!.values(row: row) }
        var accumulators: [Int: [Int32]] = [:]
        for (tensor, _) in run.accumulators { accumulators[tensor] = run.accumulators(tensor: tensor, row: row, count: run.tensors[tensor]!.count) }
        let probabilities: [Float]? = network.softmaxTensors.map { softmax in
            switch tensors[softmax.probabilities]! {
            case .integers(let codes): codes.map { softmax.quantization!.dequantize($0) }
            case .floats(let reals): reals
            }
        }
        return NetworkRun(tensors: tensors, written: run.written, accumulators: accumulators,
                          outputIndex: network.output.index, probabilities: probabilities)
    }
}
