// Chapter 1 — which operator an `OperatorCode` names (schema.fbs `enum BuiltinOperator : int32`).

/// The operators the workbook computes; every other operator is named and refused.
public enum SupportedOperator: String, CaseIterable, Sendable {
    case fullyConnected = "FULLY_CONNECTED"
    case softmax = "SOFTMAX"
    case quantize = "QUANTIZE"
    case dequantize = "DEQUANTIZE"
    case reshape = "RESHAPE"

    /// The builtin code in the schema.
    public var code: Int32 {
        switch self {
        case .fullyConnected: 9
        case .softmax: 25
        case .quantize: 114
        case .dequantize: 6
        case .reshape: 22
        }
    }

    public init?(code: Int32) {
        guard let op = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = op
    }

    /// "FULLY_CONNECTED, SOFTMAX, QUANTIZE, DEQUANTIZE, RESHAPE", for error messages.
    public static var list: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

public enum BuiltinOperatorName {
    /// The largest builtin code in the schema of ai-edge-litert 2.3.0 (STABLEHLO_CASE = 209).
    /// A larger code was written by a newer converter than the workbook knows, or is damage.
    public static let largestKnownCode: Int32 = 209

    /// Names of a few operators a reader is likely to meet in other models, so that a refusal
    /// can say "CONV_2D" rather than "builtin operator 3".
    static let common: [Int32: String] = [
        0: "ADD", 1: "AVERAGE_POOL_2D", 2: "CONCATENATION", 3: "CONV_2D", 4: "DEPTHWISE_CONV_2D",
        14: "LOGISTIC", 17: "MAX_POOL_2D", 18: "MUL", 19: "RELU", 21: "RELU6", 28: "TANH",
        34: "PAD", 39: "TRANSPOSE", 40: "MEAN", 41: "SUB", 43: "SQUEEZE", 45: "STRIDED_SLICE",
        56: "ARG_MAX", 98: "LEAKY_RELU", 117: "HARD_SWISH", 126: "BATCH_MATMUL",
    ]

    public static func name(of code: Int32) -> String {
        if let supported = SupportedOperator(code: code) { return supported.rawValue }
        return common[code] ?? "builtin operator \(code)"
    }
}
