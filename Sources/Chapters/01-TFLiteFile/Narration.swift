// Chapter 1's narration (`workbook chapter 1`): the .tflite file, walked from its first
// byte to the scale S3 that the seed's author could not find.

public func narrateChapter1(_ context: NarrationContext) throws -> String {
    let model = context.model
    let bytes = try UserFile.read(context.modelFile, kind: "a .tflite file", maximumBytes: Model.maximumFileSize)
    let file = FlatBuffer(bytes: bytes)
    let root = try file.rootTable()
    let graph = model.main
    var out = "\(context.modelPath): \(bytes.count) bytes, a FlatBuffer\n"
    out += "bytes 0-3   the root offset, \(root.position): the Model table starts at byte \(root.position)\n"
    out += "bytes 4-7   the file identifier '\(try file.fileIdentifier())'\n"
    out += "Model       schema version \(model.version), \(model.operatorCodes.count) operator codes, \(model.subgraphs.count) subgraph, \(model.buffers.count) buffers\n"
    for (index, code) in model.operatorCodes.enumerated() {
        out += "opcode \(index)    \(code.name): deprecated_builtin_code \(code.deprecatedBuiltinCode), builtin_code \(code.builtinCode)\n"
    }
    out += "subgraph 0  \(graph.tensors.count) tensors, \(graph.operators.count) operators, input tensor \(graph.inputs), output tensor \(graph.outputs)\n"
    guard let layer = try model.fullyConnectedLayers().first else { return out }
    let op = graph.operators[layer.operatorIndex]
    out += "\noperator \(op.index) (\(model.operatorCodes[op.opcodeIndex].name)) reads tensors \(op.inputs), writes tensor \(op.outputs), fused activation \(layer.fusedActivation.rawValue)\n"
    let weights = layer.weights
    let buffer = model.buffers[weights.buffer].bytes
    out += "tensor \(weights.index)   the weights, \(weights.type) \(weights.shape), \(buffer.count) bytes in buffer \(weights.buffer) at file byte \(buffer.startIndex)\n"
    // Chapter 1's own reading of the buffer: int8 or uint8 codes, by the tensor's type.
    let firstRow = (try? model.codes(of: weights))?.prefix(weights.shape.last ?? 0) ?? []
    if let at = firstRow.firstIndex(where: { $0 != 0 }), let s2 = layer.weightScales.first {
        let code = firstRow[at]
        let zero = layer.weightZeroPoints.first ?? 0
        out += "            row 0, column \(at): code \(code), S2[0] = \(s2), Z2 = \(zero), so it stands for \(s2) × (\(code) − \(zero)) = \(s2 * Float(code - zero))\n"
    }
    out += "tensor \(layer.input.index)   the input:  S1 = \(layer.inputScale ?? 0), Z1 = \(layer.inputZeroPoint)\n"
    out += "tensor \(layer.output.index)   the output: S3 = \(layer.outputScale ?? 0), Z3 = \(layer.outputZeroPoint)   <- S3 lives on the output tensor\n"
    return out
}
