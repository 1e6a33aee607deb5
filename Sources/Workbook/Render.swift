// `workbook render`: the PNG figures of the book, made from the real model and the real
// pictures. Here, chapter 10's: the prepared 28×28 input enlarged, the first layer's weight
// rows as a mosaic of 28×28 tiles; and chapter 9's, every layer's outputs as labelled bars.
// The plots of the other chapters are one file each (RenderAffine.swift, …). Written with
// libpng (chapter 10's PNGWriter); images/NN-slug/ holds the ones chapter NN shows, and the
// chapter names the command that made each.

import ArgumentParser
import Ch01TFLiteFile
import Ch02Affine
import Ch04ZeroPointMatmul
import Ch06Requantize
import Ch08Softmax
import Ch09Network
import Ch10Pixels
import Foundation

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chapters 1 to 14: write the book's PNG figures from the model's real numbers.",
        subcommands: [Bytes.self, Affine.self, Naive.self, Accumulators.self, Bias.self, Ties.self, Clamp.self, Softmax.self, Activations.self, Input.self, Weights.self, Widths.self, Rules.self, FeatureMaps.self])

    struct Input: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chapter 10: a picture prepared as MNIST's digits were: the model's 28×28 input, enlarged.")

        @Argument(help: ArgumentHelp("A PNG picture of a digit.", valueName: "image.png"))
        var image: String

        @Option(help: ArgumentHelp("The PNG file to write.", valueName: "figure.png"))
        var output: String

        @Option(help: "Pixels per input pixel.")
        var scale = 10

        func validate() throws {
            guard (1...64).contains(scale) else { throw ValidationError("--scale takes 1 to 64 pixels per input pixel") }
        }

        func run() throws {
            try failingCleanly {
                let picture = try readPicture(image)
                let side = MNISTPreprocessing.side
                var canvas = Canvas(width: side * scale, height: side * scale, palette: greyPalette)
                for row in 0..<side {
                    for column in 0..<side {
                        canvas.fill(top: row * scale, left: column * scale, width: scale, height: scale, colour: picture.pixels[row * side + column])
                    }
                }
                try canvas.write(to: output)
                print("wrote \(output): \(canvas.width)×\(canvas.height), the 28×28 input of \(image), \(scale)× enlarged")
            }
        }
    }

    struct Weights: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chapter 10: the first layer's weight rows, one 28×28 tile per neuron: red above Z2, blue below, white at Z2.")

        @OptionGroup var options: ModelOptions

        @Option(help: ArgumentHelp("The PNG file to write.", valueName: "figure.png"))
        var output: String

        @Option(help: "Tiles per row of the mosaic.")
        var columns = 32

        func validate() throws {
            guard columns > 0 else { throw ValidationError("--columns takes a positive count") }
        }

        func run() throws {
            try failingCleanly {
                let loaded = try options.load()
                let weights: QuantizedWeights
                do {
                    guard let first = try loaded.model.fullyConnectedLayers().first else { throw CommandFailure("\(loaded.name): the model has no FULLY_CONNECTED layer") }
                    weights = try QuantizedWeights(tensor: first.weights, in: loaded.model)
                } catch let failure as CommandFailure { throw failure } catch {
                    throw CommandFailure("\(loaded.name): \(error) (the mosaic needs integer weights)")
                }
                let side = MNISTPreprocessing.side
                guard weights.inputCount == side * side else {
                    throw CommandFailure("\(loaded.name): the first layer reads \(weights.inputCount) inputs, not a 28×28 picture")
                }
                // q − Z2 for every weight, scaled into −127…127 by the layer's largest |q − Z2|
                // (for int8 weights that is 127 itself: every code keeps its own colour).
                let centred = (0..<weights.codes.count).map { Int(weights.codes[$0]) - Int(weights.zeroPoints[$0 / weights.inputCount]) }
                let largest = max(centred.map(abs).max() ?? 1, 1)
                let rows = (weights.outputCount + columns - 1) / columns
                let pitch = side + 1  // a one-pixel grey gap between tiles
                var canvas = Canvas(width: columns * pitch + 1, height: rows * pitch + 1, palette: divergingPalette)
                for neuron in 0..<weights.outputCount {
                    let (top, left) = (1 + (neuron / columns) * pitch, 1 + (neuron % columns) * pitch)
                    for pixel in 0..<(side * side) {
                        let value = centred[neuron * weights.inputCount + pixel]
                        let index = 128 + Int((Double(value) * 127 / Double(largest)).rounded())
                        canvas.fill(top: top + pixel / side, left: left + pixel % side, width: 1, height: 1, colour: UInt8(index))
                    }
                }
                try canvas.write(to: output)
                print("wrote \(output): \(canvas.width)×\(canvas.height), the \(weights.outputCount) weight rows of \(loaded.name)'s first layer, largest |q − Z2| = \(largest)")
            }
        }
    }

    struct Activations: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chapter 9: every layer's outputs for a picture, as bars of q − Z (steps of S above the zero point), then the probabilities.")

        @Argument(help: ArgumentHelp("A PNG picture of a digit.", valueName: "image.png"))
        var image: String

        @OptionGroup var options: ModelOptions
        @OptionGroup var kernels: KernelOptions

        @Option(help: ArgumentHelp("The PNG file to write.", valueName: "figure.png"))
        var output: String

        func run() throws {
            try failingCleanly {
                let picture = try readPicture(image)
                let loaded = try options.load()
                let model = loaded.model
                let network = try loaded.network(kernels.kernels)
                let run: NetworkRun
                var panels: [ActivationPanel] = []
                do {
                    run = try network.run(pixels: picture.pixels)
                    // One panel per FULLY_CONNECTED output, then the softmax's probabilities.
                    for layer in try model.fullyConnectedLayers() {
                        let what = "operator \(layer.operatorIndex) (FULLY_CONNECTED, \(layer.fusedActivation.rawValue)): its \(layer.output.elementCount ?? 0) outputs"
                        switch run.tensors[layer.output.index]! {
                        case .integers(let codes):
                            let zeroPoint = Double(layer.outputZeroPoint)
                            panels.append(ActivationPanel(title: "\(what), S3 = \(layer.outputScale ?? 0)", axis: "q − Z3",
                                                          values: codes.map { Double($0) - zeroPoint }))
                        case .floats(let reals): panels.append(ActivationPanel(title: what, axis: "real", values: reals.map(Double.init)))
                        }
                    }
                    guard let probabilities = run.probabilities else { throw CommandFailure("\(loaded.name): the model has no SOFTMAX, so no probabilities to draw") }
                    panels.append(ActivationPanel(title: "the SOFTMAX: the 10 probabilities, the prediction \(run.prediction) in blue", axis: "probability",
                                                  values: probabilities.map(Double.init), highlight: run.prediction))
                } catch let failure as CommandFailure { throw failure } catch { throw CommandFailure("\(loaded.name): \(error)") }
                let (width, panelHeight) = (1024, 250)
                var canvas = Canvas(width: width, height: panels.count * panelHeight, palette: plotPalette)
                for (position, panel) in panels.enumerated() {
                    panel.draw(on: &canvas, box: PixelRect(top: position * panelHeight, left: 0, width: width, height: panelHeight))
                }
                try canvas.write(to: output)
                print("wrote \(output): \(canvas.width)×\(canvas.height), \(panels.count) panels for \(image) (\(loaded.name), \(network.kernelsLabel), prediction \(run.prediction))")
            }
        }
    }
}

