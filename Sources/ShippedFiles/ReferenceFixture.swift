// What TFLite itself computed, dumped by tools/reference.py into models/fixtures/: the oracle
// every chapter's tests compare against. The header says which script, runtime, resolver and
// model produced it, so a failing test can say how to regenerate it.

import Foundation

public struct ReferenceFixture: Decodable, Sendable {
    public let generatedBy: String
    public let command: String
    public let litertVersion: String
    public let model: String
    public let modelSHA256: String
    public let imageSource: String
    public let images: [Image]
    public let pixels: EncodedData
    public let tensors: [TensorDetails]
    public let operators: [OperatorDetails]
    public let input: TensorData
    public let runs: [Run]
    /// The reals pixels 0 and 255 stood for when the input was made ([lo, hi], the workbook's
    /// `--input-range`); nil: the workbook's default mapping (chapter 2).
    public let inputRange: [Float]?

    public struct Image: Decodable, Sendable { public let row: Int; public let label: Int }

    /// One tensor as LiteRT's `get_tensor_details()` reports it.
    public struct TensorDetails: Decodable, Sendable {
        public let index: Int
        public let name: String
        public let dtype: String
        public let shape: [Int]
        public let scales: [Double]
        public let zeroPoints: [Int]
        public let quantizedDimension: Int
    }

    public struct OperatorDetails: Decodable, Sendable {
        public let index: Int
        public let op: String
        public let inputs: [Int]
        public let outputs: [Int]
    }

    /// One tensor's values for every fixture image, concatenated in image order.
    public struct TensorData: Decodable, Sendable {
        public let index: Int
        public let name: String
        public let dtype: String
        public let shape: [Int]
        public let data: EncodedData
        /// The values as integers (int8, uint8, int32), decoded once; nil for another dtype.
        public let integers: [Int]?
        /// The values of a float32 tensor, decoded once; nil for another dtype.
        public let floats: [Float]?

        enum CodingKeys: String, CodingKey { case index, name, dtype, shape, data }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            index = try container.decode(Int.self, forKey: .index)
            name = try container.decode(String.self, forKey: .name)
            dtype = try container.decode(String.self, forKey: .dtype)
            shape = try container.decode([Int].self, forKey: .shape)
            data = try container.decode(EncodedData.self, forKey: .data)
            integers = data.integers(dtype: dtype)
            floats = dtype == "float32" ? data.float32s : nil
        }

        /// The integer values of each image, or nil for a float tensor.
        public var integersPerImage: [[Int]]? {
            integers.map { all in stride(from: 0, to: all.count, by: countPerImage).map { Array(all[$0..<($0 + countPerImage)]) } }
        }
        /// The float32 values of each image, or nil for an integer tensor.
        public var floatsPerImage: [[Float]]? {
            floats.map { all in stride(from: 0, to: all.count, by: countPerImage).map { Array(all[$0..<($0 + countPerImage)]) } }
        }
        /// Values per image: the product of the shape (its batch dimension is 1).
        public var countPerImage: Int { shape.reduce(1, *) }
        /// The values for image `image`.
        public func integers(image: Int) -> ArraySlice<Int>? {
            integers?[(image * countPerImage)..<((image + 1) * countPerImage)]
        }
        public func floats(image: Int) -> ArraySlice<Float>? {
            floats?[(image * countPerImage)..<((image + 1) * countPerImage)]
        }
    }

    /// One interpreter run over every image: LiteRT under an op resolver, or TFLite Micro.
    public struct Run: Decodable, Sendable {
        /// BUILTIN_REF, BUILTIN_WITHOUT_DEFAULT_DELEGATES, AUTO, or TFLM.
        public let resolver: String
        public let runtime: String?
        public let outputs: [TensorData]?
        /// Why this runtime could not run the model (TFLite Micro refuses uint8).
        public let skipped: String?
    }

    public func run(_ resolver: String) -> Run? { runs.first { $0.resolver == resolver && $0.outputs != nil } }

    /// The pixels of fixture image `image`, 0…255, row-major: the images share `pixels` equally
    /// (784 each, 28×28 MNIST digits).
    public func pixels(ofImage image: Int) -> [UInt8] {
        let size = pixels.bytes.count / max(images.count, 1)
        return Array(pixels.bytes[(image * size)..<((image + 1) * size)])
    }
}

extension ReferenceFixture.Run {
    /// The tensor `index` that this run wrote, per image.
    public func floatsPerImage(tensor index: Int) throws -> [[Float]] {
        guard let values = outputs?.first(where: { $0.index == index })?.floatsPerImage else {
            throw FixtureError("the \(resolver) run has no float32 tensor \(index)")
        }
        return values
    }

    public func integersPerImage(tensor index: Int) throws -> [[Int]] {
        guard let values = outputs?.first(where: { $0.index == index })?.integersPerImage else {
            throw FixtureError("the \(resolver) run has no integer tensor \(index)")
        }
        return values
    }
}

/// Base64 of little-endian bytes, as written by tools/reference.py.
public struct EncodedData: Decodable, Sendable {
    public let bytes: [UInt8]

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not base64"))
        }
        bytes = [UInt8](data)
    }

    public func integers(dtype: String) -> [Int]? {
        switch dtype {
        case "int8": return bytes.map { Int(Int8(bitPattern: $0)) }
        case "uint8": return bytes.map { Int($0) }
        case "int32": return stride(from: 0, to: bytes.count, by: 4).map { Int(Int32(bitPattern: word(at: $0))) }
        default: return nil
        }
    }

    var float32s: [Float] { stride(from: 0, to: bytes.count, by: 4).map { Float(bitPattern: word(at: $0)) } }

    private func word(at position: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[position + $1]) << (8 * $1) }
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
