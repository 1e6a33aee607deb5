// Chapter 5's narration (`workbook chapter 5`): the int32 bias of one neuron, what its scale is,
// and what acc + bias means as a real number. The layer reads, and is compared with, the codes
// TFLite's reference kernels wrote (the context's reference tensors).

import Ch01TFLiteFile
import Ch02Affine
import Ch04ZeroPointMatmul

public func narrateChapter5(_ context: NarrationContext) throws -> String {
    let model = context.model
    guard let layer = try model.fullyConnectedLayers().first, let biasTensor = layer.bias,
          let s1 = layer.inputScale, let s3 = layer.outputScale, let biasScales = biasTensor.quantization?.scales else {
        throw NarrationError("no quantized FULLY_CONNECTED layer with a bias to narrate")
    }
    let (input, output) = (try context.referenceCodes(of: layer.input.index), try context.referenceCodes(of: layer.output.index))
    let weights = try QuantizedWeights(tensor: layer.weights, in: model)
    let bias = try QuantizedBias(tensor: biasTensor, in: model, outputCount: weights.outputCount)
    let products = accumulate(weights, input: input, inputZeroPoint: layer.inputZeroPoint)
    // The neuron this digit excites most, as in chapter 4.
    let neuron = argmax(products)
    let s2 = layer.weightScales[layer.weightScales.count == 1 ? 0 : neuron]
    let storedScale = biasScales[biasScales.count == 1 ? 0 : neuron]
    var out = "\(context.modelPath), operator \(layer.operatorIndex), neuron \(neuron), on \(context.digit.source)\n"
    out += "the bias tensor \(biasTensor.index) is \(biasTensor.type) \(biasTensor.shape), zero point \(biasTensor.quantization?.zeroPoints.first ?? 0)\n"
    out += "S1·S2 = \(s1) × \(s2) = \(Double(s1) * Double(s2)); its stored scale is \(storedScale)\n"
    out += "bias code \(bias.codes[neuron]) stands for \(storedScale) × \(bias.codes[neuron]) = \(Double(storedScale) * Double(bias.codes[neuron]))\n"
    let acc = bias.added(to: products[neuron], channel: neuron)
    out += "(5.1) acc = \(products[neuron]) \(plusTerm(bias.codes[neuron])) = \(acc)\n"
    let real = Double(s1) * Double(s2) * Double(acc)
    out += "      as a real number: S1·S2·acc = \(decimal(real, 6))\n"
    out += "      in steps of S3 = \(s3): \(decimal(real / Double(s3), 4)); the output code is \(output[neuron]) = Z3 + \(Int64(output[neuron]) - Int64(layer.outputZeroPoint)) (chapters 6 and 7)\n"
    let folded = bias.folded(into: weights, inputZeroPoint: layer.inputZeroPoint)
    out += "(5.2) XNNPACK's folded bias, b − Z1·Σ q_w + K·Z2·Z1 = \(folded[neuron]); its kernel then adds Σ (q_w − Z2)·q_in\n"
    return out
}
