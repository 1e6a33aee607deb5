// Chapter 1 — decoding a .tflite FlatBuffer into the values of Model.swift.
//
// Each table is read field by field with the field's number in schema.fbs (its position in
// the table's declaration, counting from 0). A union field takes two numbers: its type byte,
// then its table. Everything not listed here (signatures, metadata, sparsity…) is skipped.

extension Model {
    /// Decodes a model from the bytes of a .tflite file. Bounds are checked on every read;
    /// indices and buffer sizes are checked by `validate()`, which `load` calls.
    public init(flatBuffer: FlatBuffer) throws {
        let identifier = try flatBuffer.fileIdentifier()
        guard identifier == "TFL3" else {
            let shown = identifier.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7f }
                ? "'\(identifier)'" : "not text"
            throw FlatBufferError("the file identifier is \(shown), expected 'TFL3': this is not a TensorFlow Lite model")
        }
        // snippet.model-table
        // table Model { version:uint; operator_codes:[OperatorCode]; subgraphs:[SubGraph];
        //               description:string; buffers:[Buffer]; … }
        let root = try flatBuffer.rootTable()
        version = try root.scalar(0, default: UInt32(0), "Model.version")
        operatorCodes = try root.tables(1, "Model.operator_codes").map(OperatorCode.init(table:))
        subgraphs = try root.tables(2, "Model.subgraphs").enumerated().map { try Subgraph(table: $1, index: $0) }
        description = try root.string(3, "Model.description") ?? ""
        buffers = try root.tables(4, "Model.buffers").map { try Buffer(table: $0, file: flatBuffer) }
        // snippet.end
        guard !subgraphs.isEmpty else { throw FlatBufferError("the model has no subgraph") }
    }
}

extension OperatorCode {
    // table OperatorCode { deprecated_builtin_code:byte; custom_code:string;
    //                      version:int = 1; builtin_code:BuiltinOperator; }
    init(table: Table) throws {
        deprecatedBuiltinCode = try table.scalar(0, default: Int8(0), "OperatorCode.deprecated_builtin_code")
        customCode = try table.string(1, "OperatorCode.custom_code")
        version = try table.scalar(2, default: Int32(1), "OperatorCode.version")
        builtinCode = try table.scalar(3, default: Int32(0), "OperatorCode.builtin_code")
    }
}

extension Subgraph {
    // table SubGraph { tensors:[Tensor]; inputs:[int]; outputs:[int];
    //                  operators:[Operator]; name:string; }
    init(table: Table, index: Int) throws {
        let what = "SubGraph \(index)"
        tensors = try table.tables(0, "\(what).tensors").enumerated().map { try Tensor(table: $1, index: $0) }
        inputs = try table.integers(1, as: Int32.self, "\(what).inputs").map(Int.init)
        outputs = try table.integers(2, as: Int32.self, "\(what).outputs").map(Int.init)
        operators = try table.tables(3, "\(what).operators").enumerated().map { try Operator(table: $1, index: $0) }
        name = try table.string(4, "\(what).name") ?? ""
    }
}

extension Tensor {
    // snippet.tensor-table
    // table Tensor { shape:[int]; type:TensorType; buffer:uint; name:string;
    //                quantization:QuantizationParameters; … }
    init(table: Table, index: Int) throws {
        let what = "tensor \(index)"
        self.index = index
        shape = try table.integers(0, as: Int32.self, "\(what) shape").map(Int.init)
        type = TensorType(code: try table.scalar(1, default: Int8(0), "\(what) type"))
        buffer = Int(try table.scalar(2, default: UInt32(0), "\(what) buffer"))
        name = try table.string(3, "\(what) name") ?? ""
        quantization = try table.table(4, "\(what) quantization").flatMap { try Quantization(table: $0, tensor: what) }
    }
    // snippet.end
}

