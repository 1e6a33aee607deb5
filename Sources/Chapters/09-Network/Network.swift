// Chapter 9 — the whole network: any chain of QUANTIZE, FULLY_CONNECTED, SOFTMAX, DEQUANTIZE
// and RESHAPE that the converters write, in uint8 or int8, per-tensor or per-channel, with
// float, uint8 or int8 input and output, run in one kernel family, keeping every tensor an
// operator writes. Nothing here knows our models: sizes and types come from the file.
// Prose: chapters/09-network.md.

import Ch01TFLiteFile
import Ch02Affine
import Ch03FloatNetwork
import Ch06Requantize
import Ch08Softmax

public struct NetworkError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One operator, prepared: what it computes, from which tensor into which. Public so that a
/// later engine (chapter 13) can compute the same prepared operators another way.
public enum Step: Sendable {
    case fullyConnected(FullyConnectedLayer)
    case floatFullyConnected(FloatDenseLayer)
    case softmax(QuantizedSoftmax)
    case floatSoftmax(beta: Float)
    case quantizeFromFloat(QuantizeFromFloat)
    case requantize(Requantize)
    case dequantize(Dequantize)
    case reshape
    /// SHAPE, STRIDED_SLICE or PACK: a shape, the same for every image (chapter 1's StaticShapes).
    case shape([Int32])
    /// An operator of part two, prepared by a later chapter (ImageOperator.swift).
    case image(any ImageOperator)

    public var isSoftmax: Bool {
        switch self {
        case .softmax, .floatSoftmax: true
        default: false
        }
    }

    /// Whether the step reads integer codes (true) or float32 reals (false); nil for a step
    /// that keeps what it reads (RESHAPE) or reads nothing (a shape).
    var readsCodes: Bool? {
        switch self {
        case .fullyConnected, .softmax, .requantize, .dequantize, .image: true
        case .floatFullyConnected, .floatSoftmax, .quantizeFromFloat: false
        case .reshape, .shape: nil
        }
    }
    /// Whether it writes codes or reals; nil for RESHAPE, which writes what it read.
    var writesCodes: Bool? {
        switch self {
        case .fullyConnected, .softmax, .requantize, .quantizeFromFloat, .shape, .image: true
        case .floatFullyConnected, .floatSoftmax, .dequantize: false
        case .reshape: nil
        }
    }

    /// How many values a FULLY_CONNECTED reads (its weights' columns); nil: any number.
    var readCount: Int? {
        switch self {
        case .fullyConnected(let layer): layer.weights.inputCount
        case .floatFullyConnected(let layer): layer.inputCount
        case .image(let op): op.readCount
        default: nil
        }
    }

    /// What the step writes for one image's `source` (a FULLY_CONNECTED's outputs only; the
    /// network keeps its accumulators too). Network.init checked that `source` is what it reads.
    public func apply(_ source: TensorValues) -> TensorValues {
        switch self {
        case .fullyConnected(let layer): .integers(layer(source.integers!).outputs)
        case .floatFullyConnected(let layer): .floats(layer.apply(source.floats!))
        case .softmax(let softmax): .integers(softmax.apply(source.integers!))
        case .floatSoftmax(let beta): .floats(Ch03FloatNetwork.floatSoftmax(source.floats!, beta: beta))
        case .quantizeFromFloat(let quantize): .integers(quantize(source.floats!))
        case .requantize(let requantize): .integers(requantize(source.integers!))
        case .dequantize(let dequantize): .floats(dequantize(source.integers!))
        case .reshape: source
        case .shape(let values): .integers(values)
        case .image(let op): .integers(op.apply(source.integers!).outputs)
        }
    }

    /// How many values the step writes for `count` read.
    public func writtenCount(reading count: Int) -> Int {
        switch self {
        case .fullyConnected(let layer): layer.weights.outputCount
        case .floatFullyConnected(let layer): layer.outputCount
        case .shape(let values): values.count
        case .image(let op): op.writtenCount
        default: count
        }
    }
}

public struct Network: Sendable {
    public let model: Model
    public let family: KernelFamily
    public let input: Tensor
    public let output: Tensor
    /// How an image's pixels become the input tensor's values (chapter 2).
    public let pixelMapping: PixelMapping
    /// (operator index, step, input tensor, output tensor), in execution order.
    public let steps: [(op: Int, step: Step, input: Int, output: Int)]

    /// The quantized FULLY_CONNECTED layers, prepared, in execution order (empty for a float model).
    public var layers: [FullyConnectedLayer] {
        steps.compactMap { if case .fullyConnected(let layer) = $0.step { layer } else { nil } }
    }

    /// The quantized SOFTMAX, prepared (nil for a float model or a model that ends in logits).
    public var softmax: QuantizedSoftmax? {
        for (_, step, _, _) in steps { if case .softmax(let softmax) = step { return softmax } }
        return nil
    }

