// Chapter 17 — a CNN's integer contract: its computing layers in order (CONV_2D,
// DEPTHWISE_CONV_2D, the poolings, MEAN, FULLY_CONNECTED), each reading what the one before it
// wrote, then the softmax or the argmax that replaces it. The layers are taken from the whole
// book's network prepared in the contract's family, so they hold exactly the integers that
// network computes with; a RESHAPE (Keras's Flatten, chapter 1) moves no value and is not a
// layer: in NHWC order the flattened vector is the image's codes as they lie.

import Ch01TFLiteFile
import Ch06Requantize
import Ch09Network
import Ch11Hardware
import Ch14Convolution
import Ch15Pooling
import Ch16ConvolutionalNetwork

public struct ConvolutionalContract: Sendable {
    public let family: KernelFamily
    public let layers: [ImageLayerContract]
    public let softmax: SoftmaxContract?

    public var codeType: TensorType { layers[0].codeType }
    public var weightType: TensorType { layers.first { $0.kind.multiplies && !$0.weights.isEmpty }?.weightType ?? codeType }
    public var inputCount: Int { layers[0].input.count }
    public var classCount: Int { layers[layers.count - 1].output.count }
    /// The largest image or vector any layer reads or writes: the C reference's buffer size.
    public var widestTensor: Int { layers.map { max($0.input.count, $0.output.count) }.max() ?? 0 }

    public init(model: Model, family: KernelFamily) throws {
        guard let rounding = FinalRounding(family: family) else {
            throw ContractError("the \(family.rawValue) family requantizes in \(family == .reference ? "double where it meets FULLY_CONNECTED" : "float32"); the integer contract is micro (TFLite Micro) or optimized (LiteRT's builtin kernels)")
        }
        let network: Network
        do { network = try Network(wholeBook: model, family: family) } catch { throw ContractError("\(error)") }
        var layers: [ImageLayerContract] = []
        for (op, step, from, to) in network.steps {
            switch step {
            case .fullyConnected(let layer): layers.append(ImageLayerContract(try LayerContract(layer)))
            case .image(let prepared):
                let codeType = model.main.tensors[from].type
                if let layer = prepared as? ConvolutionLayer { layers.append(try ImageLayerContract(layer, rounding: rounding)) }
                else if let layer = prepared as? DepthwiseLayer { layers.append(try ImageLayerContract(layer, rounding: rounding)) }
                else if let pool = prepared as? MaxPool {
                    layers.append(ImageLayerContract(pooling: pool.window, kind: .maxPool, codeType: codeType, inputTensor: from, outputTensor: to, rounding: rounding))
                } else if let pool = prepared as? AveragePool {
                    layers.append(ImageLayerContract(pooling: pool.window, kind: .averagePool, codeType: codeType, inputTensor: from, outputTensor: to, rounding: rounding))
                } else if let mean = prepared as? Mean {
                    layers.append(ImageLayerContract(mean, codeType: codeType, inputTensor: from, outputTensor: to))
                } else {
                    throw ContractError("operator \(op) has no integer contract")
                }
            // What comes before the first layer or after the last: the input's QUANTIZE (uint8
            // pixels into an int8 network), the softmax, the output's QUANTIZE or DEQUANTIZE. One
            // of them between two layers breaks the chain, which the check below names.
            case .reshape, .shape, .softmax, .quantizeFromFloat, .requantize, .dequantize, .floatSoftmax: continue
            case .floatFullyConnected:
                throw ContractError("operator \(op) is a float FULLY_CONNECTED; the contract is a chain of integer layers")
            }
        }
        guard !layers.isEmpty else { throw ContractError("the model has no layer that computes on integer codes") }
        guard layers.contains(where: { !$0.weights.isEmpty }) else { throw ContractError("the model has no weighted layer") }
        let shapes = try model.staticShapes()
        for (before, after) in zip(layers, layers.dropFirst()) where shapes.valuesSource(of: after.inputTensor) != before.outputTensor {
            throw ContractError("operator \(after.operatorIndex) reads tensor \(after.inputTensor), not what operator \(before.operatorIndex) writes: the layers do not form a chain")
        }
        if family == .micro, layers.contains(where: { $0.codeType == .uint8 || $0.weightType == .uint8 }) {
            throw ContractError("TFLite Micro has no uint8 kernels, so the micro family has no contract for this model; export it with --kernels optimized")
        }
        guard Set(layers.map(\.codeType)).count == 1, Set(layers.filter { !$0.weights.isEmpty }.map(\.weightType)).count == 1 else {
            throw ContractError("the layers mix int8 and uint8; the exported files hold one type of codes and one of weights")
        }
        (self.family, self.layers) = (family, layers)
        softmax = NetworkContract.softmax(of: model, afterTensor: layers[layers.count - 1].outputTensor)
    }
}
