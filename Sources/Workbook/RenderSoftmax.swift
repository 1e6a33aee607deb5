// `workbook render softmax` (chapter 8): the exponential at the heart of the SOFTMAX, for every
// difference d = q − max an 8-bit row can have, three ways: exact (e^(β·S_in·d) in double),
// the optimized kernel's float32 table (8.11), and the reference kernel's Q0.31 fixed point
// (8.3–8.6), which ends at diff_min (8.2) and cannot hold a value below one step, 2^−31.
// Half an output step, 1/512, is the line that matters: an e^z below it is code qmin whatever
// the sum is, so neither end of the curve changes a probability.

import ArgumentParser
import Ch08Softmax
import Foundation

extension Render {
    struct Softmax: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chapter 8: e^z for every difference of logits: exact, the float table, and the fixed point.")

        @OptionGroup var options: ModelOptions

        @Option(help: ArgumentHelp("The PNG file to write.", valueName: "figure.png"))
        var output: String

        func run() throws {
            try failingCleanly {
                let loaded = try options.load()
                let layer: SoftmaxLayer
                let (fixed, table): (FixedPointSoftmax, FloatTableSoftmax)
                do {
                    layer = try loaded.model.softmaxLayer()
                    guard case .fixedPoint(let reference) = try QuantizedSoftmax(layer: layer, family: .reference).kernel,
                          case .floatTable(let optimized) = try QuantizedSoftmax(layer: layer, family: .optimized).kernel else {
                        throw CommandFailure("\(loaded.name): the reference family runs the fixed point, the optimized one the float table")
                    }
                    (fixed, table) = (reference, optimized)
                } catch let failure as CommandFailure { throw failure } catch {
                    throw CommandFailure("\(loaded.name): \(error) (the figure draws a quantized SOFTMAX)")
                }
                let inputScale = layer.input.quantization!.scales[0]  // QuantizedSoftmax checked it exists
                let differences = Array(-255...0)
                let exact = differences.map { exp(Double(layer.beta) * Double(inputScale) * Double($0)) }
                let tabled = differences.map { Double(table.table[255 + $0]) }
                let diffMin = fixed.scaling.diffMin
                // Q0.31 values; nil below diff_min, where the kernel leaves the class out.
                let fixedPoint: [Double?] = differences.map { d in
                    d < diffMin ? nil : expOnNegativeValues(fixed.scaling.scaledDifference(Int32(d))).value
                }
                let smallest = fixedPoint.compactMap { $0 }.filter { $0 > 0 }.min() ?? 0
                let floor = max(exact.min()! / 10, 1e-40)

                var canvas = Canvas(width: 1000, height: 600, palette: plotPalette)
                let plot = Plot(on: &canvas, box: PixelRect(top: 0, left: 0, width: 1000, height: 600),
                                title: "e^z for z = β·S_in·d, every difference d of an 8-bit row (S_in = \(inputScale))",
                                x: Axis("d = q − max, in steps of S_in", range: -262...6),
                                y: Axis(logarithmic: "e^z (log scale)", range: floor...10, every: 5))
                let step = pow(2, -31.0), half = 1.0 / 512
                plot.line(&canvas, from: (Double(diffMin), floor), to: (Double(diffMin), 10), ink: .red, dashed: true)
                plot.line(&canvas, from: (-262, step), to: (6, step), ink: .green, dashed: true)
                plot.line(&canvas, from: (-262, half), to: (6, half), ink: .grey, dashed: true)
                plot.polyline(&canvas, zip(differences, exact).map { (Double($0), $1) }, ink: .black, thickness: 2)
                for (d, value) in zip(differences, tabled) where d % 4 == 0 {
                    plot.marker(&canvas, at: (Double(d), value), ink: .blue, shape: .ring)
                }
                for (d, value) in zip(differences, fixedPoint) where d % 2 == 0 {
                    if let value, value > 0 { plot.marker(&canvas, at: (Double(d), value), ink: .orange, shape: .square) }
                }
                plot.legend(&canvas, [
                    (.line(dashed: false), .black, "exact e^z, in double"),
                    (.marker(.ring), .blue, "float table, float32 (every 4th d)"),
                    (.marker(.square), .orange, "fixed point, Q0.31 (every 2nd d)"),
                    (.line(dashed: true), .red, "diff_min = \(tickText(Double(diffMin), decimals: 0)): left out below"),
                    (.line(dashed: true), .green, "2^−31, one step of Q0.31"),
                    (.line(dashed: true), .grey, "1/512: below it, code qmin"),
                ], topRight: true, bottom: true)
                try canvas.write(to: output)
                print("wrote \(output): \(canvas.width)×\(canvas.height), operator \(layer.operatorIndex) (SOFTMAX, β = \(layer.beta)) of \(loaded.name): the fixed point's e^z ends at diff_min = \(diffMin) with \(smallest), the table's at d = -255 is \(table.table[0]), and e^z < 1/512 from d = \(differences.last { exact[$0 + 255] < half }.map(String.init) ?? "nowhere")")
            }
        }
    }
}
