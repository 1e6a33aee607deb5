// The narration of chapter 4 (`workbook chapter 4`): one neuron's int32 accumulator on a real
// digit, term by term, then the same sum by the four-term expansion, then each layer's bound.

import Ch01TFLiteFile
import Ch04ZeroPointMatmul
import Ch09Network

func narrateChapter4(_ context: NarrationContext) throws -> String {
    let model = context.model
    let network = try Network(model: model, family: .reference)
    let run = try network.run(pixels: context.pixels)
    let layers = try model.fullyConnectedLayers()
    guard let first = layers.first, let input = run.tensors[first.input.index]?.integers else {
        throw CommandFailure("\(context.modelPath): no quantized FULLY_CONNECTED layer to narrate")
    }
    let weights = try QuantizedWeights(tensor: first.weights, in: model)
    let inputZero = Int32(first.inputZeroPoint)
    let acc = accumulate(weights, input: input, inputZeroPoint: inputZero)
    // The neuron this digit excites most: its accumulator is the largest.
    let neuron = acc.indices.max { acc[$0] < acc[$1] }!
    var out = "\(context.modelPath), operator \(first.operatorIndex), neuron \(neuron) (the largest accumulator), on \(context.digitSource)\n"
    let weightZero = weights.zeroPoints[neuron]
    out += "Z1 = \(inputZero) (the input's zero point), Z2 = \(weightZero) (the weights' zero point)\n"
    let ink = input.indices.filter { input[$0] != inputZero }
    out += "\(ink.count) of \(input.count) inputs differ from Z1; the others add (q_w − Z2)·0 = 0\n"
    out += "(4.1) the first terms (q_w − Z2)·(q_in − Z1):\n"
    let row = Array(weights.row(neuron))
    for k in ink.prefix(4) {
        out += "      k = \(k): (\(difference(row[k], weightZero)))·(\(difference(input[k], inputZero))) = \((row[k] - weightZero) * (input[k] - inputZero))\n"
    }
    out += "      … summed over all \(input.count) inputs: acc = \(acc[neuron])\n"
    let products = zip(row, input).reduce(Int32(0)) { $0 + $1.0 * $1.1 }
    let (weightSum, inputSum, count) = (row.reduce(0, +), input.reduce(0, +), Int32(input.count))
    out += "(4.2) Σ q_w·q_in = \(products), Σ q_w = \(weightSum), Σ q_in = \(inputSum), K = \(count)\n"
    out += "      Σ q_w·q_in − Z1·Σ q_w − Z2·Σ q_in + K·Z2·Z1 = \(products) − (\(inputZero))·(\(weightSum)) − (\(weightZero))·(\(inputSum)) + \(count)·(\(weightZero))·(\(inputZero)) = \(products - inputZero * weightSum - weightZero * inputSum + count * weightZero * inputZero)\n"
    out += "\nthe worst case of each layer, over every input its type can hold:\n"
    for layer in layers {
        let layerWeights = try QuantizedWeights(tensor: layer.weights, in: model)
        guard let range = layer.input.type.integerRange else { continue }
        let bound = AccumulatorBound(layerWeights, inputRange: Int32(range.lowerBound)...Int32(range.upperBound),
                                     inputZeroPoint: Int32(layer.inputZeroPoint))
        let seen = run.accumulators[layer.output.index]?.map { abs(Int64($0)) }.max() ?? 0
        out += "  operator \(layer.operatorIndex): K = \(layerWeights.inputCount), acc in [\(bound.smallest), \(bound.largest)], \(bound.bits) bits; this digit reaches \(seen) with its bias\n"
    }
    return out
}

/// "a − b", written "a + |b|" when b is negative, as one would by hand.
func difference(_ a: Int32, _ b: Int32) -> String { b < 0 ? "\(a) + \(-b)" : "\(a) − \(b)" }
