// `workbook render naive` (chapter 3): what the seed's port and each fix say for every one of
// the 64 fixture digits, as a grid: a row per step of chapter 3's NaivePort, and one for the
// float network; a column per digit, grouped by label; each cell the digit the row predicts,
// green when it is the label, red when not.

import ArgumentParser
import Ch01TFLiteFile
import Ch03FloatNetwork
import Foundation
import ShippedFiles

extension Render {
    struct Naive: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chapter 3: the seed's port and each fix on the 64 fixture digits, one prediction per cell.")

        @OptionGroup var options: ModelOptions

        @Option(help: ArgumentHelp("The PNG file to write.", valueName: "figure.png"))
        var output: String

        func run() throws {
            try failingCleanly {
                let loaded = try options.load()
                let port: NaivePort
                do { port = try NaivePort(model: loaded.model) } catch { throw CommandFailure("\(loaded.name): \(error)") }
                let fixture: ReferenceFixture
                let floatPath: String
                let float: FloatNetwork
                do {
                    let manifest = try ShippedFiles.manifest()
                    fixture = try ShippedFiles.fixture(manifest.narrationDigits)
                    floatPath = manifest.floatModel
                    float = try FloatNetwork(model: try Model.load(path: try ShippedFiles.path(floatPath)))
                } catch { throw CommandFailure("\(error)") }
                // The digits in label order (a stable sort keeps the fixture's order within a label).
                let order = fixture.images.indices.sorted { (fixture.images[$0].label, $0) < (fixture.images[$1].label, $1) }
                let labels = order.map { fixture.images[$0].label }
                let pixels = order.map(fixture.pixels(ofImage:))
                var rows: [(name: String, short: String, predictions: [Int])] = NaiveStep.allCases.map { step in
                    ("\(step.rawValue). \(step)", "step \(step.rawValue)", pixels.map { port.run(pixels: $0, step: step).prediction })
                }
                // The float model is "the same network" only if its layers are this model's (as in chapter 3's narration).
                if float.isSameArchitecture(as: port.dequantized) {
                    rows.append(("the float network", "the float network", pixels.map { float.classify(pixels: $0).prediction }))
                }
                let correct = rows.map { row in zip(row.predictions, labels).filter { $0 == $1 }.count }

                let (width, rowPitch) = (1400, 44)
                let height = (rows.count + 1) * rowPitch + 120
                var canvas = Canvas(width: width, height: height, palette: plotPalette)
                let count = Double(labels.count), depth = Double(rows.count + 1)
                let ticks = [(depth - 1, "the label")] + rows.indices.map { (depth - 2 - Double($0), "\(rows[$0].name): \(correct[$0])/\(labels.count)") }
                let plot = Plot(on: &canvas, box: PixelRect(top: 0, left: 0, width: width, height: height),
                                title: "what each step predicts for the \(labels.count) fixture digits, green when right, red when wrong (\(loaded.name))",
                                x: Axis("the fixture digits, in label order", range: -0.5...count - 0.5, ticks: []),
                                y: Axis("", range: -0.5...depth - 0.5, ticks: ticks))
                for column in labels.indices {
                    let x = Double(column)
                    let cells = [(labels[column], Ink.lightBlue)] + rows.map { ($0.predictions[column], $0.predictions[column] == labels[column] ? Ink.lightGreen : .lightRed) }
                    for (index, (digit, ink)) in cells.enumerated() {
                        let y = depth - 1 - Double(index)
                        plot.bar(&canvas, across: x - 0.45...x + 0.45, from: y - 0.4, to: y + 0.4, ink: ink)
                        plot.label(&canvas, "\(digit)", at: (x, y), centred: true)
                    }
                }
                try canvas.write(to: output)
                let seed = rows[0].predictions
                let common = (0...9).max { a, b in (seed.filter { $0 == a }.count, b) < (seed.filter { $0 == b }.count, a) }!
                let scores = zip(rows, correct).map { "\($0.short) \($1)" }
                print("wrote \(output): \(canvas.width)×\(canvas.height), \(loaded.name) on the \(labels.count) fixture digits (models/fixtures/), correct: \(scores.joined(separator: ", ")); the seed answers \(common) for \(seed.filter { $0 == common }.count) of them")
            }
        }
    }
}
