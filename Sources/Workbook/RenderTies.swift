// `workbook render ties` (chapter 6): the outputs on which the four kernel families put M·acc on
// different integers, and why: each is a hair from a tie k + ½. For every such output we place
// the exact M·acc (M = S1·S2/S3 in double) by its distance from the tie, and each family's
// result as rounded down (to ⌊M·acc⌋) or up (to ⌊M·acc⌋ + 1). Every family is fed the same
// accumulators, those of the reference run, as chapter 6's narration does.

import ArgumentParser
import Ch06Requantize
import Ch09Network
import Foundation

extension Render {
    struct Ties: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chapter 6: where the four families round M·acc differently, by its distance from the tie.")

        @OptionGroup var options: ModelOptions
        @OptionGroup var digits: DigitOptions

        @Option(help: ArgumentHelp("The PNG file to write.", valueName: "figure.png"))
        var output: String

        /// One output the families disagree on.
        struct Disagreement {
            let product: Double  // M·acc, exact in double
            let results: [Int32]  // KernelFamily.allCases order
            var distance: Double { product - ((product).rounded(.down) + 0.5) }
        }

        func run() throws {
            try failingCleanly {
                let loaded = try options.load()
                let (images, source) = try digits.images()
                let network = try loaded.network(.reference)
                guard !network.layers.isEmpty else { throw CommandFailure("\(loaded.name): a float model has no M·acc to round") }
                var found: [Disagreement] = [], outputs = 0
                do {
                    let requantizers = try network.layers.map { layer in try KernelFamily.allCases.map { try Requantizer(layer: layer.scales, family: $0) } }
                    for pixels in images {
                        let run = try network.run(pixels: pixels)
                        for (layer, families) in zip(network.layers, requantizers) {
                            for (channel, accumulator) in run.accumulators[layer.scales.output.index]!.enumerated() {
                                outputs += 1
                                let results = families.map { $0.scaled(accumulator, channel: channel) }
                                guard Set(results).count > 1 else { continue }
                                found.append(Disagreement(product: Double(accumulator) * families[0].realMultiplier(channel: channel), results: results))
                            }
                        }
                    }
                } catch { throw CommandFailure("\(loaded.name): \(error)") }
                guard !found.isEmpty else { throw CommandFailure("\(loaded.name): the four families agree on every output of \(source); nothing to draw") }

                // The x axis in millionths of a step, wide enough for the farthest disagreement.
                let farthest = found.map { abs($0.distance) * 1e6 }.max()!
                let reach = niceTicks(0...farthest * 1.15, count: 3).last.map { max($0.value, farthest * 1.15) } ?? farthest * 1.15
                var canvas = Canvas(width: 1000, height: 560, palette: plotPalette)
                let plot = Plot(on: &canvas, box: PixelRect(top: 0, left: 0, width: 1000, height: 560),
                                title: "the \(found.count) outputs where the four families round M·acc differently",
                                x: Axis("M·acc − (⌊M·acc⌋ + 0.5), in millionths: left of 0 nearer ⌊M·acc⌋", range: -reach...reach),
                                y: Axis("each family's result", range: -0.5...1.5, ticks: [(0, "⌊M·acc⌋"), (1, "⌊M·acc⌋+1")]))
                plot.line(&canvas, from: (0, -0.5), to: (0, 1.5), ink: .grey, dashed: true)
                let inks: [Ink] = [.blue, .orange, .green, .purple]
                for item in found {
                    let floor = Int64(item.product.rounded(.down))
                    for (index, result) in item.results.enumerated() {
                        // Each family a little above the one before, so that four on one integer all show.
                        let y = Double(Int64(result) - floor) + (Double(index) - 1.5) * 0.1
                        plot.marker(&canvas, at: (item.distance * 1e6, y), ink: inks[index], shape: item.product >= 0 ? .square : .ring)
                    }
                }
                var legend: [(mark: LegendMark, ink: Ink, text: String)] = zip(KernelFamily.allCases, inks).map { (.box, $1, $0.rawValue) }
                legend += [(.marker(.square), .black, "M·acc > 0"), (.marker(.ring), .black, "M·acc < 0"), (.line(dashed: true), .grey, "the tie")]
                plot.legend(&canvas, legend, topRight: false, bottom: false)
                try canvas.write(to: output)
                let differ = KernelFamily.allCases.indices.dropFirst().map { index in
                    "\(KernelFamily.allCases[index].rawValue) \(found.filter { $0.results[index] != $0.results[0] }.count)"
                }
                print("wrote \(output): \(canvas.width)×\(canvas.height), \(loaded.name) on \(source): the families disagree on \(found.count) of \(outputs) outputs, all within \(tickText(farthest, decimals: 1))e-6 of a tie; against reference: \(differ.joined(separator: ", "))")
            }
        }
    }
}
