// Running the real `workbook` binary from a test, as a reader would from a shell.

import Foundation

public enum WorkbookBinary {
    /// SwiftPM builds the executable beside the test bundle (.build/<config>/).
    public static var path: String {
        let beside = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("workbook").path
        return FileManager.default.isExecutableFile(atPath: beside) ? beside : RepositoryFiles.path(".build/debug/workbook")
    }

    public struct Result: Sendable {
        public let status: Int32
        /// True when a signal ended the process (a trap, a crash): never for a user's input.
        public let signaled: Bool
        public let standardOutput: String
        public let standardError: String
    }

    /// Runs `workbook ARGUMENTS` from the repository root, or from `directory`.
    public static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? RepositoryFiles.root
        if let environment { process.environment = environment }
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read both pipes while the process runs, so a large output cannot block it.
        nonisolated(unsafe) var errorData = Data()
        let reader = Thread { errorData = error.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.001) }
        return Result(status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
                      standardOutput: String(decoding: outputData, as: UTF8.self),
                      standardError: String(decoding: errorData, as: UTF8.self))
    }
}
