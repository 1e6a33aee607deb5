// Chapter 11 — golden vectors: what the network computes for real digits, layer by layer, in
// the contract's family, by chapter 9's Network (bit-exact with TFLite Micro for micro, with
// LiteRT's builtin kernels for optimized). A C program or a testbench that reproduces them
// reproduces TFLite.

import Ch01TFLiteFile
import Ch02Affine
import Ch06Requantize
import Ch09Network

/// One digit through the network: the codes the first layer reads, then each layer's int32
/// accumulators (bias included, before requantization) and output codes, and the class.
public struct GoldenVector: Sendable {
    public let input: [Int32]
    /// One array per layer, in the order of the contract's layers.
    public let accumulators: [[Int32]]
    public let outputs: [[Int32]]
    /// The argmax of the last layer's codes, the first on a tie: what hardware reports.
    public let predictedClass: Int
    /// The whole network's prediction, the argmax of its output (the softmax's codes, which can
    /// tie where the logits did not).
    public let networkPrediction: Int
}

public struct GoldenVectors: Sendable {
    /// Where the digits come from, for the reader of the exported files.
    public let source: String
    public let vectors: [GoldenVector]

    /// Runs `images` (784 pixels each) through chapter 9's network in the contract's family.
    public init(contract: NetworkContract, model: Model, images: [[UInt8]], source: String, pixelMapping: PixelMapping? = nil) throws {
        let network = try Network(model: model, family: contract.family, pixelMapping: pixelMapping)
        self.source = source
        vectors = try images.map { try GoldenVector(contract: contract, run: try network.run(pixels: $0)) }
    }

    /// Vectors computed elsewhere (by chapter 13's fast engine, which writes the same integers).
    public init(source: String, vectors: [GoldenVector]) { (self.source, self.vectors) = (source, vectors) }
}

extension GoldenVector {
    /// What the contract's layers read and wrote in one run of the network.
    public init(contract: NetworkContract, run: NetworkRun) throws {
        guard let input = run.tensors[contract.layers[0].inputTensor]?.integers else {
            throw ContractError("the network wrote no integer codes into tensor \(contract.layers[0].inputTensor), the first layer's input")
        }
        let accumulators = contract.layers.map { run.accumulators[$0.outputTensor] ?? [] }
        let outputs = contract.layers.map { run.tensors[$0.outputTensor]?.integers ?? [] }
        self.init(input: input, accumulators: accumulators, outputs: outputs,
                  predictedClass: argmax(outputs[outputs.count - 1]), networkPrediction: run.prediction)
    }
}
