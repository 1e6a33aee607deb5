// Chapter 1 — Keras's Flatten as the converter writes it, evaluated from the static shapes.
//
// A Keras model whose input has no fixed batch (`Input(shape=(28, 28))`) does not know at
// conversion time how many images a call will carry, so the converter writes the flattening
// as a small program on shapes, run before every call:
//
//     s = SHAPE(x)                      [1, 28, 28]   (the batch, 1 here, is only known now)
//     b = STRIDED_SLICE(s, [0], [1])    1             (shrink_axis_mask = 1: the batch, a scalar)
//     t = PACK(b, −1)                   [1, −1]
//     y = RESHAPE(x, t)                 [1, 784]      (−1: whatever makes the count right)
//
// The file stores every shape with the batch as 1, and the workbook runs one image at a time,
// so the program has one answer. We evaluate it once, here; a network then treats the RESHAPE
// as what it is: the same values under another shape. SHAPE, STRIDED_SLICE and PACK are
// accepted only where they compute such a shape; on an image's values they are refused.

/// What the shape operators of a model compute, and the shape each RESHAPE gives its output.
public struct StaticShapes: Sendable {
    /// The int32 values of every tensor that a SHAPE, STRIDED_SLICE or PACK writes.
    public let values: [Int: [Int32]]
    /// For each RESHAPE, by operator index: the shape of its output, −1 resolved.
    public let reshapes: [Int: [Int]]
    /// The operators that only compute shapes, by index.
    public let shapeOperators: Set<Int>
    /// For each RESHAPE's output tensor, the tensor it reshapes: the same values.
    public let reshapeSources: [Int: Int]

    /// The tensor whose values `tensor` holds under another shape: followed back through every
    /// RESHAPE (itself when no RESHAPE wrote it).
    public func valuesSource(of tensor: Int) -> Int {
        var current = tensor
        for _ in 0..<reshapeSources.count { guard let source = reshapeSources[current] else { break }; current = source }
        return current
    }
}

