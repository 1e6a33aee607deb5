// Where the workbook's own files are: the shipped models, their fixtures and the digits in
// images/digits/, found the same way from any directory and from a copied binary, and never
// through a path compiled into the binary.
//
// The home is the first of: $WORKBOOK_HOME; the nearest directory above the executable that
// holds models/manifest.json (a checkout's .build/debug/workbook, .build/release/workbook);
// PREFIX/share/quantization-workbook beside PREFIX/bin/workbook (an installed copy).

import Foundation

public struct ShippedFilesError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

public enum ShippedFiles {
    /// The file that marks a home.
    static let marker = "models/manifest.json"

    /// The directory holding models/, images/digits/ and models/fixtures/.
    public static func home() throws(ShippedFilesError) -> URL {
        if let home = located.home { return home }
        throw ShippedFilesError(located.problem)
    }

    private static let located: (home: URL?, problem: String) = locate()

    static func locate() -> (URL?, String) {
        let fileManager = FileManager.default
        func isHome(_ directory: URL) -> Bool { fileManager.fileExists(atPath: directory.appendingPathComponent(marker).path) }
        if let variable = ProcessInfo.processInfo.environment["WORKBOOK_HOME"], !variable.isEmpty {
            let directory = URL(fileURLWithPath: variable)
            return isHome(directory) ? (directory, "") : (nil, "WORKBOOK_HOME is \(variable), which holds no \(marker)")
        }
        let executable = URL(fileURLWithPath: executablePath()).resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        while true {
            if isHome(directory) { return (directory, "") }
            let installed = directory.appendingPathComponent("share/quantization-workbook")
            if isHome(installed) { return (installed, "") }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        return (nil, "cannot find the workbook's shipped files (\(marker)) above \(executable.path); "
                + "run the binary from its checkout (.build/…/workbook) or set WORKBOOK_HOME to the checkout")
    }

    /// The running executable: /proc/self/exe on Linux, else the path it was started by.
    static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// The path of a shipped file, given relative to the home ("models/mnist-int8.tflite").
    public static func path(_ relative: String) throws(ShippedFilesError) -> String {
        let url = try home().appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ShippedFilesError("the workbook's \(relative) is missing from \(try home().path)")
        }
        return url.path
    }

    /// models/manifest.json, read once.
    public static func manifest() throws(ShippedFilesError) -> Manifest {
        if let manifest = cachedManifest.value { return manifest }
        throw ShippedFilesError(cachedManifest.problem)
    }

    private static let cachedManifest: (value: Manifest?, problem: String) = {
        guard located.home != nil else { return (nil, located.problem) }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: try path(marker)))
            return (try JSONDecoder().decode(Manifest.self, from: data), "")
        } catch {
            return (nil, "\(marker): \(error)")
        }
    }()

    /// A fixture of models/fixtures/, by its path relative to the home.
    public static func fixture(_ relative: String) throws -> ReferenceFixture {
        let file = try path(relative)
        do {
            return try JSONDecoder().decode(ReferenceFixture.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw FixtureError("cannot read \(relative) (\(error)); regenerate it with `python tools/reference.py`")
        }
    }

    /// The manifest entry of a model file: the shipped model with exactly these bytes, wherever
    /// the reader's copy lives; nil for a model the workbook does not ship.
    public static func entry(forModelFile file: String) -> Manifest.Entry? {
        guard let bytes = FileManager.default.contents(atPath: file), let manifest = try? manifest() else { return nil }
        return manifest.models.first { entry in
            guard let shipped = try? path(entry.model) else { return false }
            return FileManager.default.contents(atPath: shipped) == bytes
        }
    }
}
