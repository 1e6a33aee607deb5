// The few ways the narrations and `workbook trace` write numbers into text, in one place.

import Foundation

/// Left-aligns `text` in a column of `width` characters, with at least one space after it.
public func padded(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}

/// A table row: each cell padded to its width, columns two spaces apart.
public func tableRow(_ cells: [String], widths: [Int]) -> String {
    zip(cells, widths).map { $0.padding(toLength: max($1, $0.count), withPad: " ", startingAt: 0) }.joined(separator: "  ")
}

/// "− 3" or "+ 128": subtracting a value, written without a double sign.
public func minusTerm<Value: SignedInteger>(_ value: Value) -> String { value < 0 ? "+ \(-Int64(value))" : "− \(value)" }

/// "+ 3" or "− 12": adding a value.
public func plusTerm<Value: SignedInteger>(_ value: Value) -> String { value < 0 ? "− \(-Int64(value))" : "+ \(value)" }

/// A number with a fixed count of decimals.
public func decimal(_ value: Double, _ places: Int) -> String { String(format: "%.\(places)f", value) }

/// "−5…7", or the one value when the two are equal.
public func span<Value: Comparable>(_ low: Value, _ high: Value, separator: String = "…") -> String {
    low == high ? "\(low)" : "\(low)\(separator)\(high)"
}
