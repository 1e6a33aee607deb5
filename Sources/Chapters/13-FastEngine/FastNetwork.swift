// Chapter 13 — the whole network again, for a batch of images at a time: the operators chapter
// 9 prepared (same weights, multipliers, clamps, softmax), each FULLY_CONNECTED computed as a
// packed byte matrix product, everything else row by row with the chapters' own functions.
// What it writes is what chapter 9 writes, tensor for tensor: FastEngineTests prove it on every
// shipped model in every family. Prose: chapters/13-fast-engine.md.

import Ch01TFLiteFile
import Ch02Affine
import Ch03FloatNetwork
import Ch09Network

/// Chapter 9's network, prepared for batches on one instruction path.
public struct FastNetwork: Sendable {
    public let network: Network
    public let path: InstructionPath
    let operations: [(op: Int, operation: Operation, input: Int, output: Int)]
    /// What each tensor holds: its kind and its values per image.
    let layouts: [Int: (kind: BatchTensor.Kind, count: Int)]
    /// The input tensor for each pixel value, 0…255: chapter 2's mapping is pixel by pixel.
    let pixelTable: TensorValues

    enum Operation: Sendable {
        case dense(FastDenseLayer)
        case floatDense(FastFloatLayer)
        case softmax(FastSoftmax)
        /// Any other step, computed for one image at a time by chapter 9's own code.
        case eachImage(Step)
        /// A QUANTIZE of the model's float input: a code per pixel value, looked up.
        case quantizeInput(pixelCodes: [Int32])
        /// RESHAPE: the same values under another name.
        case alias
    }

    public init(_ network: Network, path: InstructionPath = .best) throws {
        guard InstructionPath.available.contains(path) else {
            throw FastEngineError("this CPU cannot run the \(path.rawValue) instructions; it offers \(InstructionPath.available.map(\.rawValue).joined(separator: ", "))")
        }
        (self.network, self.path) = (network, path)
        let input = network.input
        pixelTable = try Self.pixelTable(network)
        var layouts: [Int: (kind: BatchTensor.Kind, count: Int)] = [input.index: (try Self.kind(of: input), input.elementCount ?? 0)]
        var operations: [(Int, Operation, Int, Int)] = []
        let tensors = network.model.main.tensors
        for (op, step, from, to) in network.steps {
            let operation: Operation
            switch step {
            case .fullyConnected(let layer): operation = .dense(try FastDenseLayer(layer))
            case .floatFullyConnected(let layer): operation = .floatDense(FastFloatLayer(layer))
            case .softmax(let softmax): operation = .softmax(FastSoftmax(softmax))
            case .reshape: operation = .alias
            case .quantizeFromFloat(let quantize) where from == input.index:
                operation = .quantizeInput(pixelCodes: quantize(pixelTable.floats!))
            default: operation = .eachImage(step)
            }
            // Chapter 9 checked what each step reads and writes; the fast engine keeps its own
            // record of the kinds, so that running cannot meet a tensor it did not prepare for.
            if case .alias = operation {
                layouts[to] = layouts[from]
            } else if case .eachImage(.shape(let values)) = operation {
                layouts[to] = (.integers, values.count)
            } else {
                let count = step.writtenCount(reading: layouts[from]!.count)
                layouts[to] = (tensors[to].type == .float32 ? .floats : try Self.kind(of: tensors[to]), count)
            }
            operations.append((op, operation, from, to))
        }
        (self.operations, self.layouts) = (operations, layouts)
    }

    static func kind(of tensor: Tensor) throws -> BatchTensor.Kind {
        switch tensor.type {
        case .float32: .floats
        case .int8, .uint8: .bytes(offset: try unsignedOffset(tensor.type))
        case .int32: .integers
        default: throw FastEngineError("tensor \(tensor.index) '\(tensor.name)' is \(tensor.type); the fast engine keeps 8-bit codes, int32 and float32")
        }
    }

    /// Chapter 2's input for an image whose pixels are 0, 1, …, 255, 0, 1, … — every pixel
    /// value's input, since the mapping takes each pixel alone.
    static func pixelTable(_ network: Network) throws -> TensorValues {
        let count = network.input.elementCount ?? 0
        guard count > 0 else { throw FastEngineError("the input tensor holds no value") }
        var table: [TensorValues] = []
        var next = 0
        while next < 256 {
            let pixels = (0..<count).map { UInt8(truncatingIfNeeded: next + $0) }
            table.append(TensorValues(try network.inputValues(pixels: pixels)))
            next += count
        }
        switch table[0] {
        case .integers: return .integers(Array(table.flatMap { $0.integers! }.prefix(256)))
        case .floats: return .floats(Array(table.flatMap { $0.floats! }.prefix(256)))
        }
    }
}
