// `workbook render clamp` (chapter 7): what the clamp of (7.1) does to a RELU layer. A histogram
// of Z3 + M·acc over the digits before the clamp, and of the stored codes after it: every value
// below act_min = Z3 piles up on Z3 itself, the code of the real 0, and that pile is the ReLU.

import ArgumentParser
import Ch01TFLiteFile
import Ch09Network
import Foundation

extension Render {
    struct Clamp: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chapter 7: a RELU layer's Z3 + M·acc before the clamp and the stored codes after, as histograms.")

        @OptionGroup var options: ModelOptions
        @OptionGroup var kernels: KernelOptions
        @OptionGroup var digits: DigitOptions

        @Option(help: ArgumentHelp("The PNG file to write.", valueName: "figure.png"))
        var output: String

        /// Codes per bar: 256 codes in 32 bars.
        static let binWidth: Int64 = 8

        func run() throws {
            try failingCleanly {
                let loaded = try options.load()
                let (images, source) = try digits.images()
                let network = try loaded.network(kernels.kernels)
                guard let layer = network.layers.first(where: { $0.scales.fusedActivation == .relu }) else {
                    throw CommandFailure("\(loaded.name): no quantized FULLY_CONNECTED with a fused RELU, so no clamp to draw")
                }
                var before: [Int64] = [], after: [Int64] = []
                do {
                    for pixels in images {
                        let run = try network.run(pixels: pixels)
                        for (channel, accumulator) in run.accumulators[layer.scales.output.index]!.enumerated() {
                            let steps = layer.clamp.steps(layer.requantizer.scaled(accumulator, channel: channel))
                            before.append(steps.withZeroPoint)
                            after.append(Int64(steps.output))
                        }
                    }
                } catch { throw CommandFailure("\(loaded.name): \(error)") }
                let (low, high) = (Int64(layer.clamp.minimum), Int64(layer.clamp.maximum))
                // Bars aligned on act_min, so the pile has a bar of its own start.
                func bin(_ value: Int64) -> Int64 { low + Int64((Double(value - low) / Double(Self.binWidth)).rounded(.down)) * Self.binWidth }
                func histogram(_ values: [Int64]) -> [Int64: Int] { values.reduce(into: [:]) { $0[bin($1), default: 0] += 1 } }
                let (counts, stored) = (histogram(before), histogram(after.filter { $0 != low }))
                let lowest = before.min()!, highest = before.max()!
                let pile = after.filter { $0 == low }.count, below = before.filter { $0 < low }.count, above = before.filter { $0 > high }.count

                var canvas = Canvas(width: 1000, height: 560, palette: plotPalette)
                let start = Double(bin(lowest)), end = Double(max(bin(highest), bin(high)) + Self.binWidth)
                let plot = Plot(on: &canvas, box: PixelRect(top: 0, left: 0, width: 1000, height: 560),
                                title: "operator \(layer.scales.operatorIndex) (RELU) on \(images.count) digits: Z3 + M·acc before the clamp, q3 after",
                                x: Axis("Z3 + M·acc, in codes (bars of \(Self.binWidth))", range: start - 16...end + 16),
                                y: Axis(logarithmic: "outputs (log scale)", range: 0.7...Double(before.count) * 4))
                for (left, count) in counts {
                    plot.bar(&canvas, across: Double(left)...Double(left + Self.binWidth) - 0.6, from: 0.7, to: Double(count), ink: .lightBlue)
                }
                for (left, count) in stored {
                    // The stored codes over the same bars, narrower, so both show.
                    plot.bar(&canvas, across: Double(left) + 2...Double(left + Self.binWidth) - 2.6, from: 0.7, to: Double(count), ink: .orange)
                }
                // The pile on act_min, a bar of its own.
                plot.bar(&canvas, across: Double(low) - 1.5...Double(low) + 1.5, from: 0.7, to: Double(pile), ink: .orange)
                plot.line(&canvas, from: (Double(low), 0.7), to: (Double(low), plot.y.range.upperBound), ink: .red, dashed: true)
                plot.label(&canvas, "\(pile) stored as \(tickText(Double(low), decimals: 0))", at: (Double(low) + 12, Double(pile)), ink: .black)
                plot.legend(&canvas, [(.box, .lightBlue, "Z3 + M·acc, before the clamp"), (.box, .orange, "q3, stored after the clamp"),
                                      (.line(dashed: true), .red, "act_min = Z3 = \(tickText(Double(low), decimals: 0)): real 0")],
                            topRight: false)
                try canvas.write(to: output)
                print("wrote \(output): \(canvas.width)×\(canvas.height), operator \(layer.scales.operatorIndex) of \(loaded.name) on \(source), \(network.kernelsLabel): \(below) of \(before.count) values below \(low) (the lowest \(lowest)) stored as \(low), \(above) above \(high)")
            }
        }
    }
}
