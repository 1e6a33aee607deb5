// The `workbook` command: one subcommand per file, each belonging to a chapter.

import ArgumentParser

@main
struct Workbook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workbook",
        abstract: "How a quantized TensorFlow Lite network computes, step by step, bit for bit.",
        subcommands: [Inspect.self, ChapterCommand.self, Naive.self, Trace.self, Eval.self, Classify.self, Render.self, Export.self, BookCommand.self])
}
