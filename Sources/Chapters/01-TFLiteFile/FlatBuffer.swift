// Chapter 1 — reading the .tflite file.
//
// A .tflite file is a FlatBuffer: a tree of tables that point at each other with 32-bit
// offsets, read in place without unpacking. This file is the whole FlatBuffer format as far as
// the workbook needs it, written so that every read is checked against the end of the file: a
// damaged or hostile file gives a `FlatBufferError`, never a crash or a huge allocation.
// Prose: chapters/01-tflite-file.md. Format: flatbuffers.dev, "Internals".

/// Why a FlatBuffer could not be read, and at which byte.
public struct FlatBufferError: Error, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The bytes of a FlatBuffer, with bounds-checked little-endian reads.
public struct FlatBuffer: Sendable {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Fails unless `count` bytes starting at `position` lie inside the file.
    func requireBytes(_ count: Int, at position: Int, for what: String) throws {
        guard position >= 0, count >= 0, position <= bytes.count - count else {
            throw FlatBufferError(
                "\(what) at byte \(position) needs \(count) bytes, past the end of the file (\(bytes.count) bytes)")
        }
    }

    // snippet.little-endian
    /// FlatBuffers stores every scalar little-endian, whatever the machine.
    func integer<T: FixedWidthInteger>(_: T.Type, at position: Int, for what: String) throws -> T {
        let size = MemoryLayout<T>.size
        try requireBytes(size, at: position, for: what)
        var bits: UInt64 = 0
        for byte in 0..<size {
            bits |= UInt64(bytes[position + byte]) << (8 * byte)
        }
        return T(truncatingIfNeeded: bits)
    }
    // snippet.end

    func float32(at position: Int, for what: String) throws -> Float {
        Float(bitPattern: try integer(UInt32.self, at: position, for: what))
    }

    /// The 4-character file identifier after the root offset: "TFL3" for TensorFlow Lite.
    public func fileIdentifier() throws -> String {
        try requireBytes(8, at: 0, for: "the root offset and file identifier")
        return String(decoding: bytes[4..<8], as: UTF8.self)
    }

    // snippet.root
    /// The root table: the file starts with a 32-bit offset to it.
    public func rootTable() throws -> Table {
        let offset = try integer(UInt32.self, at: 0, for: "the root offset")
        return try Table(in: self, at: Int(offset), for: "the root table")
    }
    // snippet.end
}

/// A table: a position in the buffer plus its vtable, which says where each field lives.
public struct Table: Sendable {
    public let buffer: FlatBuffer
    public let position: Int
    let vtablePosition: Int
    let vtableSize: Int
    let objectSize: Int

    // snippet.vtable
    /// A table starts with a signed offset back to its vtable: a list of 16-bit field offsets,
    /// preceded by the vtable's own size and the table's size, both in bytes.
    init(in buffer: FlatBuffer, at position: Int, for what: String) throws {
        let backToVtable = try buffer.integer(Int32.self, at: position, for: what)
        let vtablePosition = position - Int(backToVtable)
        let vtableSize = Int(try buffer.integer(UInt16.self, at: vtablePosition, for: "the vtable of \(what)"))
        let objectSize = Int(try buffer.integer(UInt16.self, at: vtablePosition + 2, for: "the vtable of \(what)"))
        guard vtableSize >= 4, vtableSize % 2 == 0 else {
            throw FlatBufferError("the vtable of \(what) at byte \(vtablePosition) has an impossible size (\(vtableSize) bytes)")
        }
        try buffer.requireBytes(vtableSize, at: vtablePosition, for: "the vtable of \(what)")
        try buffer.requireBytes(max(objectSize, 4), at: position, for: what)
        (self.buffer, self.position) = (buffer, position)
        (self.vtablePosition, self.vtableSize, self.objectSize) = (vtablePosition, vtableSize, objectSize)
    }

