// A small JSON writer: keys stay in the order we give them, so the output reads like the
// issue's description of it and diffs cleanly.

public enum JSON: Sendable {
    case null, bool(Bool), int(Int), double(Double), float(Float), string(String)
    case array([JSON]), object([(String, JSON)])

    public var text: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        // Swift prints the shortest decimal that reads back as the same number.
        case .double(let value): value.isFinite ? "\(value)" : "null"
        case .float(let value): value.isFinite ? "\(value)" : "null"
        case .string(let value): JSON.quote(value)
        case .array(let items): "[" + items.map(\.text).joined(separator: ", ") + "]"
        case .object(let fields):
            "{" + fields.map { "\(JSON.quote($0.0)): \($0.1.text)" }.joined(separator: ", ") + "}"
        }
    }

    public static func quote(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
