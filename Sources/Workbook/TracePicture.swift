// `workbook trace IMAGE.png` (chapter 10, reading chapters 2 to 9 back): a picture through the
// network, layer by layer, with the numbers a person needs to redo the arithmetic by hand:
// S1/Z1, S2/Z2, S3/Z3, M (as the chosen kernel family forms it), the accumulators' range; then
// one neuron's arithmetic (NeuronArithmetic.swift) and, in the last layer, its softmax.

import ArgumentParser
import Ch01TFLiteFile
import Ch02Affine
import Ch06Requantize
import Ch08Softmax
import Ch09Network
import Ch10Pixels
import Foundation

extension Trace {
    func tracePicture(_ path: String) throws {
        try failingCleanly {
            let picture = try readPicture(path)
            let model = try options.load()
            let family = kernels.kernels
            let network: Network, layers: [FullyConnectedLayer]
            do {
                network = try Network(model: model, family: family)
                let scales = try model.fullyConnectedLayers()
                guard scales.allSatisfy({ $0.inputScale != nil && !$0.weightScales.isEmpty }) else {
                    throw CommandFailure("\(options.model): a float model has no integer arithmetic to trace; `workbook classify` runs it")
                }
                layers = try scales.map { try FullyConnectedLayer(scales: $0, model: model, family: family) }
            } catch let failure as CommandFailure { throw failure } catch { throw CommandFailure("\(options.model): \(error)") }
            let run: NetworkRun
            do { run = try network.run(pixels: picture.pixels) } catch { throw CommandFailure("\(path): \(error)") }

            let chosenLayer = layer ?? layers.count - 1
            guard chosenLayer < layers.count else {
                throw ValidationError("--layer \(chosenLayer): the model has FULLY_CONNECTED layers 0 to \(layers.count - 1)")
            }
            let outputs = run.tensors[layers[chosenLayer].scales.output.index]!.integers!
            let isLast = chosenLayer == layers.count - 1
            let chosenNeuron = neuron ?? (isLast ? run.prediction : TensorValues.integers(outputs).indexOfMaximum)
            guard chosenNeuron < outputs.count else {
                throw ValidationError("--neuron \(chosenNeuron): layer \(chosenLayer) has neurons 0 to \(outputs.count - 1)")
            }

            var out = "\(path): \(picture.preparationSummary)\n"
            out += "\(options.model), \(family.rawValue) kernels: prediction \(run.prediction)\n"
            out += "input  \(tensorText(network.input)); chapter 2: q = round(pixel/255 / S) + Z; \(picture.pixels.filter { $0 > 0 }.count) of \(picture.pixels.count) pixels carry ink\n"
            for (position, layer) in layers.enumerated() {
                out += "\n" + layerText(layer, position: position, run: run)
            }
            let arithmetic = NeuronArithmetic(layer: layers[chosenLayer], neuron: chosenNeuron,
                                              input: run.tensors[layers[chosenLayer].scales.input.index]!.integers!)
            let why = neuron != nil ? "" : (isLast ? " (the winning class)" : " (the largest output)")
            out += "\nneuron \(chosenNeuron) of layer \(chosenLayer)\(why), \(family.rawValue) kernels:\n"
            out += arithmetic.lines(expectedOutput: outputs[chosenNeuron]).map { "  " + $0 + "\n" }.joined()
            if isLast { out += try softmaxText(model: model, run: run, neuron: chosenNeuron, family: family) }
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
        out += "  S1 = \(requantizer.inputScale), Z1 = \(scales.inputZeroPoint)   (input tensor \(scales.input.index))\n"
        let weightScales = requantizer.weightScales
        let zeroPoints = Set(layer.weights.zeroPoints)
        let zeroPointText = zeroPoints.count == 1 ? "\(zeroPoints.first!)" : "\(zeroPoints.min()!) to \(zeroPoints.max()!)"
        if requantizer.isPerChannel {
            out += "  S2 = \(weightScales.min()!) to \(weightScales.max()!) (\(weightScales.count) channels), Z2 = \(zeroPointText)   (weights tensor \(scales.weights.index))\n"
        } else {
            out += "  S2 = \(weightScales[0]), Z2 = \(zeroPointText)   (weights tensor \(scales.weights.index), one scale)\n"
        }
        out += "  S3 = \(requantizer.outputScale), Z3 = \(scales.outputZeroPoint)   (output tensor \(scales.output.index))\n"
        let channels = requantizer.isPerChannel ? Array(0..<weightScales.count) : [0]
        let reals = channels.map { requantizer.realMultiplier(channel: $0) }
        out += "  M = S1·S2/S3 = " + range(reals.min()!, reals.max()!) + "\n"
        switch requantizer.channels[0] {
        case .double: out += "  reference: M kept in double\n"
        case .fixedPoint:
            var (m0s, shifts): ([Int32], [Int]) = ([], [])
            for case .fixedPoint(let m0, let shift) in requantizer.channels { m0s.append(m0); shifts.append(shift) }
            out += "  M0 = \(range(m0s.min()!, m0s.max()!)), shift = \(range(shifts.min()!, shifts.max()!))   (M ≈ M0·2^(shift − 31))\n"
        case .float:
            var floats: [Float] = []
            for case .float(let m) in requantizer.channels { floats.append(m) }
            out += "  xnnpack: M in float32 = \(range(floats.min()!, floats.max()!))\n"
        }
        let accumulators = run.accumulators[scales.output.index]!
        let outputs = run.tensors[scales.output.index]!.integers!
        out += "  accumulators (bias included) from \(accumulators.min()!) to \(accumulators.max()!); outputs from \(outputs.min()!) to \(outputs.max()!), clamp [\(layer.clamp.minimum), \(layer.clamp.maximum)]\n"
        return out
    }

    func range<T: Comparable>(_ low: T, _ high: T) -> String { low == high ? "\(low)" : "\(low) to \(high)" }

    /// Chapter 8: the softmax over the last layer's outputs, seen from one neuron.
    func softmaxText(model: Model, run: NetworkRun, neuron: Int, family: KernelFamily) throws -> String {
        let softmax: SoftmaxLayer
        do { softmax = try model.softmaxLayer() } catch { return "" }
        guard let logits = run.tensors[softmax.input.index]?.integers, let codes = run.tensors[softmax.output.index]?.integers,
              let output = try? AffineQuantization(tensor: softmax.output) else { return "" }
        let algorithm = SoftmaxAlgorithm(family: family)
        let largest = logits.max()!
        return "  chapter 8  softmax (\(algorithm.rawValue)) of the \(logits.count) logits, largest \(largest): "
            + "this one is \(logits[neuron] - largest) codes below it → code \(codes[neuron]) = "
            + "S·(q − Z) = \(output.scale)·(\(codes[neuron]) \(output.zeroPoint < 0 ? "+ \(-output.zeroPoint)" : "− \(output.zeroPoint)")) = probability \(output.dequantize(Int(codes[neuron])))\n"
    }
}
