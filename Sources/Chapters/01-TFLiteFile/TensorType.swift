// Chapter 1 — the element types a tensor can have (schema.fbs `enum TensorType : byte`).

/// The type of a tensor's elements, as stored in `Tensor.type`.
public enum TensorType: Equatable, Hashable, Sendable, CustomStringConvertible {
    case float32, float16, int32, uint8, int64, int16, int8
    /// Any other type of the schema (strings, booleans, int4…): readable, never computed.
    case other(code: Int8)

    public init(code: Int8) {
        switch code {
        case 0: self = .float32
        case 1: self = .float16
        case 2: self = .int32
        case 3: self = .uint8
        case 4: self = .int64
        case 7: self = .int16
        case 9: self = .int8
        default: self = .other(code: code)
        }
    }

    /// The name LiteRT's Python API uses for the matching numpy dtype.
    public var description: String {
        switch self {
        case .float32: "float32"
        case .float16: "float16"
        case .int32: "int32"
        case .uint8: "uint8"
        case .int64: "int64"
        case .int16: "int16"
        case .int8: "int8"
        case .other(let code): "type\(code)"
        }
    }

    /// Bytes per element, or nil for types the workbook never reads the data of.
    public var byteWidth: Int? {
        switch self {
        case .int8, .uint8: 1
        case .int16, .float16: 2
        case .int32, .float32: 4
        case .int64: 8
        case .other: nil
        }
    }

    /// The integer codes a quantized tensor of this type can hold. Codes and zero points are
    /// Int32 from here to the last chapter: wide enough for every code type, and the type the
    /// kernels' arithmetic is written in.
    public var integerRange: ClosedRange<Int32>? {
        switch self {
        case .int8: -128...127
        case .uint8: 0...255
        case .int16: -32768...32767
        case .int32: Int32.min...Int32.max
        default: nil
        }
    }
}