    /// The tensors of the last SOFTMAX step and how its codes become probabilities, formed
    /// once (nil for a model that ends in logits).
    public let softmaxTensors: SoftmaxTensors?

    /// Prepares every operator for `family`. `pixelMapping` nil: the input tensor's standard one.
    /// `operators` prepares what chapter 9 does not compute (part two's convolutions and
    /// pooling); without it, a convolutional model is refused by name.
    public init(model: Model, family: KernelFamily, pixelMapping: PixelMapping? = nil,
                operators: (any OperatorPreparer)? = nil) throws {
        let shapes = try model.requireComputable()
        let graph = model.main
        (self.model, self.family) = (model, family)
        (input, output) = (graph.tensors[graph.inputs[0]], graph.tensors[graph.outputs[0]])
        self.pixelMapping = pixelMapping ?? .standard(for: input)
        let layers = try model.fullyConnectedLayers()
        let floatLayers = layers.first?.weights.type == .float32 ? try FloatNetwork(model: model).layers : []
        // What each tensor will hold when the network runs, checked now so that running cannot
        // trap: codes or reals (a DEQUANTIZE writes reals whatever its output tensor claims),
        // and how many values.
        var holds: [Int: (integers: Bool, count: Int)] = [input.index: (input.type != .float32, input.elementCount ?? 0)]
        var steps: [(Int, Step, Int, Int)] = []
        for op in graph.operators {
            let code = SupportedOperator(code: model.operatorCodes[op.opcodeIndex].code)!
            guard let from = op.inputs.first, from >= 0, let to = op.outputs.first else {
                throw NetworkError("operator \(op.index) (\(code.rawValue)) has no input or output tensor")
            }
            if code.computesShape, let values = shapes.values[to] {
                steps.append((op.index, .shape(values), from, to))
                holds[to] = (true, values.count)
                continue
            }
            // A chain: each operator reads what the model's input or an earlier operator wrote.
            guard let read = holds[from], read.count > 0 else {
                throw NetworkError("operator \(op.index) (\(code.rawValue)) reads tensor \(from), which nothing before it writes, or which holds no value")
            }
            let (source, target) = (graph.tensors[from], graph.tensors[to])
            let step = try Self.prepare(op, code, source, target, layers, floatLayers, model, family, operators)
            let what = "operator \(op.index) (\(code.rawValue))"
            if let reads = step.readsCodes, reads != read.integers {
                throw NetworkError("\(what) reads tensor \(from) as \(reads ? "codes" : "float32"), but the operator before it writes \(read.integers ? "codes" : "float32") there")
            }
            let writesCodes = step.writesCodes ?? read.integers
            guard writesCodes == (target.type != .float32) else {
                throw NetworkError("\(what) writes \(writesCodes ? "codes" : "float32") into tensor \(to), which is \(target.type)")
            }
            if case .reshape = step, source.type != target.type {
                throw NetworkError("\(what) turns \(source.type) into \(target.type); a reshape keeps the type")
            }
            if let expected = step.readCount, read.count != expected {
                throw NetworkError("\(what) has weights for \(expected) inputs but reads \(read.count) values; the workbook runs one image at a time")
            }
            steps.append((op.index, step, from, to))
            holds[to] = (writesCodes, step.writtenCount(reading: read.count))
        }
        guard let written = holds[output.index], written.count > 0 else {
            throw NetworkError("no operator writes the output tensor \(output.index), or it holds no value")
        }
        self.steps = steps
        softmaxTensors = try self.steps.last(where: \.step.isSoftmax).map { step in
            let written = graph.tensors[step.output]
            return SoftmaxTensors(logits: step.input, probabilities: step.output,
                                  quantization: written.type == .float32 ? nil : try AffineQuantization(tensor: written))
        }
    }

    static func prepare(_ op: Operator, _ code: SupportedOperator, _ source: Tensor, _ target: Tensor,
                        _ layers: [LayerScales], _ floatLayers: [FloatDenseLayer], _ model: Model,
                        _ family: KernelFamily, _ operators: (any OperatorPreparer)?) throws -> Step {
        if code.isConvolutional {
            guard let prepared = try operators?.prepare(op, code, model: model, family: family) else {
                throw NetworkError("operator \(op.index) (\(code.rawValue)) is computed by part two (chapters 14 and 15); this network was prepared with chapter 9's operators only")
            }
            return .image(prepared)
        }
        switch code {
        case .fullyConnected:
            let position = layers.firstIndex { $0.operatorIndex == op.index }!
            if source.type == .float32 {
                guard position < floatLayers.count else { throw NetworkError("operator \(op.index): a float layer in a quantized model") }
                return .floatFullyConnected(floatLayers[position])
            }
            return .fullyConnected(try FullyConnectedLayer(scales: layers[position], model: model, family: family))
        case .softmax:
            guard case .softmax(let beta) = op.options else { throw NetworkError("operator \(op.index) (SOFTMAX) has no beta") }
            if source.type == .float32 { return .floatSoftmax(beta: beta) }
            let (from, to) = (try AffineQuantization(tensor: source), try AffineQuantization(tensor: target))
            return .softmax(try QuantizedSoftmax(
                inputScale: from.scale, beta: beta, inputType: source.type, outputType: target.type,
                outputScale: to.scale, outputZeroPoint: to.zeroPoint, family: family))
        case .quantize:
            let to = try AffineQuantization(tensor: target)
            if source.type == .float32 { return .quantizeFromFloat(QuantizeFromFloat(output: to, family: family)) }
            return .requantize(Requantize(input: try AffineQuantization(tensor: source), output: to, family: family))
        case .dequantize:
            return .dequantize(Dequantize(input: try AffineQuantization(tensor: source), family: family))
        case .reshape:
            return .reshape
        case .shape, .stridedSlice, .pack:
            throw NetworkError("operator \(op.index) (\(code.rawValue)) computes something other than a shape")
        case .conv2D, .depthwiseConv2D, .maxPool2D, .averagePool2D, .mean:
            throw NetworkError("operator \(op.index) (\(code.rawValue)) reached chapter 9's own operators")
        }
    }