    /// Where field number `id` (0, 1, 2… in schema order) sits, or nil when it is absent,
    /// which means "use the schema's default".
    func fieldPosition(_ id: Int, size: Int, for what: String) throws -> Int? {
        let slot = 4 + 2 * id
        guard slot + 2 <= vtableSize else { return nil }  // an older writer: field not known then
        let offset = Int(try buffer.integer(UInt16.self, at: vtablePosition + slot, for: what))
        guard offset != 0 else { return nil }
        guard offset + size <= objectSize else {
            throw FlatBufferError("\(what) at byte \(position + offset) lies outside its table (\(objectSize) bytes)")
        }
        return position + offset
    }
    // snippet.end

    /// A scalar field, or `defaultValue` when the writer left it out.
    public func scalar<T: FixedWidthInteger>(_ id: Int, default defaultValue: T, _ what: String) throws -> T {
        guard let at = try fieldPosition(id, size: MemoryLayout<T>.size, for: what) else { return defaultValue }
        return try buffer.integer(T.self, at: at, for: what)
    }

    public func float32(_ id: Int, default defaultValue: Float, _ what: String) throws -> Float {
        guard let at = try fieldPosition(id, size: 4, for: what) else { return defaultValue }
        return try buffer.float32(at: at, for: what)
    }

    /// Follows an offset field (to a table, vector or string): offsets count from where they
    /// are stored.
    func target(_ id: Int, _ what: String) throws -> Int? {
        guard let at = try fieldPosition(id, size: 4, for: what) else { return nil }
        let offset = try buffer.integer(UInt32.self, at: at, for: what)
        let target = at + Int(offset)
        try buffer.requireBytes(4, at: target, for: what)
        return target
    }

    public func table(_ id: Int, _ what: String) throws -> Table? {
        guard let at = try target(id, what) else { return nil }
        return try Table(in: buffer, at: at, for: what)
    }

    public func vector(_ id: Int, elementSize: Int, _ what: String) throws -> Vector? {
        guard let at = try target(id, what) else { return nil }
        return try Vector(in: buffer, at: at, elementSize: elementSize, for: what)
    }

    public func string(_ id: Int, _ what: String) throws -> String? {
        guard let bytes = try vector(id, elementSize: 1, what) else { return nil }
        return String(decoding: buffer.bytes[bytes.start..<bytes.start + bytes.count], as: UTF8.self)
    }

    // Typed vectors of scalars, each checked before anything is allocated.
    public func integers<T: FixedWidthInteger>(_ id: Int, as _: T.Type, _ what: String) throws -> [T] {
        guard let vector = try vector(id, elementSize: MemoryLayout<T>.size, what) else { return [] }
        return try (0..<vector.count).map { try buffer.integer(T.self, at: vector.position(of: $0), for: what) }
    }

    public func floats(_ id: Int, _ what: String) throws -> [Float] {
        guard let vector = try vector(id, elementSize: 4, what) else { return [] }
        return try (0..<vector.count).map { try buffer.float32(at: vector.position(of: $0), for: what) }
    }

    public func tables(_ id: Int, _ what: String) throws -> [Table] {
        guard let vector = try vector(id, elementSize: 4, what) else { return [] }
        return try (0..<vector.count).map { index in
            let at = vector.position(of: index)
            let offset = try buffer.integer(UInt32.self, at: at, for: "\(what)[\(index)]")
            return try Table(in: buffer, at: at + Int(offset), for: "\(what)[\(index)]")
        }
    }
}

/// A vector: a 32-bit element count followed by the elements.
public struct Vector: Sendable {
    /// Where the first element is.
    public let start: Int
    public let count: Int
    let elementSize: Int

    // snippet.vector
    init(in buffer: FlatBuffer, at position: Int, elementSize: Int, for what: String) throws {
        let count = Int(try buffer.integer(UInt32.self, at: position, for: "the length of \(what)"))
        // Check the whole extent now, so that a corrupt length can never become an allocation.
        let (extent, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow, position + 4 <= buffer.bytes.count - extent else {
            throw FlatBufferError(
                "\(what) at byte \(position) declares \(count) elements of \(elementSize) bytes, past the end of the file (\(buffer.bytes.count) bytes)")
        }
        (self.start, self.count, self.elementSize) = (position + 4, count, elementSize)
    }
    // snippet.end

    func position(of index: Int) -> Int { start + index * elementSize }
}
