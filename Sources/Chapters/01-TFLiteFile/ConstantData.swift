// Chapter 1 — a constant tensor's values, read from its buffer: the weights and biases every
// later chapter computes with. Validation.swift has already checked that the buffer holds
// exactly elementCount × byteWidth bytes; here we only give the bytes their type.

extension Model {
    /// The integer codes of a constant int8, uint8 or int32 tensor, widened to Int32.
    public func codes(of tensor: Tensor) throws -> [Int32] {
        let bytes = try constantBytes(of: tensor)
        switch tensor.type {
        case .int8: return bytes.map { Int32(Int8(bitPattern: $0)) }
        case .uint8: return bytes.map { Int32($0) }
        case .int32: return words(bytes).map { Int32(bitPattern: $0) }
        default: throw FlatBufferError("tensor \(tensor.index) '\(tensor.name)' is \(tensor.type), not int8, uint8 or int32 codes")
        }
    }

    /// The values of a constant float32 tensor.
    public func floats(of tensor: Tensor) throws -> [Float] {
        guard tensor.type == .float32 else {
            throw FlatBufferError("tensor \(tensor.index) '\(tensor.name)' is \(tensor.type), not float32")
        }
        return words(try constantBytes(of: tensor)).map(Float.init(bitPattern:))
    }

    func constantBytes(of tensor: Tensor) throws -> ArraySlice<UInt8> {
        let bytes = buffers[tensor.buffer].bytes
        guard !bytes.isEmpty else { throw FlatBufferError("tensor \(tensor.index) '\(tensor.name)' has no constant data") }
        return bytes
    }

    /// Little-endian 32-bit words, as FlatBuffers stores every scalar (FlatBuffer.swift).
    func words(_ bytes: ArraySlice<UInt8>) -> [UInt32] {
        stride(from: bytes.startIndex, to: bytes.endIndex, by: 4).map { at in
            (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * $1) }
        }
    }
}
