// `workbook render affine` (chapter 2): equation (2.1), r = S·(q − Z), drawn for two tensors of
// the model: the input, whose zero point sits at the bottom of the codes, and the logits, whose
// zero point sits inside them. Every code is a point on the line; the dashed lines cross at
// (Z, 0), the code that stands for the real 0 exactly.

import ArgumentParser
import Ch01TFLiteFile
import Ch02Affine

extension Render {
    struct Affine: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chapter 2: r = S·(q − Z) for every code of the input and of the logits, Z and real 0 marked.")

        @OptionGroup var options: ModelOptions

        @Option(help: ArgumentHelp("The PNG file to write.", valueName: "figure.png"))
        var output: String

        func run() throws {
            try failingCleanly {
                let loaded = try options.load()
                let tensors: [(tensor: Tensor, role: String)]
                do {
                    guard let last = try loaded.model.fullyConnectedLayers().last else { throw CommandFailure("\(loaded.name): the model has no FULLY_CONNECTED layer") }
                    tensors = [(loaded.model.main.tensors[loaded.model.main.inputs[0]], "the input"), (last.output, "the logits")]
                } catch let failure as CommandFailure { throw failure } catch { throw CommandFailure("\(loaded.name): \(error)") }
                let mappings = try tensors.map { entry in
                    do { return try AffineQuantization(tensor: entry.tensor) } catch {
                        throw CommandFailure("\(loaded.name): \(error) (the figure draws a quantized tensor's codes)")
                    }
                }
                let (panelWidth, height) = (600, 480)
                var canvas = Canvas(width: panelWidth * mappings.count, height: height, palette: plotPalette)
                for (position, (mapping, entry)) in zip(mappings, tensors).enumerated() {
                    draw(mapping, of: entry.tensor, role: entry.role, on: &canvas,
                         box: PixelRect(top: 0, left: position * panelWidth, width: panelWidth, height: height))
                }
                try canvas.write(to: output)
                let described = zip(mappings, tensors).map { "tensor \($1.tensor.index) (S = \($0.scale), Z = \($0.zeroPoint))" }
                print("wrote \(output): \(canvas.width)×\(canvas.height), r = S·(q − Z) for \(described.joined(separator: " and ")) of \(loaded.name)")
            }
        }

        func draw(_ mapping: AffineQuantization, of tensor: Tensor, role: String, on canvas: inout Canvas, box: PixelRect) {
            let codes = mapping.codeRange
            let reals = Double(mapping.realRange.lowerBound)...Double(mapping.realRange.upperBound)
            // A little room around the line, so the end points are not on the frame.
            let pad = (reals.upperBound - reals.lowerBound) * 0.08
            let plot = Plot(on: &canvas, box: box, title: "\(role), tensor \(tensor.index): S = \(mapping.scale), Z = \(tickText(Double(mapping.zeroPoint), decimals: 0))",
                            x: Axis("code q (\(mapping.type))", range: Double(codes.lowerBound) - 8...Double(codes.upperBound) + 8),
                            y: Axis("real r = S·(q − Z)", range: reals.lowerBound - pad...reals.upperBound + pad))
            let z = Double(mapping.zeroPoint)
            plot.line(&canvas, from: (z, plot.y.range.lowerBound), to: (z, plot.y.range.upperBound), ink: .red, dashed: true)
            plot.line(&canvas, from: (plot.x.range.lowerBound, 0), to: (plot.x.range.upperBound, 0), ink: .grey, dashed: true)
            // Every 8th code as a marker (256 would touch), on the line through them all.
            plot.line(&canvas, from: (Double(codes.lowerBound), reals.lowerBound), to: (Double(codes.upperBound), reals.upperBound), ink: .blue)
            for code in stride(from: codes.lowerBound, through: codes.upperBound, by: 8) {
                plot.marker(&canvas, at: (Double(code), Double(mapping.dequantize(code))), ink: .blue, shape: .diamond)
            }
            plot.marker(&canvas, at: (z, 0), ink: .red, shape: .ring)
            for code in [codes.lowerBound, codes.upperBound] {
                let real = Double(mapping.dequantize(code))
                let text = "q = \(tickText(Double(code), decimals: 0)): r = \(tickText(real, decimals: real == 0 ? 0 : 3))"
                let width = Double(BitmapFont.width(text, scale: Plot.textScale)) / Double(plot.frame.width) * (plot.x.range.upperBound - plot.x.range.lowerBound)
                plot.label(&canvas, text, at: (code == codes.lowerBound ? Double(code) + 4 : Double(code) - 4 - width, real), ink: .black,
                           above: code == codes.lowerBound ? -16 : 16)
            }
            plot.legend(&canvas, [(.marker(.diamond), .blue, "every 8th code"),
                                  (.line(dashed: true), .red, "q = Z = \(tickText(z, decimals: 0))"),
                                  (.marker(.ring), .red, "(Z, 0): real 0")],
                        topRight: false)
        }
    }
}
