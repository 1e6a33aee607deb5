// `workbook render bias` (chapter 5): every int32 bias code q_b of a quantized model against the
// float bias it stands for, the float model's b[c] divided by S1·S2[c] in double: the codes lie
// on the line q_b = b/(S1·S2), and their distance from it, q_b − b/(S1·S2), is the converter's
// rounding, within half a code. Both models come from the same Keras network (models/README.md).
// The codes are chapter 5's QuantizedBias, the float biases chapter 3's FloatNetwork.

import ArgumentParser
import Ch01TFLiteFile
import Ch03FloatNetwork
import Ch05Bias
import Foundation
import ShippedFiles

extension Render {
    struct Bias: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chapter 5: each int32 bias code against the float model's bias divided by S1·S2[c].")

        @OptionGroup var options: ModelOptions

        @Option(help: ArgumentHelp("The PNG file to write.", valueName: "figure.png"))
        var output: String

        /// One layer's channels: b[c]/(S1·S2[c]) and q_b[c].
        struct LayerBias {
            let operatorIndex: Int
            let ideal: [Double]
            let codes: [Int32]
            var residuals: [Double] { zip(codes, ideal).map { Double($0) - $1 } }
        }

        func run() throws {
            try failingCleanly {
                let loaded = try options.load()
                let floatPath: String
                let float: FloatNetwork
                do {
                    floatPath = try ShippedFiles.manifest().floatModel
                    float = try FloatNetwork(model: try Model.load(path: try ShippedFiles.path(floatPath)))
                } catch { throw CommandFailure("\(error)") }
                var layers: [LayerBias] = []
                do {
                    let scales = try loaded.model.fullyConnectedLayers()
                    guard let first = scales.first, let bias = first.bias, bias.type == .int32 else {
                        throw CommandFailure("\(loaded.name): the first layer has no int32 bias; a quantized model's has (chapter 5)")
                    }
                    guard scales.count == float.layers.count, zip(scales, float.layers).allSatisfy({ $0.weights.shape == [$1.outputCount, $1.inputCount] }) else {
                        throw CommandFailure("\(loaded.name): its layers are not those of \(floatPath), so its biases are not that model's biases quantized")
                    }
                    for (layer, floatLayer) in zip(scales, float.layers) {
                        let codes = try QuantizedBias(tensor: layer.bias, in: loaded.model, outputCount: floatLayer.outputCount).codes
                        guard let s1 = layer.inputScale, !layer.weightScales.isEmpty else { throw CommandFailure("\(loaded.name): operator \(layer.operatorIndex) has no scales") }
                        let ideal = floatLayer.bias.indices.map { c in
                            Double(floatLayer.bias[c]) / (Double(s1) * Double(layer.weightScales[layer.weightScales.count == 1 ? 0 : c]))
                        }
                        layers.append(LayerBias(operatorIndex: layer.operatorIndex, ideal: ideal, codes: codes))
                    }
                } catch let failure as CommandFailure { throw failure } catch { throw CommandFailure("\(loaded.name): \(error)") }

                let all = layers.flatMap(\.ideal)
                let reach = max(all.map(abs).max() ?? 1, 1) * 1.08
                let largest = layers.flatMap(\.residuals).map(abs).max() ?? 0
                let inks: [Ink] = [.blue, .orange, .green, .purple, .brown]
                let (width, panel) = (1000, 420)
                var canvas = Canvas(width: width, height: 2 * panel, palette: plotPalette)
                let codesPlot = Plot(on: &canvas, box: PixelRect(top: 0, left: 0, width: width, height: panel),
                                     title: "the \(all.count) bias codes q_b of \(loaded.name) against b/(S1·S2[c])",
                                     x: Axis("b/(S1·S2[c]), b the float bias of \(floatPath)", range: -reach...reach),
                                     y: Axis("q_b, the stored int32 code", range: -reach...reach))
                codesPlot.line(&canvas, from: (-reach, -reach), to: (reach, reach), ink: .grey, thickness: 1, dashed: true)
                let residualPlot = Plot(on: &canvas, box: PixelRect(top: panel, left: 0, width: width, height: panel),
                                        title: "the converter's rounding: q_b − b/(S1·S2[c]), largest \(tickText(largest, decimals: 4))",
                                        x: Axis("b/(S1·S2[c])", range: -reach...reach),
                                        y: Axis("q_b − b/(S1·S2[c])", range: -0.75...0.75, tickCount: 6))
                for limit in [-0.5, 0.5] { residualPlot.line(&canvas, from: (-reach, limit), to: (reach, limit), ink: .red, thickness: 1, dashed: true) }
                var legend: [(mark: LegendMark, ink: Ink, text: String)] = []
                for (index, layer) in layers.enumerated() {
                    let ink = inks[index % inks.count]
                    for (ideal, code) in zip(layer.ideal, layer.codes) {
                        codesPlot.marker(&canvas, at: (ideal, Double(code)), ink: ink, shape: .ring)
                        residualPlot.marker(&canvas, at: (ideal, Double(code) - ideal), ink: ink, shape: .ring)
                    }
                    legend.append((.marker(.ring), ink, "op \(layer.operatorIndex): \(layer.codes.count) codes, \(layer.codes.min()!) to \(layer.codes.max()!)"))
                }
                codesPlot.legend(&canvas, legend + [(.line(dashed: true), .grey, "q_b = b/(S1·S2[c])")], topRight: false)
                residualPlot.legend(&canvas, [(.line(dashed: true), .red, "half a code")], topRight: false)
                try canvas.write(to: output)
                let summary = layers.map { layer in
                    "op \(layer.operatorIndex): \(layer.codes.count) codes from \(layer.codes.min()!) to \(layer.codes.max()!), largest |q_b − b/(S1·S2)| \(tickText(layer.residuals.map(abs).max() ?? 0, decimals: 4))"
                }
                print("wrote \(output): \(canvas.width)×\(canvas.height), \(loaded.name) against \(floatPath): \(summary.joined(separator: "; "))")
            }
        }
    }
}