extension Quantization {
    // snippet.quantization-table
    // table QuantizationParameters { min:[float]; max:[float]; scale:[float];
    //     zero_point:[long]; details:QuantizationDetails (a union: 2 fields); quantized_dimension:int; }
    /// Nil when the table holds no scale: a float tensor may carry an empty table.
    init?(table: Table, tensor: String) throws {
        scales = try table.floats(2, "\(tensor) scales")
        // The schema stores int64; every code type the kernels use fits in int32, so a zero
        // point that does not is damage, refused here, where it is read.
        let stored = try table.integers(3, as: Int64.self, "\(tensor) zero points")
        zeroPoints = try stored.map { value in
            guard let zeroPoint = Int32(exactly: value) else { throw FlatBufferError("\(tensor) has zero point \(value), beyond int32") }
            return zeroPoint
        }
        quantizedDimension = Int(try table.scalar(6, default: Int32(0), "\(tensor) quantized dimension"))
        if scales.isEmpty { return nil }
    }
    // snippet.end
}

extension Buffer {
    // table Buffer { data:[ubyte]; offset:ulong; size:ulong; }
    // Models past 2 GB cannot address their weights with 32-bit offsets, so the converter
    // leaves `data` empty and records where the bytes are in the file instead (offset > 1).
    init(table: Table, file: FlatBuffer) throws {
        if let data = try table.vector(0, elementSize: 1, "Buffer.data") {
            bytes = file.bytes[data.start..<data.start + data.count]
            return
        }
        let offset = try table.scalar(1, default: UInt64(0), "Buffer.offset")
        let size = try table.scalar(2, default: UInt64(0), "Buffer.size")
        guard offset > 1 else { bytes = []; return }
        guard offset <= UInt64(file.bytes.count), size <= UInt64(file.bytes.count) - offset else {
            throw FlatBufferError("a buffer stored at byte \(offset) with \(size) bytes lies past the end of the file (\(file.bytes.count) bytes)")
        }
        bytes = file.bytes[Int(offset)..<Int(offset + size)]
    }
}

extension Operator {
    // table Operator { opcode_index:uint; inputs:[int]; outputs:[int];
    //                  builtin_options:BuiltinOptions (a union: type byte, then table); … }
    init(table: Table, index: Int) throws {
        let what = "operator \(index)"
        self.index = index
        opcodeIndex = Int(try table.scalar(0, default: UInt32(0), "\(what) opcode index"))
        inputs = try table.integers(1, as: Int32.self, "\(what) inputs").map(Int.init)
        outputs = try table.integers(2, as: Int32.self, "\(what) outputs").map(Int.init)
        let unionType = try table.scalar(3, default: UInt8(0), "\(what) options type")
        let optionsTable = try table.table(4, "\(what) options")
        options = try BuiltinOptions(unionType: unionType, table: optionsTable, operator: what)
    }
}

