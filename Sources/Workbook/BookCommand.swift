// `workbook book`: keeps the prose in chapters/ in step with the code. `check` is what the
// book test runs; `update`, a maintainer's command hidden from --help, rewrites quoted
// snippets and console outputs in place.

import ArgumentParser
import BookMachinery
import Foundation
import ShippedFiles

struct BookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book",
        abstract: "Check or refresh the code and console blocks quoted in chapters/.",
        subcommands: [Check.self, Update.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every place where prose and code disagree.")
        func run() throws {
            try failingCleanly {
                let problems = try BookChecker(root: try checkout(), workbook: CommandLine.arguments[0]).problems()
                problems.forEach { print($0) }
                if !problems.isEmpty { throw ExitCode.failure }
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rewrite snippet and console blocks from the code and the binary.", shouldDisplay: false)
        func run() throws {
            try failingCleanly {
                let changed = try BookChecker(root: try checkout(), workbook: CommandLine.arguments[0]).update()
                changed.forEach { print("updated \($0)") }
            }
        }
    }
}

/// The checkout whose chapters/ the book commands read: the workbook's home.
func checkout() throws -> URL {
    do { return try ShippedFiles.home() } catch { throw CommandFailure("\(error)") }
}
