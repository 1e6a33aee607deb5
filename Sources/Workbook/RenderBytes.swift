// `workbook render bytes` (chapter 1): the model file's byte map, chapter 1's FileMap drawn
// twice: once to scale along the file, where the weights hide everything else, and once as
// one bar per region in file order on a log scale, each labelled with what it holds.

import ArgumentParser
import Ch01TFLiteFile
import Foundation

extension Render {
    struct Bytes: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chapter 1: where the model file's tables and each tensor's buffer lie, bars proportional to bytes.")

        @OptionGroup var options: ModelOptions

        @Option(help: ArgumentHelp("The PNG file to write.", valueName: "figure.png"))
        var output: String

        /// What a region holds, as the legend and the summary name it.
        enum Part: String, CaseIterable {
            case weights, biases, otherTensors = "other constants", metadata, structure = "FlatBuffer tables, vectors, strings and padding"
            var short: String { self == .structure ? "tables" : rawValue }
            var colourName: String {
                switch self {
                case .weights: "blue"
                case .biases: "orange"
                case .otherTensors: "green"
                case .metadata: "purple"
                case .structure: "grey"
                }
            }
            var ink: Ink {
                switch self {
                case .weights: .blue
                case .biases: .orange
                case .otherTensors: .green
                case .metadata: .purple
                case .structure: .grey
                }
            }
        }

        func run() throws {
            try failingCleanly {
                let loaded = try options.load()
                let bytes: [UInt8]
                let regions: [FileRegion]
                do {
                    bytes = try UserFile.read(loaded.file, kind: "a .tflite file", maximumBytes: Model.maximumFileSize)
                    regions = try loaded.model.fileMap(of: bytes)
                } catch { throw CommandFailure("\(loaded.name): \(error)") }
                // What each constant tensor is to the layers that read it.
                var roles: [Int: (text: String, part: Part)] = [:]
                for layer in (try? loaded.model.fullyConnectedLayers()) ?? [] {
                    roles[layer.weights.index] = ("op \(layer.operatorIndex)'s weights \(layer.weights.type) \(layer.weights.shape)", .weights)
                    if let bias = layer.bias { roles[bias.index] = ("op \(layer.operatorIndex)'s bias \(bias.type) \(bias.shape)", .biases) }
                }
                func describe(_ region: FileRegion) -> (text: String, part: Part) {
                    switch region.content {
                    case .header: return ("the root offset and 'TFL3'", .structure)
                    case .buffer(let index, let tensors, let metadata):
                        guard let tensor = tensors.first else { return ("buffer \(index), metadata '\(metadata ?? "")'", .metadata) }
                        let role = roles[tensor] ?? ("tensor \(tensor)", .otherTensors)
                        return ("\(role.text), buffer \(index)", role.part)
                    case .structure(let tables):
                        guard !tables.isEmpty else { return ("vectors, strings, padding", .structure) }
                        let names = tables.map { $0.count == 1 ? $0.kind : "\($0.count) \($0.kind)" }.joined(separator: ", ")
                        return (names + (tables.count == 1 && tables[0].count == 1 ? " table" : " tables"), .structure)
                    }
                }
                let described = regions.map(describe)
                let present = Part.allCases.filter { part in described.contains { $0.part == part } }
                let (width, stripHeight, rowPitch) = (1400, 170, 30)
                let height = stripHeight + regions.count * rowPitch + 110
                var canvas = Canvas(width: width, height: height, palette: plotPalette)

                // To scale: one strip, the whole file.
                let size = Double(bytes.count)
                let colours = present.map { "\($0.colourName) \($0.short)" }.joined(separator: ", ")
                let strip = Plot(on: &canvas, box: PixelRect(top: 0, left: 0, width: width, height: stripHeight),
                                 title: "\(loaded.name), \(bytes.count) bytes to scale: \(colours)",
                                 x: Axis("file byte", range: 0...size, tickCount: 8), y: Axis("", range: 0...1, ticks: []))
                for (region, what) in zip(regions, described) {
                    strip.bar(&canvas, across: Double(region.start)...Double(region.end - 1), from: 0, to: 1, ink: what.part.ink)
                }

                // One bar per region, in file order from the top, on a log scale; the label goes
                // inside the bar, in white, where it fits, and after it where it does not.
                let count = Double(regions.count)
                let ticks = regions.indices.map { (count - 1 - Double($0), "byte \(regions[$0].start)") }
                let plot = Plot(on: &canvas, box: PixelRect(top: stripHeight, left: 0, width: width, height: height - stripHeight),
                                title: "the \(regions.count) regions in file order, each from the byte on the left: how many bytes, and what they hold",
                                x: Axis(logarithmic: "bytes (log scale)", range: 1...size * 1.1),
                                y: Axis("", range: -0.5...count - 0.5, ticks: ticks))
                for (index, region) in regions.enumerated() {
                    let y = count - 1 - Double(index)
                    let length = Double(region.count)
                    plot.horizontalBar(&canvas, across: y - 0.38...y + 0.38, from: 1, to: length, ink: described[index].part.ink)
                    let label = "\(region.count): \(described[index].text)"
                    if plot.column(length) - plot.frame.left > BitmapFont.width(label, scale: Plot.textScale) + 16 {
                        plot.label(&canvas, label, at: (1, y), ink: .paper, offset: 8)
                    } else {
                        plot.label(&canvas, label, at: (length, y), offset: 8)
                    }
                }
                try canvas.write(to: output)

                let summary = present.map { part in
                    let total = zip(regions, described).filter { $1.part == part }.map(\.0.count).reduce(0, +)
                    return "\(part.rawValue) \(total) (\(String(format: "%.1f", 100 * Double(total) / size)) %)"
                }
                print("wrote \(output): \(canvas.width)×\(canvas.height), \(loaded.name): \(bytes.count) bytes in \(regions.count) regions: \(summary.joined(separator: ", "))")
            }
        }
    }
}