/// One panel of `render activations`: a layer's outputs as bars from 0, red below it.
struct ActivationPanel {
    let title: String
    let axis: String
    let values: [Double]
    var highlight: Int? = nil

    func draw(on canvas: inout Canvas, box: PixelRect) {
        let high = max(values.max() ?? 0, 0), low = min(values.min() ?? 0, 0)
        let pad = max(high - low, 1e-12) * 0.05
        let count = Double(values.count)
        // Few bars get a tick each (the ten classes); many get round ticks.
        let ticks: [(value: Double, label: String)]? = values.count <= 10 ? values.indices.map { (Double($0), "\($0)") } : nil
        let plot = Plot(on: &canvas, box: box, title: title,
                        x: Axis(values.count <= 10 ? "class" : "output index", range: -0.5...count - 0.5, ticks: ticks, tickCount: 8),
                        y: Axis(axis, range: low - (low < 0 ? pad : 0)...high + pad, tickCount: 4))
        for (index, value) in values.enumerated() {
            // A gap between bars when they are wide enough to show one.
            let gap = Double(plot.frame.width) / count >= 4 ? 0.15 : 0
            let ink: Ink = index == highlight ? .blue : (value < 0 ? .red : .black)
            plot.bar(&canvas, across: Double(index) - 0.5 + gap...Double(index) + 0.5 - gap, from: 0, to: value, ink: ink)
        }
        plot.line(&canvas, from: (-0.5, 0), to: (count - 0.5, 0), ink: .grey, thickness: 1)
    }
}
