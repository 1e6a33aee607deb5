// Chapter 1 — opening a file a person gave us, the one way every command does it: models here,
// MNIST's IDX files in chapter 3, pictures in chapter 10. A regular file only (a FIFO or a
// device could block or never end), its size checked against a cap before a byte is read, and
// the path and the reason in every error.

import Foundation

/// "PATH: reason", for any file a person named.
public struct UserFileError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) { (self.path, self.reason) = (path, reason) }
    public var description: String { "\(path): \(reason)" }
}

public enum UserFile {
    /// Checks that `path` is a regular file of at most `maximumBytes`. `kind` names what it
    /// should be, for the message about a directory ("a .tflite file").
    public static func check(_ path: String, kind: String, maximumBytes: Int) throws(UserFileError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw UserFileError(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw UserFileError(path: path, reason: "is a directory, not \(kind)") }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard attributes?[.type] as? FileAttributeType == .typeRegular else {
            throw UserFileError(path: path, reason: "is not a regular file")
        }
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maximumBytes else {
            throw UserFileError(path: path, reason: "is \(size) bytes, more than the \(maximumBytes) we read")
        }
    }

    /// The whole file, once `check` has passed.
    public static func read(_ path: String, kind: String, maximumBytes: Int) throws(UserFileError) -> [UInt8] {
        try check(path, kind: kind, maximumBytes: maximumBytes)
        guard let handle = FileHandle(forReadingAtPath: path) else { throw UserFileError(path: path, reason: "cannot be opened") }
        defer { try? handle.close() }
        // Read at most one byte past the cap, in case the file grew after it was checked.
        guard let data = try? handle.read(upToCount: maximumBytes + 1) ?? Data() else {
            throw UserFileError(path: path, reason: "cannot be read")
        }
        guard data.count <= maximumBytes else { throw UserFileError(path: path, reason: "grew beyond \(maximumBytes) bytes while it was read") }
        return [UInt8](data)
    }
}
