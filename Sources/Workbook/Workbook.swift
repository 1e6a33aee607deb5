// The `workbook` command: one subcommand per file, each belonging to a chapter.

import ArgumentParser

@main
struct Workbook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workbook",
        abstract: "How a quantized TensorFlow Lite network computes, step by step, bit for bit.",
        version: "0.2.0",
        subcommands: [Inspect.self, ChapterCommand.self, Naive.self, Tensors.self, Eval.self, Classify.self, Trace.self,
                      Render.self, Export.self, Widths.self, Check.self, BookCommand.self])
}
