// `workbook render accumulators` (chapter 4): how many bits the accumulators of real digits
// take, layer by layer, against chapter 4's worst case over every input the layer's type can
// hold. The accumulator here is chapter 4's Σ (q_w − Z2)(q_in − Z1), before chapter 5's bias:
// chapter 9's run keeps acc + bias, so we take the bias codes back off.

import ArgumentParser
import Ch04ZeroPointMatmul
import Ch09Network
import Foundation

extension Render {
    struct Accumulators: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chapter 4: the bits each layer's accumulators take on the digits, against the worst-case bound.")

        @OptionGroup var options: ModelOptions
        @OptionGroup var digits: DigitOptions

        @Option(help: ArgumentHelp("The PNG file to write.", valueName: "figure.png"))
        var output: String

        /// The bits of a two's-complement integer holding ±magnitude, as AccumulatorBound.bits.
        static func bits(_ magnitude: Int64) -> Int { magnitude == 0 ? 1 : 65 - magnitude.leadingZeroBitCount }

        func run() throws {
            try failingCleanly {
                let loaded = try options.load()
                let (images, source) = try digits.images()
                let network = try loaded.network(.reference)
                let layers = network.layers
                guard !layers.isEmpty else { throw CommandFailure("\(loaded.name): a float model has no integer accumulators") }
                // counts[layer][b]: how many accumulators take b bits (1…64).
                var counts = Array(repeating: Array(repeating: 0, count: 65), count: layers.count)
                var largest = Array(repeating: Int64(0), count: layers.count)
                do {
                    for pixels in images {
                        let run = try network.run(pixels: pixels)
                        for (index, layer) in layers.enumerated() {
                            for (channel, withBias) in run.accumulators[layer.scales.output.index]!.enumerated() {
                                let products = Int64(withBias) - Int64(layer.bias.codes[channel])
                                counts[index][Self.bits(abs(products))] += 1
                                largest[index] = max(largest[index], abs(products))
                            }
                        }
                    }
                } catch { throw CommandFailure("\(loaded.name): \(error)") }
                let bounds = layers.map { layer in
                    AccumulatorBound(layer.weights, inputRange: layer.scales.input.type.integerRange!, inputZeroPoint: layer.scales.inputZeroPoint)
                }
                let total = counts[0].reduce(0, +)
                let inks: [Ink] = [.blue, .orange, .green, .purple, .brown]
                var canvas = Canvas(width: 1000, height: 560, palette: plotPalette)
                let plot = Plot(on: &canvas, box: PixelRect(top: 0, left: 0, width: 1000, height: 560),
                                title: "accumulators Σ(q_w − Z2)(q_in − Z1) of \(images.count) digits against chapter 4's bound",
                                x: Axis("bits of a two's-complement integer holding acc", range: 0...34,
                                        ticks: stride(from: 0, through: 32, by: 4).map { (Double($0), "\($0)") }),
                                y: Axis(logarithmic: "how many accumulators (log scale)", range: 0.5...Double(max(total, 10)) * 30))
                plot.line(&canvas, from: (32, 0.5), to: (32, plot.y.range.upperBound), ink: .red, thickness: 2, dashed: true)
                var legend: [(mark: LegendMark, ink: Ink, text: String)] = []
                for (index, layer) in layers.enumerated() {
                    let ink = inks[index % inks.count]
                    let points = (1...64).filter { counts[index][$0] > 0 }.map { (Double($0), Double(counts[index][$0])) }
                    plot.polyline(&canvas, points, ink: ink)
                    for point in points { plot.marker(&canvas, at: point, ink: ink, shape: .square) }
                    // Layers with the same bound share its line, their dashes alternating.
                    let sharing = bounds[..<index].filter { $0.bits == bounds[index].bits }.count
                    let bound = Double(bounds[index].bits)
                    plot.line(&canvas, from: (bound, 0.5), to: (bound, plot.y.range.upperBound), ink: ink, dashed: true, dashPhase: 6 * sharing)
                    legend.append((.marker(.square), ink, "op \(layer.scales.operatorIndex): seen up to \(Self.bits(largest[index])) bits, bound \(bounds[index].bits) (dashed)"))
                }
                legend.append((.line(dashed: true), .red, "int32: 32 bits"))
                plot.legend(&canvas, legend, topRight: false)
                try canvas.write(to: output)
                let seen = zip(largest, bounds).map { "\($0) of \($1.magnitude) (\(Self.bits($0)) of \($1.bits) bits)" }
                print("wrote \(output): \(canvas.width)×\(canvas.height), \(loaded.name) on \(source), largest |acc| against the bound: \(seen.joined(separator: ", "))")
            }
        }
    }
}
