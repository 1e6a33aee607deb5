// Chapter 1 — the part of the TFLite schema the workbook reads, as plain Swift values.
//
// The names follow schema.fbs (the `Model`, `SubGraph`, `Tensor`, `Buffer`, `Operator` and
// `OperatorCode` tables) so that a reader can hold this file beside the schema. Decoding is in
// ModelReader.swift; the checks that make a model safe to compute with are in Validation.swift.

/// A whole .tflite file.
public struct Model: Sendable {
    /// The schema version the converter wrote (3 for every current converter).
    public var version: UInt32
    public var description: String
    public var operatorCodes: [OperatorCode]
    public var subgraphs: [Subgraph]
    public var buffers: [Buffer]

    /// The network itself: TFLite runs subgraph 0 unless told otherwise.
    public var main: Subgraph { subgraphs[0] }
}

/// One entry of the model's operator table; operators refer to it by index.
public struct OperatorCode: Sendable, Equatable {
    /// The pre-2020 field: a byte, so it cannot hold codes above 127.
    public var deprecatedBuiltinCode: Int8
    /// The current field, an int32; older files leave it out, and it then reads as 0 (ADD).
    public var builtinCode: Int32
    public var customCode: String?
    public var version: Int32

    // snippet.builtin-code
    /// The operator this entry names. Files written before 2020 have only the byte field;
    /// newer files write both, with the byte field pinned at 127 for codes above 127.
    /// TFLite reads the larger of the two, and so do we.
    public var code: Int32 { max(builtinCode, Int32(deprecatedBuiltinCode)) }
    // snippet.end

    public var name: String {
        if let customCode { return "custom operator '\(customCode)'" }
        return BuiltinOperatorName.name(of: code)
    }
}

/// One subgraph: its tensors, and the operators that read and write them.
public struct Subgraph: Sendable {
    public var name: String
    public var tensors: [Tensor]
    /// Tensor indices fed by the caller, and read back by the caller.
    public var inputs: [Int]
    public var outputs: [Int]
    /// In execution order: TFLite runs them one after another.
    public var operators: [Operator]
}

/// A tensor: a name, a shape, an element type, where its constant data is, and how its
/// integers map to real numbers.
public struct Tensor: Sendable {
    public var index: Int
    public var name: String
    public var type: TensorType
    public var shape: [Int]
    /// Index into `Model.buffers`; buffer 0 is the empty buffer of every activation tensor.
    public var buffer: Int
    public var quantization: Quantization?

    /// The number of elements, or nil if the shape is not a shape (negative, or overflowing).
    public var elementCount: Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }
}

/// `QuantizationParameters`: r = S·(q − Z), with one (S, Z) pair per tensor, or one per slice
/// along `quantizedDimension` (per-channel quantization).
public struct Quantization: Sendable, Equatable {
    public var scales: [Float]
    /// Stored as int64 in the file; read as int32, the type every kernel computes with, and
    /// checked to be a code of the tensor's type (Validation.swift).
    public var zeroPoints: [Int32]
    /// The axis that has one scale per slice; 0 (output channels) for FULLY_CONNECTED weights.
    public var quantizedDimension: Int

    public var isPerChannel: Bool { scales.count > 1 }
}

/// Raw constant data: the weights and biases, little-endian.
public struct Buffer: Sendable {
    public var bytes: ArraySlice<UInt8>
}

/// One operator: what it computes, which tensors it reads and writes, and its options.
public struct Operator: Sendable {
    public var index: Int
    /// Index into `Model.operatorCodes`.
    public var opcodeIndex: Int
    /// Tensor indices; −1 marks an optional input left out (a FULLY_CONNECTED without bias).
    public var inputs: [Int]
    public var outputs: [Int]
    public var options: BuiltinOptions
}

/// The builtin options the workbook reads: a FlatBuffers union, a type byte plus a table.
public enum BuiltinOptions: Sendable, Equatable {
    case none
    case fullyConnected(fusedActivation: ActivationFunction, keepNumDims: Bool)
    case softmax(beta: Float)
    case reshape(newShape: [Int32])
    case stridedSlice(StridedSliceMasks)
    case pack(valuesCount: Int32, axis: Int32)
    case shape(outputType: TensorType)
    /// CONV_2D and DEPTHWISE_CONV_2D (part two): the window's geometry and the fused activation.
    case convolution(ConvolutionOptions)
    /// MAX_POOL_2D and AVERAGE_POOL_2D.
    case pool(PoolOptions)
    /// MEAN (and the other reductions): whether the reduced dimensions stay, as 1.
    case reducer(keepDims: Bool)
    /// Options of an operator the workbook does not compute: only their union tag is kept.
    case other(unionType: UInt8)

