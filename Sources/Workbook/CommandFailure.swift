// How every subcommand fails: one line on stderr naming the file and the reason, exit 1.

import ArgumentParser
import Foundation

struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

extension ParsableCommand {
    /// Runs `body`; a `CommandFailure` becomes one line on stderr and exit status 1, instead of
    /// ArgumentParser's usage text (which is for bad arguments, exit 64).
    func failingCleanly(_ body: () throws -> Void) throws {
        do { try body() } catch let failure as CommandFailure {
            standardError(failure.description)
            throw ExitCode.failure
        }
    }
}

func standardError(_ line: String) {
    FileHandle.standardError.write(Data("workbook: \(line)\n".utf8))
}
