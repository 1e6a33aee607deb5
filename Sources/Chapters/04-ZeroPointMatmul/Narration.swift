// Chapter 4's narration (`workbook chapter 4`): one neuron's int32 accumulator on a real digit,
// term by term, then the same sum by the four-term expansion, then each layer's bound. Each
// layer reads the codes TFLite's reference kernels gave it (the context's reference tensors).

import Ch01TFLiteFile
import Ch02Affine

public func narrateChapter4(_ context: NarrationContext) throws -> String {
    let model = context.model
    let layers = try model.fullyConnectedLayers()
    guard let first = layers.first, first.weights.type != .float32 else {
        throw NarrationError("no quantized FULLY_CONNECTED layer to narrate")
    }
    let input = try context.referenceCodes(of: first.input.index)
    let weights = try QuantizedWeights(tensor: first.weights, in: model)
    let inputZero = first.inputZeroPoint
    let acc = accumulate(weights, input: input, inputZeroPoint: inputZero)
    // The neuron this digit excites most: its accumulator is the largest.
    let neuron = argmax(acc)
    let terms = NeuronTerms(weights, channel: neuron, input: input, inputZeroPoint: inputZero)
    var out = "\(context.modelPath), operator \(first.operatorIndex), neuron \(neuron) (the largest accumulator), on \(context.digit.source)\n"
    out += "Z1 = \(inputZero) (the input's zero point), Z2 = \(terms.weightZeroPoint) (the weights' zero point)\n"
    let ink = terms.activeInputs
    out += "\(ink.count) of \(input.count) inputs differ from Z1; the others add (q_w − Z2)·0 = 0\n"
    out += "(4.1) the first terms (q_w − Z2)·(q_in − Z1):\n"
    for k in ink.prefix(4) {
        out += "      k = \(k): (\(terms.weights[k]) \(minusTerm(terms.weightZeroPoint)))·(\(input[k]) \(minusTerm(inputZero))) = \(terms.term(k).product)\n"
    }
    out += "      … summed over all \(input.count) inputs: acc = \(terms.sum)\n"
    let sums = terms.expanded
    out += "(4.2) Σ q_w·q_in = \(sums.products), Σ q_w = \(sums.weightSum), Σ q_in = \(sums.inputSum), K = \(sums.count)\n"
    out += "      Σ q_w·q_in − Z1·Σ q_w − Z2·Σ q_in + K·Z2·Z1 = \(sums.products) − (\(inputZero))·(\(sums.weightSum)) − (\(terms.weightZeroPoint))·(\(sums.inputSum)) + \(sums.count)·(\(terms.weightZeroPoint))·(\(inputZero)) = \(sums.accumulator)\n"
    out += "\nthe worst case of each layer, over every input its type can hold:\n"
    for layer in layers {
        let layerWeights = try QuantizedWeights(tensor: layer.weights, in: model)
        guard let range = layer.input.type.integerRange else { continue }
        let bound = AccumulatorBound(layerWeights, inputRange: range, inputZeroPoint: layer.inputZeroPoint)
        let reached = accumulate(layerWeights, input: try context.referenceCodes(of: layer.input.index), inputZeroPoint: layer.inputZeroPoint)
        // The accumulator furthest from 0, with its sign: the one the bound must hold.
        let seen = reached.max { abs(Int64($0)) < abs(Int64($1)) } ?? 0
        out += "  operator \(layer.operatorIndex): K = \(layerWeights.inputCount), acc in [\(bound.smallest), \(bound.largest)], \(bound.bits) bits; this digit reaches \(seen) before its bias\n"
    }
    return out
}