extension BuiltinOptions {
    // snippet.options
    // union BuiltinOptions { NONE, Conv2DOptions (1), DepthwiseConv2DOptions (2), …, Pool2DOptions (5), …,
    //                        FullyConnectedOptions (8), SoftmaxOptions (9), …, ReshapeOptions (17), …,
    //                        ReducerOptions (27), …, StridedSliceOptions (32), …, ShapeOptions (55), …,
    //                        PackOptions (59), … }
    init(unionType: UInt8, table: Table?, operator what: String) throws {
        guard let table else { self = unionType == 0 ? .none : .other(unionType: unionType); return }
        func activation(_ field: Int) throws -> ActivationFunction {
            let code = try table.scalar(field, default: Int8(0), "\(what) fused activation")
            guard let activation = ActivationFunction(code: code) else {
                throw FlatBufferError("\(what) has an unknown fused activation (\(code))")
            }
            return activation
        }
        switch unionType {
        case 1:  // table Conv2DOptions { padding; stride_w; stride_h; fused_activation_function;
                 //                       dilation_w_factor = 1; dilation_h_factor = 1; … }
            self = .convolution(ConvolutionOptions(
                padding: try Self.padding(table, what), strideHeight: try Self.step(table, 2, 0, "stride_h", what),
                strideWidth: try Self.step(table, 1, 0, "stride_w", what),
                dilationHeight: try Self.step(table, 5, 1, "dilation_h_factor", what),
                dilationWidth: try Self.step(table, 4, 1, "dilation_w_factor", what),
                fusedActivation: try activation(3)))
        case 2:  // table DepthwiseConv2DOptions { padding; stride_w; stride_h; depth_multiplier;
                 //     fused_activation_function; dilation_w_factor = 1; dilation_h_factor = 1; }
            self = .convolution(ConvolutionOptions(
                padding: try Self.padding(table, what), strideHeight: try Self.step(table, 2, 0, "stride_h", what),
                strideWidth: try Self.step(table, 1, 0, "stride_w", what),
                dilationHeight: try Self.step(table, 6, 1, "dilation_h_factor", what),
                dilationWidth: try Self.step(table, 5, 1, "dilation_w_factor", what),
                depthMultiplier: try Self.step(table, 3, 0, "depth_multiplier", what),
                fusedActivation: try activation(4)))
        case 5:  // table Pool2DOptions { padding; stride_w; stride_h; filter_width; filter_height;
                 //                       fused_activation_function; }
            self = .pool(PoolOptions(
                padding: try Self.padding(table, what), strideHeight: try Self.step(table, 2, 0, "stride_h", what),
                strideWidth: try Self.step(table, 1, 0, "stride_w", what),
                filterHeight: try Self.step(table, 4, 0, "filter_height", what),
                filterWidth: try Self.step(table, 3, 0, "filter_width", what), fusedActivation: try activation(5)))
        case 27:  // table ReducerOptions { keep_dims:bool; }
            self = .reducer(keepDims: try table.scalar(0, default: UInt8(0), "\(what) keep_dims") != 0)
        case 8:  // table FullyConnectedOptions { fused_activation_function:ActivationFunctionType; … }
            let fused = try activation(0)
            let keepNumDims = try table.scalar(2, default: UInt8(0), "\(what) keep_num_dims") != 0
            self = .fullyConnected(fusedActivation: fused, keepNumDims: keepNumDims)
        case 9:  // table SoftmaxOptions { beta:float; }
            let beta = try table.float32(0, default: 0, "\(what) softmax beta")
            // The converter writes β = 1; a β that is not a positive number makes no softmax.
            guard beta.isFinite, beta > 0 else { throw FlatBufferError("\(what) is a SOFTMAX with β = \(beta), not a positive number") }
            self = .softmax(beta: beta)
        case 17:  // table ReshapeOptions { new_shape:[int]; }
            self = .reshape(newShape: try table.integers(0, as: Int32.self, "\(what) new shape"))
        case 32:  // table StridedSliceOptions { begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask:int; offset:bool; }
            func mask(_ field: Int, _ name: String) throws -> Int32 { try table.scalar(field, default: Int32(0), "\(what) \(name)") }
            self = .stridedSlice(StridedSliceMasks(
                begin: try mask(0, "begin_mask"), end: try mask(1, "end_mask"), ellipsis: try mask(2, "ellipsis_mask"),
                newAxis: try mask(3, "new_axis_mask"), shrinkAxis: try mask(4, "shrink_axis_mask"),
                offset: try table.scalar(5, default: UInt8(0), "\(what) offset") != 0))
        case 55:  // table ShapeOptions { out_type:TensorType; }
            self = .shape(outputType: TensorType(code: try table.scalar(0, default: Int8(0), "\(what) out_type")))
        case 59:  // table PackOptions { values_count:int; axis:int; }
            self = .pack(valuesCount: try table.scalar(0, default: Int32(0), "\(what) values_count"),
                         axis: try table.scalar(1, default: Int32(0), "\(what) axis"))
        default:
            self = .other(unionType: unionType)
        }
    }
    // snippet.end

    /// `enum Padding : byte { SAME, VALID }`; any other byte is damage.
    static func padding(_ table: Table, _ what: String) throws -> Padding {
        switch try table.scalar(0, default: Int8(0), "\(what) padding") {
        case 0: .same
        case 1: .valid
        case let code: throw FlatBufferError("\(what) has padding \(code), neither SAME (0) nor VALID (1)")
        }
    }

    /// The largest stride, dilation, window or depth multiplier the workbook reads: far beyond
    /// any image it computes (28×28), and small enough that no size formed from it overflows.
    static let largestStep: Int32 = 1 << 16

    /// A stride, dilation factor, window size or depth multiplier: an int32 that must be at
    /// least 1 (TFLite would divide by a zero stride), read with the schema's default.
    static func step(_ table: Table, _ field: Int, _ fallback: Int32, _ name: String, _ what: String) throws -> Int {
        let value = try table.scalar(field, default: fallback, "\(what) \(name)")
        guard (1...largestStep).contains(value) else {
            throw FlatBufferError("\(what) has \(name) = \(value); it must be between 1 and \(largestStep)")
        }
        return Int(value)
    }
}