    /// The activation folded into the operator (FULLY_CONNECTED, the convolutions, pooling).
    public var fusedActivation: ActivationFunction? {
        switch self {
        case .fullyConnected(let activation, _): activation
        case .convolution(let options): options.fusedActivation
        case .pool(let options): options.fusedActivation
        default: nil
        }
    }
}

/// `Padding`: how a window that would hang over the image's edge is placed.
public enum Padding: String, Sendable, Equatable {
    /// Output size ⌈in/stride⌉: the input is padded as evenly as possible (chapter 14).
    case same = "SAME"
    /// Output size ⌈(in − window + 1)/stride⌉: the window never leaves the image.
    case valid = "VALID"
}

/// `Conv2DOptions` and `DepthwiseConv2DOptions`, one shape: a plain convolution has depth
/// multiplier 1. Every number is checked where it is read (ModelReader.swift): at least 1, and
/// small enough that no size computed from it overflows.
public struct ConvolutionOptions: Sendable, Equatable {
    public var padding: Padding
    public var strideHeight: Int
    public var strideWidth: Int
    public var dilationHeight: Int
    public var dilationWidth: Int
    /// DEPTHWISE_CONV_2D: output channels per input channel; 1 for CONV_2D.
    public var depthMultiplier: Int
    public var fusedActivation: ActivationFunction

    public init(padding: Padding, strideHeight: Int, strideWidth: Int, dilationHeight: Int = 1, dilationWidth: Int = 1,
                depthMultiplier: Int = 1, fusedActivation: ActivationFunction = .none) {
        (self.padding, self.strideHeight, self.strideWidth) = (padding, strideHeight, strideWidth)
        (self.dilationHeight, self.dilationWidth) = (dilationHeight, dilationWidth)
        (self.depthMultiplier, self.fusedActivation) = (depthMultiplier, fusedActivation)
    }
}

/// `Pool2DOptions`: the window's size and steps, and the fused activation.
public struct PoolOptions: Sendable, Equatable {
    public var padding: Padding
    public var strideHeight: Int
    public var strideWidth: Int
    public var filterHeight: Int
    public var filterWidth: Int
    public var fusedActivation: ActivationFunction

    public init(padding: Padding, strideHeight: Int, strideWidth: Int, filterHeight: Int, filterWidth: Int,
                fusedActivation: ActivationFunction = .none) {
        (self.padding, self.strideHeight, self.strideWidth) = (padding, strideHeight, strideWidth)
        (self.filterHeight, self.filterWidth, self.fusedActivation) = (filterHeight, filterWidth, fusedActivation)
    }
}

/// `StridedSliceOptions`: bit i of a mask speaks about dimension i of the sliced tensor.
public struct StridedSliceMasks: Sendable, Equatable {
    /// Ignore begin[i] (start at the first element) / end[i] (stop after the last).
    public var begin: Int32
    public var end: Int32
    public var ellipsis: Int32
    public var newAxis: Int32
    /// Keep only element begin[i] and drop dimension i (how `x.shape[0]` is written).
    public var shrinkAxis: Int32
    /// end[i] counts from begin[i] instead of from 0.
    public var offset: Bool

    public init(begin: Int32 = 0, end: Int32 = 0, ellipsis: Int32 = 0, newAxis: Int32 = 0, shrinkAxis: Int32 = 0, offset: Bool = false) {
        (self.begin, self.end, self.ellipsis, self.newAxis, self.shrinkAxis, self.offset) = (begin, end, ellipsis, newAxis, shrinkAxis, offset)
    }
}

/// `ActivationFunctionType`: a nonlinearity fused into the operator before its output is stored.
public enum ActivationFunction: String, Sendable, Equatable {
    case none = "NONE"
    case relu = "RELU"
    case reluN1To1 = "RELU_N1_TO_1"
    case relu6 = "RELU6"
    case tanh = "TANH"
    case signBit = "SIGN_BIT"

    public init?(code: Int8) {
        let all: [ActivationFunction] = [.none, .relu, .reluN1To1, .relu6, .tanh, .signBit]
        guard code >= 0, Int(code) < all.count else { return nil }
        self = all[Int(code)]
    }
}
