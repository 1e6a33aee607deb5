// Chapter 3 — reading MNIST's own files: the IDX format, gzip-compressed or not.
//
// An IDX file is two zero bytes, a type byte (0x08: unsigned bytes, the only type MNIST uses),
// the number of dimensions, each dimension as a big-endian uint32, then the data, row-major.
// We read through zlib's gzread, which reads a plain file as it is and a .gz file decompressed,
// and we read only as many bytes as the header announces (plus one, to notice trailing data), so
// a damaged header or a "zip bomb" can never make us allocate more than `maximumDataBytes`.
// Prose: chapters/03-float-network.md. Python twin: tools/mnist_data.py `load_idx`.

import Ch01TFLiteFile
import CZlib
import Foundation

/// Why an IDX file cannot be read: "PATH: reason".
public struct IDXError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) { (self.path, self.reason) = (path, reason) }
    public var description: String { "\(path): \(reason)" }
}

/// An IDX file of unsigned bytes: its dimensions and its data.
public struct IDXFile: Sendable {
    public let path: String
    /// E.g. [10000, 28, 28] for the test images, [10000] for the test labels.
    public let dimensions: [Int]
    /// dimensions.reduce(1, *) bytes, row-major.
    public let data: [UInt8]

    /// The largest data we read: 64 MiB. MNIST's largest file, the 60,000 training images,
    /// holds 47,040,000 bytes; a header announcing more is damaged or not MNIST.
    public static let maximumDataBytes = 64 << 20

    /// Reads an IDX file of unsigned bytes, gzip-compressed or not, checking its header against
    /// its size before allocating anything the header asks for.
    public static func read(path: String) throws(IDXError) -> IDXFile {
        let stream = try CompressedStream(path: path)
        defer { stream.close() }
        // snippet.idx-header
        let magic = try stream.read(exactly: 4, for: "the magic number")
        guard magic[0] == 0, magic[1] == 0 else {
            throw IDXError(path: path, reason: "not an IDX file: it starts with \(hex(magic)), not 00 00")
        }
        guard magic[2] == 0x08 else {
            throw IDXError(path: path, reason: "IDX element type \(elementTypeName(magic[2])) is not supported; MNIST uses 0x08 (unsigned bytes)")
        }
        let dimensionCount = Int(magic[3])
        guard dimensionCount > 0 else { throw IDXError(path: path, reason: "the header declares 0 dimensions") }
        let header = try stream.read(exactly: 4 * dimensionCount, for: "\(dimensionCount) dimensions")
        let dimensions = (0..<dimensionCount).map { index in
            header[(4 * index)..<(4 * index + 4)].reduce(0) { $0 << 8 | Int($1) }  // big-endian
        }
        // Multiply with a cap, so a damaged header is refused before anything is allocated.
        var size = 1
        for dimension in dimensions {
            let (product, overflow) = size.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= maximumDataBytes else {
                throw IDXError(path: path, reason: "the header declares \(shape(dimensions)) bytes, more than the \(maximumDataBytes) bytes we read")
            }
            size = product
        }
        // snippet.end
        let data = try stream.read(exactly: size, for: "the \(shape(dimensions)) = \(size) bytes of data the header declares")
        guard try stream.read(atMost: 1).isEmpty else {
            throw IDXError(path: path, reason: "bytes follow the \(size) bytes of data the header declares")
        }
        return IDXFile(path: path, dimensions: dimensions, data: data)
    }

    static func shape(_ dimensions: [Int]) -> String { dimensions.map(String.init).joined(separator: "×") }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined(separator: " ") }

    static func elementTypeName(_ code: UInt8) -> String {
        let names: [UInt8: String] = [0x09: "signed bytes", 0x0B: "int16", 0x0C: "int32", 0x0D: "float32", 0x0E: "float64"]
        return String(format: "0x%02x", code) + (names[code].map { " (\($0))" } ?? "")
    }
}

/// zlib's gzFile: reads a .gz file decompressed, and any other file as it is.
private final class CompressedStream {
    let path: String
    private var file: gzFile?

