// `workbook trace IMAGE.png` (chapter 10, reading chapters 2 to 9 back): a picture through the
// network, layer by layer, with the numbers a person needs to redo the arithmetic by hand:
// S1/Z1, S2/Z2, S3/Z3, M (as the chosen kernel family forms it), the accumulators' range; then
// one neuron's arithmetic (chapter 9's NeuronTrace, written out by NeuronArithmetic.swift) and,
// in the last layer, its softmax. The machine interface is `workbook tensors`.

import ArgumentParser
import Ch01TFLiteFile
import Ch02Affine
import Ch06Requantize
import Ch08Softmax
import Ch09Network
import Ch10Pixels
import Foundation
import JSONText
import Ch13FastEngine
import Ch14Convolution

struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chapter 10: one picture through the network, every layer's scales and one neuron's whole arithmetic.",
        discussion: """
            Prints each layer's S1/Z1, S2/Z2, S3/Z3, M (as the kernel family forms it) and accumulator \
            range, then one neuron's arithmetic from its first products to its clamped output, each step \
            named by its chapter. On a CNN it first shows each CONV_2D's scales and follows one of its \
            output values through its patch (chapter 14): --conv, --pixel and --channel choose which. With --jsonl, prints instead one JSON line: {"file", "tensors": {"<tensor \
            name>": [values]}}, the model's input tensor first, then every tensor an operator writes, named as \
            in the .tflite file (as `workbook tensors` does for many MNIST images).
            """)

    @Argument(help: ArgumentHelp("A PNG picture of a digit.", valueName: "image.png"))
    var image: String

    @OptionGroup var options: ModelOptions
    @OptionGroup var kernels: KernelOptions

    @Option(parsing: .unconditional, help: "The neuron to follow, in the layer of --layer (default: the winning class, or the largest output).")
    var neuron: Int?

    @Option(parsing: .unconditional, help: "Which FULLY_CONNECTED layer the neuron is in, from 0 (default: the last).")
    var layer: Int?

    @Option(parsing: .unconditional, help: "A CNN: which CONV_2D to follow a value through, from 0 (default: the first).")
    var conv: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("A CNN: the convolution's output pixel to follow (default: where its largest accumulator is).", valueName: "row,column"))
    var pixel: String?

    @Option(parsing: .unconditional, help: "A CNN: the output channel to follow at that pixel (default: the largest accumulator's).")
    var channel: Int?

    @Flag(help: "Print every tensor, the input first, as one JSON line instead of text.")
    var jsonl = false

    func validate() throws {
        if let neuron, neuron < 0 { throw ValidationError("--neuron takes a neuron's index from 0, not \(neuron)") }
        if let layer, layer < 0 { throw ValidationError("--layer takes a layer's index from 0, not \(layer)") }
        try validateConvolutionChoice()
        // Whether the neuron and the layer exist depends on the model: if it reads, ask it now,
        // so a bad index is a usage error of this command (a bad file is reported by run).
        guard layer != nil || neuron != nil, let loaded = try? options.load(), let layers = try? loaded.model.fullyConnectedLayers(),
              !layers.isEmpty else { return }
        let chosenLayer = layer ?? layers.count - 1
        guard chosenLayer < layers.count else {
            throw ValidationError("--layer \(chosenLayer): the model has FULLY_CONNECTED layers 0 to \(layers.count - 1)")
        }
        let outputs = layers[chosenLayer].output.elementCount ?? 0
        if let neuron, neuron >= outputs {
            throw ValidationError("--neuron \(neuron): layer \(chosenLayer) has neurons 0 to \(outputs - 1)")
        }
    }

    func run() throws {
        try failingCleanly {
            let picture = try readPicture(image)
            let loaded = try options.load()
            let family = kernels.kernels
            let network = try loaded.network(family)
            let layers = network.layers
            let run: NetworkRun
            do { run = try network.run(pixels: picture.pixels) } catch { throw CommandFailure("\(image): \(error)") }
            if jsonl {
                let names = loaded.model.main.tensors.map { JSON.quote($0.name) }
                let order = [network.input.index] + run.written.map(\.tensor)
                var values: (Int) -> TensorValues = { run.tensors[$0]! }
                // The machine interface runs the fast engine (chapter 13), as `workbook tensors` does; the
                // text trace below is chapter 9's. Both write the same integers.
                if let fast = try? FastNetwork(network) {
                    let batch = picture.pixels.withUnsafeBufferPointer { fast.run(pixels: $0, rows: 1) }
                    values = { batch.tensors[$0]!.values(row: 0) }
                }
                return print("{\"file\": \(JSON.quote(image)), \"tensors\": \(tensorsObject(order, names: names, values: values))}")
            }
            guard !layers.isEmpty else {
                throw CommandFailure("\(loaded.name): a float model has no integer arithmetic to trace; `workbook classify` runs it")
            }

            let chosenLayer = min(layer ?? layers.count - 1, layers.count - 1)  // validate() checked it
            let outputs = run.tensors[layers[chosenLayer].scales.output.index]!.integers!
            let isLast = chosenLayer == layers.count - 1
            let chosenNeuron = min(neuron ?? (isLast ? run.prediction : argmax(outputs)), outputs.count - 1)

            var out = "\(image): \(picture.preparationSummary)\n"
            out += "\(loaded.name), \(family.rawValue) kernels: prediction \(run.prediction)\n"
            out += "input  \(tensorText(network.input)); chapter 2: \(network.pixelMapping.summary(for: network.input)); \(picture.pixels.filter { $0 > 0 }.count) of \(picture.pixels.count) pixels carry ink\n"
            out += convolutionText(Self.convolutions(network), run: run, choice: try convolutionChoice())
            for (position, layer) in layers.enumerated() {
                out += "\n" + layerText(layer, position: position, run: run)
            }
            let traced = layers[chosenLayer].trace(run.tensors[layers[chosenLayer].scales.input.index]!.integers!, neuron: chosenNeuron)
            let why = neuron != nil ? "" : (isLast ? " (the winning class)" : " (the largest output)")
            out += "\nneuron \(chosenNeuron) of layer \(chosenLayer)\(why), \(family.rawValue) kernels:\n"
            out += traced.lines(layer: layers[chosenLayer], expectedOutput: outputs[chosenNeuron]).map { "  " + $0 + "\n" }.joined()
            if isLast { out += softmaxText(network: network, run: run, neuron: chosenNeuron) }
            print(out, terminator: "")
        }
    }

    func tensorText(_ tensor: Tensor) -> String {
        let quantization = tensor.quantization.map { ", S = \($0.scales.first ?? 0), Z = \($0.zeroPoints.first ?? 0)" } ?? ""
        return "tensor \(tensor.index) \(tensor.type) \(tensor.shape)\(quantization)"
    }

    /// One FULLY_CONNECTED layer: its scales and zero points, its multipliers, and this image's
    /// accumulators and outputs.
    func layerText(_ layer: FullyConnectedLayer, position: Int, run: NetworkRun) -> String {
        let scales = layer.scales
        let requantizer = layer.requantizer
        var out = "layer \(position): FULLY_CONNECTED (operator \(scales.operatorIndex)), \(layer.weights.inputCount) → \(layer.weights.outputCount), \(scales.fusedActivation.rawValue)\n"
        out += scaleLines(requantizer, scales: scales, weightZeroPoints: layer.weights.zeroPoints)
        let accumulators = run.accumulators[scales.output.index]!
        let outputs = run.tensors[scales.output.index]!.integers!
        out += "  accumulators (bias included) from \(accumulators.min()!) to \(accumulators.max()!); outputs from \(outputs.min()!) to \(outputs.max()!), clamp [\(layer.clamp.minimum), \(layer.clamp.maximum)]\n"
        return out
    }

    func range<T: Comparable>(_ low: T, _ high: T) -> String { span(low, high, separator: " to ") }

    /// Chapter 8: the softmax over the last layer's outputs, seen from one neuron.
    func softmaxText(network: Network, run: NetworkRun, neuron: Int) -> String {
        guard let algorithm = network.softmax?.algorithm, let softmax = network.softmaxTensors, let output = softmax.quantization,
              let logits = run.tensors[softmax.logits]?.integers, let codes = run.tensors[softmax.probabilities]?.integers,
              let probabilities = run.probabilities else { return "" }
        let largest = logits.max()!
        return "  chapter 8  softmax (\(algorithm.rawValue)) of the \(logits.count) logits, largest \(largest): "
            + "this one is \(logits[neuron] - largest) codes below it → code \(codes[neuron]) = "
            + "S·(q − Z) = \(output.scale)·(\(codes[neuron]) \(minusTerm(output.zeroPoint))) = probability \(probabilities[neuron])\n"
    }
}
