// Chapter 17 — golden vectors for a CNN: what the whole book's network (chapter 16) computes
// for real digits in the contract's family, layer by layer. Chapter 16 proved those integers
// equal TFLite's in every tensor; a C program or a testbench that reproduces them reproduces
// TFLite.

import Ch01TFLiteFile
import Ch02Affine
import Ch09Network
import Ch11Hardware
import Ch16ConvolutionalNetwork

/// One digit through a CNN: the codes the first layer reads, then each layer's accumulators
/// (empty for the poolings) and output codes, and the class.
public struct ConvolutionalVector: Sendable {
    public let input: [Int32]
    public let accumulators: [[Int32]]
    public let outputs: [[Int32]]
    /// The argmax of the last layer's codes, the first on a tie: what hardware reports.
    public let predictedClass: Int
    /// The whole network's prediction, the argmax of its output (the softmax's codes can tie
    /// where the last layer's did not).
    public let networkPrediction: Int

    public init(contract: ConvolutionalContract, run: NetworkRun) throws {
        guard let input = run.tensors[contract.layers[0].inputTensor]?.integers else {
            throw ContractError("the network wrote no integer codes into tensor \(contract.layers[0].inputTensor), the first layer's input")
        }
        self.input = input
        accumulators = contract.layers.map { $0.hasAccumulators ? run.accumulators[$0.outputTensor] ?? [] : [] }
        outputs = contract.layers.map { run.tensors[$0.outputTensor]?.integers ?? [] }
        predictedClass = argmax(outputs[outputs.count - 1])
        networkPrediction = run.prediction
    }
}

public struct ConvolutionalVectors: Sendable {
    public let source: String
    public let vectors: [ConvolutionalVector]

    /// Runs `images` (784 pixels each) through chapter 16's network in the contract's family.
    public init(contract: ConvolutionalContract, model: Model, images: [[UInt8]], source: String, pixelMapping: PixelMapping? = nil) throws {
        let network = try Network(wholeBook: model, family: contract.family, pixelMapping: pixelMapping)
        self.source = source
        vectors = try images.map { try ConvolutionalVector(contract: contract, run: try network.run(pixels: $0)) }
    }
}
