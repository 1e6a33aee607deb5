// Chapter 1 — opening a .tflite file: one clear error for every way it can be unusable.

import Foundation

/// An error about a file the user gave us: it names the file and says what is wrong.
public struct ModelFileError: Error, Equatable, CustomStringConvertible {
    public let file: String
    public let reason: String
    public init(file: String, reason: String) { (self.file, self.reason) = (file, reason) }
    public var description: String { "\(file): \(reason)" }
}

extension Model {
    /// The largest file the workbook reads whole. Our models are under 2 MB; the cap keeps a
    /// wrong path (a disk image, a video) from becoming a huge allocation.
    public static let maximumFileSize = 256 << 20

    /// Reads, decodes and validates a .tflite file.
    public static func load(path: String) throws(ModelFileError) -> Model {
        let bytes = try readFile(path)
        do {
            let model = try Model(flatBuffer: FlatBuffer(bytes: bytes))
            try model.validate()
            return model
        } catch {
            throw ModelFileError(file: path, reason: "\(error)")
        }
    }

    static func readFile(_ path: String) throws(ModelFileError) -> [UInt8] {
        let bytes: [UInt8]
        do { bytes = try UserFile.read(path, kind: "a .tflite file", maximumBytes: maximumFileSize) } catch {
            throw ModelFileError(file: error.path, reason: error.reason)
        }
        guard !bytes.isEmpty else { throw ModelFileError(file: path, reason: "is empty") }
        guard bytes.count >= 8 else {
            throw ModelFileError(file: path, reason: "is \(bytes.count) bytes, too short to be a FlatBuffer")
        }
        return bytes
    }
}
