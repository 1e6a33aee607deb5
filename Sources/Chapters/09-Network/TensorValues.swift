// Chapter 9 — what a tensor holds while the network runs: integer codes, or float32 reals.

import Ch02Affine

/// The values of one tensor for one image, flattened (the batch dimension is 1).
public enum TensorValues: Sendable, Equatable {
    /// Codes of an int8, uint8 or int32 tensor, widened to Int32.
    case integers([Int32])
    /// A float32 tensor: the float model, or the ends of a float-I/O model.
    case floats([Float])

    /// A model's input tensor for an image (chapter 2).
    public init(_ input: InputValues) {
        switch input {
        case .quantized(let codes, _): self = .integers(codes)
        case .real(let reals): self = .floats(reals)
        }
    }

    public var integers: [Int32]? { if case .integers(let values) = self { values } else { nil } }
    public var floats: [Float]? { if case .floats(let values) = self { values } else { nil } }
    public var count: Int { integers?.count ?? floats?.count ?? 0 }

    /// The index of the largest value, the first one on a tie (chapter 2's argmax).
    public var indexOfMaximum: Int {
        switch self {
        case .integers(let values): argmax(values)
        case .floats(let values): argmax(values)
        }
    }
}