extension Model {
    /// Evaluates every SHAPE, STRIDED_SLICE, PACK and RESHAPE of the main subgraph from the
    /// static shapes, or names the operator that is not a static reshape.
    public func staticShapes() throws -> StaticShapes {
        let graph = main
        var values: [Int: [Int32]] = [:]
        var reshapes: [Int: [Int]] = [:]
        var reshapeSources: [Int: Int] = [:]
        var shapeOperators: Set<Int> = []
        for op in graph.operators {
            guard let code = SupportedOperator(code: operatorCodes[op.opcodeIndex].code) else { continue }
            let what = "operator \(op.index) (\(code.rawValue))"
            switch code {
            case .shape:
                guard op.inputs.count == 1, op.inputs[0] >= 0, op.outputs.count == 1 else { throw FlatBufferError("\(what) needs one input and one output") }
                let shape = graph.tensors[op.inputs[0]].shape
                values[op.outputs[0]] = try shape.map { dimension in
                    guard let value = Int32(exactly: dimension) else { throw FlatBufferError("\(what): dimension \(dimension) is beyond int32") }
                    return value
                }
            case .stridedSlice:
                guard op.inputs.count == 4, op.outputs.count == 1 else { throw FlatBufferError("\(what) needs four inputs and one output") }
                let input = try shapeVector(op.inputs[0], values, what)
                let (begin, end, strides) = (try shapeVector(op.inputs[1], values, what), try shapeVector(op.inputs[2], values, what),
                                             try shapeVector(op.inputs[3], values, what))
                let masks: StridedSliceMasks
                switch op.options {
                case .stridedSlice(let stored): masks = stored
                case .none: masks = StridedSliceMasks()
                default: throw FlatBufferError("\(what) has options of another operator")
                }
                values[op.outputs[0]] = try sliceShape(input, begin: begin, end: end, strides: strides, masks: masks, what)
            case .pack:
                guard !op.inputs.isEmpty, op.outputs.count == 1 else { throw FlatBufferError("\(what) needs inputs and one output") }
                var axis: Int32 = 0
                if case .pack(let count, let storedAxis) = op.options {
                    guard Int(count) == op.inputs.count else { throw FlatBufferError("\(what) packs \(op.inputs.count) values but says \(count)") }
                    axis = storedAxis
                }
                var packed: [Int32] = []
                for index in op.inputs {
                    let value = try shapeVector(index, values, what)
                    guard value.count == 1, index >= 0, graph.tensors[index].shape.isEmpty || graph.tensors[index].shape == [1] else {
                        throw FlatBufferError("\(what) packs tensors that are not single numbers; the workbook evaluates only the packing of a shape")
                    }
                    packed += value
                }
                guard axis == 0 || axis == -1 else { throw FlatBufferError("\(what) packs along axis \(axis) of single numbers") }
                values[op.outputs[0]] = packed
            case .reshape:
                guard !op.inputs.isEmpty, op.inputs[0] >= 0, op.outputs.count == 1 else { throw FlatBufferError("\(what) needs an input and an output") }
                let (source, target) = (graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]])
                // The new shape: TFLite takes the second input if there is one, else the option.
                var requested: [Int32]
                if op.inputs.count > 1, op.inputs[1] >= 0 {
                    requested = try shapeVector(op.inputs[1], values, what)
                } else if case .reshape(let newShape) = op.options, !newShape.isEmpty {
                    requested = newShape
                } else {
                    requested = try target.shape.map { guard let d = Int32(exactly: $0) else { throw FlatBufferError("\(what): output dimension \($0) is beyond int32") }; return d }
                }
                let shape = try resolveReshape(requested, elementCount: source.elementCount ?? 0, what)
                guard shape == target.shape else {
                    throw FlatBufferError("\(what) gives tensor \(source.index) the shape \(shape), but its output tensor \(target.index) is stored as \(target.shape)")
                }
                reshapes[op.index] = shape
                reshapeSources[target.index] = source.index
                continue
            default:
                continue
            }
            shapeOperators.insert(op.index)
        }
        try requireShapesFeedOnlyReshapes(values, graph)
        return StaticShapes(values: values, reshapes: reshapes, shapeOperators: shapeOperators, reshapeSources: reshapeSources)
    }

    /// A small int32 vector: one a shape operator computed, or a constant int32 tensor.
    func shapeVector(_ index: Int, _ values: [Int: [Int32]], _ what: String) throws -> [Int32] {
        guard index >= 0 else { throw FlatBufferError("\(what) leaves out an input it needs") }
        if let computed = values[index] { return computed }
        let tensor = main.tensors[index]
        // A shape has a few entries; a longer tensor here is an image's values, not a shape.
        guard tensor.type == .int32, !buffers[tensor.buffer].bytes.isEmpty, (tensor.elementCount ?? .max) <= 16 else {
            throw FlatBufferError("\(what) reads tensor \(index) '\(tensor.name)' (\(tensor.type) \(tensor.shape)), which is not a shape; the workbook evaluates SHAPE, STRIDED_SLICE and PACK only on shapes")
        }
        return try codes(of: tensor)
    }

    /// STRIDED_SLICE of a 1-D vector, as tflite/kernels/internal/strided_slice_logic.h: negative
    /// indices count from the end, masks replace begin or end, shrink keeps one element.
    func sliceShape(_ input: [Int32], begin: [Int32], end: [Int32], strides: [Int32], masks: StridedSliceMasks,
                    _ what: String) throws -> [Int32] {
        guard begin.count == 1, end.count == 1, strides.count == 1, masks.ellipsis == 0, masks.newAxis == 0 else {
            throw FlatBufferError("\(what) slices in more than one dimension; the workbook evaluates only a slice of a shape")
        }
        let (n, stride) = (input.count, Int(strides[0]))
        guard stride != 0 else { throw FlatBufferError("\(what) has stride 0") }
        var start = Int(begin[0])
        var stop = masks.offset ? start + Int(end[0]) : Int(end[0])
        if masks.shrinkAxis & 1 != 0 {
            let index = start < 0 ? start + n : start
            guard (0..<n).contains(index) else { throw FlatBufferError("\(what) takes element \(start) of a shape of \(n)") }
            return [input[index]]
        }
        let bounds = stride > 0 ? 0...n : -1...(n - 1)
        start = masks.begin & 1 != 0 ? (stride > 0 ? 0 : n - 1) : min(max(start < 0 ? start + n : start, bounds.lowerBound), bounds.upperBound)
        stop = masks.end & 1 != 0 ? (stride > 0 ? n : -1) : min(max(stop < 0 ? stop + n : stop, bounds.lowerBound), bounds.upperBound)
        // Clamped, start and every index before stop lie inside the vector.
        return Swift.stride(from: start, to: stop, by: stride).map { input[$0] }
    }

    /// The shape a RESHAPE asks for, with its one −1 replaced by what makes the count right.
    func resolveReshape(_ requested: [Int32], elementCount: Int, _ what: String) throws -> [Int] {
        let known = requested.filter { $0 != -1 }
        guard requested.count - known.count <= 1, known.allSatisfy({ $0 >= 0 }) else {
            throw FlatBufferError("\(what) asks for the shape \(requested): at most one −1 and no other negative size")
        }
        var product = 1
        for dimension in known {
            let (next, overflow) = product.multipliedReportingOverflow(by: Int(dimension))
            guard !overflow else { throw FlatBufferError("\(what) asks for the shape \(requested), too many values") }
            product = next
        }
        let inferred = product == 0 ? 0 : elementCount / product
        let shape = requested.map { $0 == -1 ? inferred : Int($0) }
        guard (shape.isEmpty ? 1 : shape.reduce(1, *)) == elementCount || (product == 0 && elementCount == 0) else {
            throw FlatBufferError("\(what) asks for the shape \(requested) for \(elementCount) values")
        }
        return shape
    }

    /// A shape operator's result may go only to another shape operator or to the shape input
    /// of a RESHAPE: anywhere else it would be data, and the workbook does not compute on it.
    func requireShapesFeedOnlyReshapes(_ values: [Int: [Int32]], _ graph: Subgraph) throws {
        for tensor in values.keys.sorted() {
            if graph.outputs.contains(tensor) {
                throw FlatBufferError("the model's output is tensor \(tensor) '\(graph.tensors[tensor].name)', a shape; the workbook's models output digits")
            }
            for op in graph.operators {
                guard let position = op.inputs.firstIndex(of: tensor) else { continue }
                let code = SupportedOperator(code: operatorCodes[op.opcodeIndex].code)
                guard code?.computesShape == true || (code == .reshape && position == 1) else {
                    throw FlatBufferError("operator \(op.index) (\(operatorCodes[op.opcodeIndex].name)) computes with tensor \(tensor) '\(graph.tensors[tensor].name)', a shape; the workbook uses SHAPE, STRIDED_SLICE and PACK only to compute a reshape's shape")
                }
            }
        }
    }
}