    init(path: String) throws(IDXError) {
        self.path = path
        // The file holds at most the data and its header (4 bytes, then 4 per dimension, at most
        // 255 of them: 1,024 bytes); gzip only ever makes MNIST's files smaller.
        do { try UserFile.check(path, kind: "an IDX file", maximumBytes: IDXFile.maximumDataBytes + 4 + 4 * 255) } catch {
            throw IDXError(path: error.path, reason: error.reason)
        }
        guard let opened = gzopen(path, "rb") else { throw IDXError(path: path, reason: "cannot be opened") }
        file = opened
    }

    func close() {
        if let file { gzclose(file) }
        file = nil
    }

    /// Up to `count` bytes; fewer only at the end of the file.
    func read(atMost count: Int) throws(IDXError) -> [UInt8] {
        guard let file else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let chunk = UInt32(min(count - filled, 1 << 20))
            let got = bytes.withUnsafeMutableBytes { gzread(file, $0.baseAddress! + filled, chunk) }
            if got < 0 {
                var code: Int32 = 0
                var message = gzerror(file, &code).map { String(cString: $0) } ?? "a read error"
                // zlib names the file first ("PATH: incorrect data check"); our error names it already.
                if message.hasPrefix("\(path): ") { message.removeFirst(path.count + 2) }
                throw IDXError(path: path, reason: "the gzip data is damaged (\(message))")
            }
            if got == 0 { break }
            filled += Int(got)
        }
        return Array(bytes[..<filled])
    }

    func read(exactly count: Int, for what: String) throws(IDXError) -> [UInt8] {
        let bytes = try read(atMost: count)
        guard bytes.count == count else {
            throw IDXError(path: path, reason: "the file ends \(bytes.count) bytes into \(what); it is cut short")
        }
        return bytes
    }
}

/// MNIST images with their labels: two IDX files that must agree.
public struct LabeledImages: Sendable {
    /// One array of rows × columns pixels per image, row-major, 0 = background, 255 = ink.
    public let images: [[UInt8]]
    /// The digit each image shows, 0…9.
    public let labels: [Int]
    public let rows: Int
    public let columns: Int

    public var count: Int { images.count }

    /// MNIST's test set in `directory`: t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz.
    public static func mnistTestSet(in directory: String) throws(IDXError) -> LabeledImages {
        let base = URL(fileURLWithPath: directory)
        return try read(images: base.appendingPathComponent("t10k-images-idx3-ubyte.gz").path,
                        labels: base.appendingPathComponent("t10k-labels-idx1-ubyte.gz").path)
    }

    public static func read(images: String, labels: String) throws(IDXError) -> LabeledImages {
        try LabeledImages(images: IDXFile.read(path: images), labels: IDXFile.read(path: labels))
    }

    public init(images: IDXFile, labels: IDXFile) throws(IDXError) {
        guard images.dimensions.count == 3 else {
            throw IDXError(path: images.path, reason: "images need 3 dimensions (count, rows, columns), the header declares \(IDXFile.shape(images.dimensions))")
        }
        guard labels.dimensions.count == 1 else {
            throw IDXError(path: labels.path, reason: "labels need 1 dimension (count), the header declares \(IDXFile.shape(labels.dimensions))")
        }
        let (count, rows, columns) = (images.dimensions[0], images.dimensions[1], images.dimensions[2])
        // An image of no pixels would let `count` be anything without any data behind it.
        guard rows > 0, columns > 0 else {
            throw IDXError(path: images.path, reason: "images of \(rows)×\(columns) pixels have no pixels")
        }
        guard labels.dimensions[0] == count else {
            throw IDXError(path: labels.path, reason: "\(labels.dimensions[0]) labels for the \(count) images of \(images.path)")
        }
        if let bad = labels.data.firstIndex(where: { $0 > 9 }) {
            throw IDXError(path: labels.path, reason: "label \(bad) is \(labels.data[bad]), not a digit 0…9")
        }
        let size = rows * columns
        self.images = (0..<count).map { Array(images.data[($0 * size)..<(($0 + 1) * size)]) }
        self.labels = labels.data.map(Int.init)
        (self.rows, self.columns) = (rows, columns)
    }
}