    /// Runs one image through every operator.
    public func run(_ values: TensorValues) throws -> NetworkRun {
        guard values.count == input.elementCount else {
            throw NetworkError("the input tensor takes \(input.elementCount ?? 0) values, not \(values.count)")
        }
        guard (values.integers != nil) == (input.type != .float32) else {
            throw NetworkError("the input tensor is \(input.type), not \(values.integers != nil ? "codes" : "float32")")
        }
        var tensors: [Int: TensorValues] = [input.index: values]
        var written: [(op: Int, tensor: Int)] = []
        var accumulators: [Int: [Int32]] = [:]
        for (op, step, from, to) in steps {
            // A shape step reads nothing when the network runs, and its first input may be a
            // constant that no step writes; init checked every other step's input was written.
            if case .shape(let values) = step {
                tensors[to] = .integers(values)
                written.append((op, to))
                continue
            }
            let source = tensors[from]!
            let result: TensorValues
            if case .fullyConnected(let layer) = step {
                let output = layer(source.integers!)
                accumulators[to] = output.accumulators
                result = .integers(output.outputs)
            } else if case .image(let prepared) = step {
                let output = prepared.apply(source.integers!)
                accumulators[to] = output.accumulators
                result = .integers(output.outputs)
            } else {
                result = step.apply(source)
            }
            tensors[to] = result
            written.append((op, to))
        }
        let probabilities: [Float]? = softmaxTensors.map { softmax in
            switch tensors[softmax.probabilities]! {
            case .integers(let codes): codes.map { softmax.quantization!.dequantize($0) }
            case .floats(let reals): reals
            }
        }
        return NetworkRun(tensors: tensors, written: written, accumulators: accumulators, outputIndex: output.index,
                          probabilities: probabilities)
    }

    /// The input tensor's values for an image given as 784 pixels, mapped by `pixelMapping`
    /// (chapter 2's `inputValues`, the last step of chapter 10's picture).
    public func inputValues(pixels: [UInt8]) throws -> InputValues {
        try Ch02Affine.inputValues(pixels: pixels, for: input, mapping: pixelMapping)
    }

    /// Runs an image given as 784 pixels.
    public func run(pixels: [UInt8]) throws -> NetworkRun {
        try run(TensorValues(try inputValues(pixels: pixels)))
    }
}

/// The SOFTMAX's input and output tensors, by index, and the output's (S, Z): probability =
/// S·(code − Z), chapter 2's dequantize (nil for a float softmax, which writes probabilities).
public struct SoftmaxTensors: Sendable {
    public let logits: Int
    public let probabilities: Int
    public let quantization: AffineQuantization?
}

/// Everything one image produced: each tensor an operator wrote, in operator order, and each
/// FULLY_CONNECTED layer's int32 accumulators.
public struct NetworkRun: Sendable {
    public let tensors: [Int: TensorValues]
    public let written: [(op: Int, tensor: Int)]
    /// Keyed by the layer's output tensor: Σ(q_w − Z_w)(q_in − Z_in) + bias, before chapter 6.
    public let accumulators: [Int: [Int32]]
    let outputIndex: Int
    /// The softmax's output as probabilities, dequantized once (nil for a model without SOFTMAX).
    public let probabilities: [Float]?

    /// A run computed elsewhere (chapter 13's fast engine), in chapter 9's form.
    public init(tensors: [Int: TensorValues], written: [(op: Int, tensor: Int)], accumulators: [Int: [Int32]],
                outputIndex: Int, probabilities: [Float]?) {
        (self.tensors, self.written, self.accumulators) = (tensors, written, accumulators)
        (self.outputIndex, self.probabilities) = (outputIndex, probabilities)
    }

    public var output: TensorValues { tensors[outputIndex]! }
    /// The predicted digit: the largest output (softmax keeps the order of the logits).
    public var prediction: Int { output.indexOfMaximum }
}
