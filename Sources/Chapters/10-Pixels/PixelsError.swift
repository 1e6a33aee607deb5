// Chapter 10 — how reading a picture fails: one line naming the file and the reason, the way
// every `workbook` command reports a bad input. Prose: chapters/10-pixels.md.

/// Why an image cannot become the model's input: "PATH: reason".
public struct PixelsError: Error, Equatable, CustomStringConvertible {
    /// The file, or a name the caller gave to bytes in memory.
    public let path: String
    public let reason: String

    public init(path: String, reason: String) { (self.path, self.reason) = (path, reason) }

    public var description: String { "\(path): \(reason)" }
}
