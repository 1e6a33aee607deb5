// Chapter 1 — which operator an `OperatorCode` names (schema.fbs `enum BuiltinOperator : int32`).

/// The operators the workbook computes; every other operator is named and refused.
public enum SupportedOperator: String, CaseIterable, Sendable {
    case fullyConnected = "FULLY_CONNECTED"
    case softmax = "SOFTMAX"
    case quantize = "QUANTIZE"
    case dequantize = "DEQUANTIZE"
    case reshape = "RESHAPE"
    // Keras's Flatten with no fixed batch: the converter computes the new shape at run time
    // from the input's shape. The workbook evaluates them once, from the static shapes
    // (ShapeArithmetic.swift), and only where they compute a shape.
    case shape = "SHAPE"
    case stridedSlice = "STRIDED_SLICE"
    case pack = "PACK"
    // Part two: convolutional networks (chapters 14 to 16).
    case conv2D = "CONV_2D"
    case depthwiseConv2D = "DEPTHWISE_CONV_2D"
    case maxPool2D = "MAX_POOL_2D"
    case averagePool2D = "AVERAGE_POOL_2D"
    case mean = "MEAN"

    /// The builtin code in the schema.
    public var code: Int32 {
        switch self {
        case .fullyConnected: 9
        case .softmax: 25
        case .quantize: 114
        case .dequantize: 6
        case .reshape: 22
        case .shape: 77
        case .stridedSlice: 45
        case .pack: 83
        case .conv2D: 3
        case .depthwiseConv2D: 4
        case .maxPool2D: 17
        case .averagePool2D: 1
        case .mean: 40
        }
    }

    public init?(code: Int32) {
        guard let op = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = op
    }

    /// The operators of part two, computed by chapters 14 and 15 rather than by chapter 9.
    public var isConvolutional: Bool {
        switch self {
        case .conv2D, .depthwiseConv2D, .maxPool2D, .averagePool2D, .mean: true
        default: false
        }
    }

    /// The operators with weights: their (S1, S2, S3) are a layer's (LayerScales.swift).
    public var hasWeights: Bool { self == .fullyConnected || self == .conv2D || self == .depthwiseConv2D }

    /// The operators that only compute a shape (an int32 vector), never touch an image's values.
    public var computesShape: Bool { self == .shape || self == .stridedSlice || self == .pack }

    /// "FULLY_CONNECTED, SOFTMAX, QUANTIZE, DEQUANTIZE, RESHAPE, and SHAPE, STRIDED_SLICE, PACK
    /// where they compute a static shape", for error messages.
    public static var list: String {
        let values = allCases.filter { !$0.computesShape }.map(\.rawValue).joined(separator: ", ")
        let shapes = allCases.filter(\.computesShape).map(\.rawValue).joined(separator: ", ")
        return "\(values), and \(shapes) where they compute a reshape's static shape"
    }
}

public enum BuiltinOperatorName {
    /// The largest builtin code in the schema of ai-edge-litert 2.3.0 (STABLEHLO_CASE = 209).
    /// A larger code was written by a newer converter than the workbook knows, or is damage.
    public static var largestKnownCode: Int32 { Int32(names.count - 1) }

    /// The schema's name of a builtin code: "CONV_2D" rather than "builtin operator 3".
    public static func name(of code: Int32) -> String {
        guard code >= 0, code < names.count else { return "builtin operator \(code)" }
        return names[Int(code)]
    }
}
