// Fixture tensors split per image once: `integers(image:)` decodes the whole tensor on every call,
// which the debug build of a loop over 64 images feels.

import ReferenceFixtures

extension ReferenceFixture.TensorData {
    /// The integer values of each image, or nil for a float tensor.
    var integersPerImage: [[Int]]? {
        guard let all = integers else { return nil }
        let size = shape.reduce(1, *)
        return stride(from: 0, to: all.count, by: size).map { Array(all[$0..<($0 + size)]) }
    }

    /// The float32 values of each image, or nil for an integer tensor.
    var floatsPerImage: [[Float]]? {
        guard let all = floats else { return nil }
        let size = shape.reduce(1, *)
        return stride(from: 0, to: all.count, by: size).map { Array(all[$0..<($0 + size)]) }
    }
}
