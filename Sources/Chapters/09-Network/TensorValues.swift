// Chapter 9 — what a tensor holds while the network runs: integer codes, or float32 reals.

/// The values of one tensor for one image, flattened (the batch dimension is 1).
public enum TensorValues: Sendable, Equatable {
    /// Codes of an int8, uint8 or int32 tensor, widened to Int32.
    case integers([Int32])
    /// A float32 tensor: the float model, or the ends of a float-I/O model.
    case floats([Float])

    public var integers: [Int32]? { if case .integers(let values) = self { values } else { nil } }
    public var floats: [Float]? { if case .floats(let values) = self { values } else { nil } }
    public var count: Int { integers?.count ?? floats?.count ?? 0 }

    /// The index of the largest value, the first one on a tie (as numpy's argmax).
    public var indexOfMaximum: Int {
        switch self {
        case .integers(let values): values.indices.max { values[$0] < values[$1] || (values[$0] == values[$1] && $0 > $1) } ?? 0
        case .floats(let values): values.indices.max { values[$0] < values[$1] || (values[$0] == values[$1] && $0 > $1) } ?? 0
        }
    }
}
