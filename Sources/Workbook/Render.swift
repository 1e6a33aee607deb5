// `workbook render` (chapter 10): the PNG figures of the book, made from the real model and
// the real pictures: the prepared 28×28 input enlarged, the first layer's weight rows as a
// mosaic of 28×28 tiles, and every layer's outputs as bars. Written with libpng (chapter 10's
// PNGWriter); images/10-pixels/ holds the ones the chapter shows, and it names the command
// that made each.

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
        abstract: "Chapter 10: write the book's PNG figures from the model and a picture.",
        subcommands: [Input.self, Weights.self, Activations.self, Affine.self, Accumulators.self, Ties.self, Clamp.self, Softmax.self])

    struct Input: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A picture prepared as MNIST's digits were: the model's 28×28 input, enlarged.")

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
            abstract: "The first layer's weight rows, one 28×28 tile per neuron: red above Z2, blue below, white at Z2.")

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
            abstract: "Every layer's outputs for a picture, as bars of q − Z (steps of S above the zero point), then the probabilities.")

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
                let panels: [(values: [Double], highlight: Int?)]
                do {
                    run = try network.run(pixels: picture.pixels)
                    // One panel per FULLY_CONNECTED output, then the softmax's probabilities.
                    var found: [(values: [Double], highlight: Int?)] = []
                    for layer in try model.fullyConnectedLayers() {
                        let zeroPoint = Double(layer.outputZeroPoint)
                        switch run.tensors[layer.output.index]! {
                        case .integers(let codes): found.append((codes.map { Double($0) - zeroPoint }, nil))
                        case .floats(let reals): found.append((reals.map(Double.init), nil))
                        }
                    }
                    guard let probabilities = run.probabilities else { throw CommandFailure("\(loaded.name): the model has no SOFTMAX, so no probabilities to draw") }
                    found.append((probabilities.map(Double.init), run.prediction))
                    panels = found
                } catch let failure as CommandFailure { throw failure } catch { throw CommandFailure("\(loaded.name): \(error)") }
                let (width, panelHeight, gap) = (1024, 120, 12)
                // Colours: 0 white, 1 black bars, 2 red (below the zero point), 3 grey axis, 4 blue (the prediction).
                var canvas = Canvas(width: width, height: panels.count * (panelHeight + gap) + gap,
                                    palette: [(255, 255, 255), (30, 30, 30), (200, 40, 40), (170, 170, 170), (40, 90, 200)])
                for (position, panel) in panels.enumerated() {
                    let top = gap + position * (panelHeight + gap)
                    let high = max(panel.values.max() ?? 0, 0), low = min(panel.values.min() ?? 0, 0)
                    let span = max(high - low, 1e-12)
                    let axis = top + Int((Double(panelHeight) * high / span).rounded())
                    let barWidth = Double(width) / Double(panel.values.count)
                    for (index, value) in panel.values.enumerated() {
                        let left = Int((Double(index) * barWidth).rounded()), right = Int((Double(index + 1) * barWidth).rounded())
                        let length = Int((Double(panelHeight) * abs(value) / span).rounded())
                        let colour: UInt8 = index == panel.highlight ? 4 : (value < 0 ? 2 : 1)
                        let inner = max(right - left - (barWidth >= 4 ? 1 : 0), 1)  // a gap between wide bars
                        canvas.fill(top: value < 0 ? axis : axis - length, left: left, width: inner, height: length, colour: colour)
                    }
                    canvas.fill(top: axis, left: 0, width: width, height: 1, colour: 3)
                }
                try canvas.write(to: output)
                print("wrote \(output): \(canvas.width)×\(canvas.height), \(panels.count) panels for \(image) (\(loaded.name), \(network.kernelsLabel), prediction \(run.prediction))")
            }
        }
    }
}
