// Chapter 13 — what one tensor holds for a batch of images: a row per image, each row as the
// next kernel reads it. An 8-bit tensor is kept as the unsigned bytes u = q + o (o = 128 for
// int8, 0 for uint8), rows padded with zero bytes to a multiple of 4 (a vpdpbusd group), so
// that a layer's output row is the next layer's input row as it stands.

import Ch09Network

/// One tensor's values for `rows` images.
public final class BatchTensor {
    public enum Kind: Sendable, Equatable {
        /// 8-bit codes stored as code + offset.
        case bytes(offset: Int32)
        /// Int32 values (a shape).
        case integers
        /// float32 reals.
        case floats
    }

    public let kind: Kind
    public let rows: Int
    /// Values per image.
    public let count: Int
    /// Storage per image: `count` rounded up to a multiple of 4 for bytes, `count` otherwise.
    public let stride: Int
    public var bytes: [UInt8]
    public var integers: [Int32]
    public var floats: [Float]

    init(kind: Kind, rows: Int, count: Int) {
        (self.kind, self.rows, self.count) = (kind, rows, count)
        if case .bytes = kind { stride = (count + 3) / 4 * 4 } else { stride = count }
        bytes = []
        integers = []
        floats = []
        switch kind {
        case .bytes: bytes = [UInt8](repeating: 0, count: rows * stride)
        case .integers: integers = [Int32](repeating: 0, count: rows * stride)
        case .floats: floats = [Float](repeating: 0, count: rows * stride)
        }
    }

    /// Image `row`'s values as chapter 9 keeps them: codes (the offset taken off) or reals.
    public func values(row: Int) -> TensorValues {
        let range = (row * stride)..<(row * stride + count)
        switch kind {
        case .bytes(let offset): return .integers(bytes[range].map { Int32($0) - offset })
        case .integers: return .integers(Array(integers[range]))
        case .floats: return .floats(Array(floats[range]))
        }
    }

    /// Writes image `row`'s values, given as chapter 9 keeps them.
    func set(row: Int, _ values: TensorValues) {
        let start = row * stride
        switch (kind, values) {
        case (.bytes(let offset), .integers(let codes)):
            for (i, code) in codes.enumerated() { bytes[start + i] = UInt8(truncatingIfNeeded: code + offset) }
        case (.integers, .integers(let codes)):
            for (i, code) in codes.enumerated() { integers[start + i] = code }
        case (.floats, .floats(let reals)):
            for (i, real) in reals.enumerated() { floats[start + i] = real }
        default:
            preconditionFailure("a \(kind) tensor cannot hold \(values)")  // prevented at preparation
        }
    }

    /// The index of the largest value of image `row`, the first on a tie (chapter 2's argmax).
    public func indexOfMaximum(row: Int) -> Int {
        let start = row * stride
        switch kind {
        case .bytes:  // the offset keeps the order
            var best = 0
            for i in 1..<max(count, 1) where bytes[start + i] > bytes[start + best] { best = i }
            return best
        case .integers, .floats: return values(row: row).indexOfMaximum
        }
    }
}
