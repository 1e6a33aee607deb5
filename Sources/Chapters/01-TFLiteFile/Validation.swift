// Chapter 1 — the checks that make a decoded model safe to compute with.
//
// The FlatBuffer reader guarantees that every byte it read was inside the file. These checks
// guarantee what the file's contents promise each other: indices point at things that exist,
// and every constant tensor's buffer holds exactly the bytes its shape and type call for.

extension Model {
    public func validate() throws {
        for subgraph in subgraphs {
            let tensorCount = subgraph.tensors.count
            for tensor in subgraph.tensors {
                try validate(tensor)
            }
            for index in subgraph.inputs + subgraph.outputs where !(0..<tensorCount).contains(index) {
                throw FlatBufferError("the subgraph's inputs or outputs name tensor \(index), but it has \(tensorCount) tensors")
            }
            for op in subgraph.operators {
                guard (0..<operatorCodes.count).contains(op.opcodeIndex) else {
                    throw FlatBufferError("operator \(op.index) uses opcode index \(op.opcodeIndex), but the model has \(operatorCodes.count) operator codes")
                }
                let code = operatorCodes[op.opcodeIndex]
                guard code.customCode != nil || (0...BuiltinOperatorName.largestKnownCode).contains(code.code) else {
                    throw FlatBufferError("operator \(op.index) uses op code \(code.code), which is not a TFLite builtin operator (the largest is \(BuiltinOperatorName.largestKnownCode))")
                }
                // −1 marks an optional input that is left out.
                for index in op.inputs where index != -1 && !(0..<tensorCount).contains(index) {
                    throw FlatBufferError("operator \(op.index) (\(code.name)) reads tensor \(index), but the subgraph has \(tensorCount) tensors")
                }
                for index in op.outputs where !(0..<tensorCount).contains(index) {
                    throw FlatBufferError("operator \(op.index) (\(code.name)) writes tensor \(index), but the subgraph has \(tensorCount) tensors")
                }
            }
        }
    }

    // snippet.buffer-size
    /// A constant tensor's buffer must hold exactly elementCount × byteWidth bytes: a shorter
    /// one would make the weights run off its end.
    func validate(_ tensor: Tensor) throws {
        let what = "tensor \(tensor.index) '\(tensor.name)'"
        guard (0..<buffers.count).contains(tensor.buffer) else {
            throw FlatBufferError("\(what) uses buffer \(tensor.buffer), but the model has \(buffers.count) buffers")
        }
        guard let count = tensor.elementCount else {
            throw FlatBufferError("\(what) has an impossible shape \(tensor.shape)")
        }
        let stored = buffers[tensor.buffer].bytes.count
        if stored > 0, let width = tensor.type.byteWidth {
            let (needed, overflow) = count.multipliedReportingOverflow(by: width)
            guard !overflow, stored == needed else {
                throw FlatBufferError("\(what) has shape \(tensor.shape) of \(tensor.type) (\(count) values, \(overflow ? "too many" : "\(needed)") bytes), but its buffer \(tensor.buffer) holds \(stored) bytes")
            }
        }
        // snippet.end
        if let quantization = tensor.quantization {
            try validate(quantization, of: tensor, what)
        }
    }

    func validate(_ quantization: Quantization, of tensor: Tensor, _ what: String) throws {
        guard quantization.zeroPoints.count == quantization.scales.count else {
            throw FlatBufferError("\(what) has \(quantization.scales.count) scales but \(quantization.zeroPoints.count) zero points")
        }
        // A subnormal scale is no step size a converter writes, and 1/S would overflow float32.
        if let odd = quantization.scales.first(where: { !($0.isNormal && $0 > 0) }) {
            throw FlatBufferError("\(what) has scale \(odd), not a positive normal float32")
        }
        // Checked once, here: every later chapter adds and subtracts zero points in int32
        // without asking again whether they are codes of the tensor's type.
        if let codes = tensor.type.integerRange, let outside = quantization.zeroPoints.first(where: { !codes.contains($0) }) {
            throw FlatBufferError("\(what) has zero point \(outside), which is not a \(tensor.type) code (\(codes.lowerBound)...\(codes.upperBound))")
        }
        if quantization.isPerChannel {
            let axis = quantization.quantizedDimension
            guard tensor.shape.indices.contains(axis), tensor.shape[axis] == quantization.scales.count else {
                throw FlatBufferError("\(what) has \(quantization.scales.count) scales along dimension \(axis) of shape \(tensor.shape)")
            }
        }
    }
}
