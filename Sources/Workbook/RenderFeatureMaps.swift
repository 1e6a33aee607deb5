// `workbook render feature-maps IMAGE.png` (chapter 14): one CONV_2D for a picture. On the left
// its input (one channel) with the border a SAME padding adds, drawn in blue, where the window
// reads Z_in; one patch outlined in red, the window of the output value `trace` follows. On the
// right every output channel as a tile of codes, the same value outlined. Every number is the
// network's own run (chapter 9 with part two's operators).

import ArgumentParser
import Ch01TFLiteFile
import Ch09Network
import Ch10Pixels
import Ch14Convolution
import Foundation

/// Greys 0…239 for codes, then the figure's own colours.
private let featurePalette: [(UInt8, UInt8, UInt8)] = {
    let greys: [(UInt8, UInt8, UInt8)] = (0..<240).map { index in
        let level = UInt8(index * 255 / 239)
        return (level, level, level)
    }
    let marks: [(UInt8, UInt8, UInt8)] = [(220, 30, 30), (150, 180, 240), (128, 128, 128), (255, 255, 255), (0, 0, 0)]
    return greys + marks
}()
private let (red, paddingBlue, gapGrey, white, black): (UInt8, UInt8, UInt8, UInt8, UInt8) = (240, 241, 242, 243, 244)

extension Render {
    struct FeatureMaps: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "feature-maps",
            abstract: "Chapter 14: a CONV_2D's input with its padded border and one patch, and every output channel as a tile of codes.")

        @Argument(help: ArgumentHelp("A PNG picture of a digit.", valueName: "image.png"))
        var image: String

        @OptionGroup var options: ModelOptions
        @OptionGroup var kernels: KernelOptions

        @Option(help: ArgumentHelp("The PNG file to write.", valueName: "figure.png"))
        var output: String

        @Option(help: "Which CONV_2D, from 0 (default: the first).")
        var conv = 0

        @Option(help: ArgumentHelp("The output pixel whose patch is outlined (default: where the largest accumulator is).", valueName: "row,column"))
        var pixel: String?

        @Option(help: "The output channel outlined (default: the largest accumulator's).")
        var channel: Int?

        @Option(help: "Pixels per input pixel.")
        var scale = 8

        func validate() throws {
            guard (2...32).contains(scale) else { throw ValidationError("--scale takes 2 to 32 pixels per input pixel") }
            guard conv >= 0 else { throw ValidationError("--conv takes a convolution's index from 0, not \(conv)") }
            if let channel, channel < 0 { throw ValidationError("--channel takes a channel's index from 0, not \(channel)") }
            if let pixel { _ = try Trace.parsePixel(pixel) }
        }

        func run() throws {
            try failingCleanly {
                let picture = try readPicture(image)
                let loaded = try options.load()
                let network = try loaded.network(kernels.kernels)
                let layers = Trace.convolutions(network)
                guard !layers.isEmpty else { throw CommandFailure("\(loaded.name): the model has no CONV_2D; feature maps are part two's (chapter 14)") }
                guard conv < layers.count else { throw CommandFailure("\(loaded.name): --conv \(conv), but the model has CONV_2D layers 0 to \(layers.count - 1)") }
                let layer = layers[conv]
                let run: NetworkRun
                do { run = try network.run(pixels: picture.pixels) } catch { throw CommandFailure("\(image): \(error)") }
                let input = run.tensors[layer.scales.input.index]!.integers!
                let outputs = run.tensors[layer.scales.output.index]!.integers!
                let accumulators = run.accumulators[layer.scales.output.index]!
                let (out, geometry) = (layer.output, layer.patches.geometry)

                let (chosen, c) = Trace.followedValue(layer, accumulators: accumulators, pixel: try pixel.map(Trace.parsePixel), channel: channel)
                guard chosen.row < out.height, chosen.column < out.width, c < out.channels else {
                    throw CommandFailure("\(loaded.name): convolution \(conv) writes rows 0 to \(out.height - 1), columns 0 to \(out.width - 1), channels 0 to \(out.channels - 1)")
                }

                // The input panel: the image and, around it, the padding the window reaches.
                let (padTop, padLeft) = (geometry.height.paddingBefore, geometry.width.paddingBefore)
                let (paddedHeight, paddedWidth) = (layer.input.height + padTop + geometry.height.paddingAfter,
                                                   layer.input.width + padLeft + geometry.width.paddingAfter)
                let tileScale = max(2, scale / 2)
                let columns = min(8, out.channels)
                let tileRows = (out.channels + columns - 1) / columns
                let (tileWidth, tileHeight) = (out.width * tileScale, out.height * tileScale)
                let header = 30
                let inputWidth = paddedWidth * scale, inputHeight = paddedHeight * scale
                let mapsLeft = inputWidth + 40
                let title = "\(loaded.name) operator \(layer.scales.operatorIndex), CONV_2D: input channel 0 of \(layer.input.channels), padding \(layer.options.padding.rawValue); \(out.channels) output channels"
                let width = max(mapsLeft + columns * (tileWidth + 4) + 16, BitmapFont.width(title, scale: 2) + 16)
                let height = header + max(inputHeight, tileRows * (tileHeight + 4)) + 16
                var canvas = Canvas(width: width, height: height, palette: featurePalette, background: white)
                canvas.text(title, top: 8, left: 8, colour: black)
                let range = layer.scales.input.type.integerRange ?? -128...127
                func grey(_ code: Int32, _ low: Int32, _ high: Int32) -> UInt8 {
                    UInt8(high == low ? 0 : Int((code - low)) * 239 / Int(high - low))
                }
                for row in 0..<paddedHeight {
                    for column in 0..<paddedWidth {
                        let (y, x) = (row - padTop, column - padLeft)
                        let inside = (0..<layer.input.height).contains(y) && (0..<layer.input.width).contains(x)
                        let colour = inside ? grey(input[layer.input.index(y: y, x: x, channel: 0)], Int32(range.lowerBound), Int32(range.upperBound)) : paddingBlue
                        canvas.fill(top: header + row * scale, left: column * scale, width: scale, height: scale, colour: colour)
                    }
                }
                // The patch: the window of the chosen output pixel, in padded coordinates.
                let top = geometry.height.inputPosition(output: chosen.row, tap: 0) + padTop
                let bottom = geometry.height.inputPosition(output: chosen.row, tap: geometry.height.window - 1) + padTop
                let left = geometry.width.inputPosition(output: chosen.column, tap: 0) + padLeft
                let right = geometry.width.inputPosition(output: chosen.column, tap: geometry.width.window - 1) + padLeft
                outline(&canvas, top: header + top * scale, left: left * scale, bottom: header + (bottom + 1) * scale - 1, right: (right + 1) * scale - 1)

                for channel in 0..<out.channels {
                    let (tileTop, tileLeft) = (header + (channel / columns) * (tileHeight + 4), mapsLeft + (channel % columns) * (tileWidth + 4))
                    canvas.fill(top: tileTop - 1, left: tileLeft - 1, width: tileWidth + 2, height: tileHeight + 2, colour: gapGrey)
                    for y in 0..<out.height {
                        for x in 0..<out.width {
                            let code = outputs[out.index(y: y, x: x, channel: channel)]
                            canvas.fill(top: tileTop + y * tileScale, left: tileLeft + x * tileScale, width: tileScale, height: tileScale,
                                        colour: grey(code, layer.clamp.minimum, layer.clamp.maximum))
                        }
                    }
                    if channel == c {
                        outline(&canvas, top: tileTop + chosen.row * tileScale - 1, left: tileLeft + chosen.column * tileScale - 1,
                                bottom: tileTop + (chosen.row + 1) * tileScale, right: tileLeft + (chosen.column + 1) * tileScale)
                    }
                }
                try canvas.write(to: output)
                let value = outputs[out.index(y: chosen.row, x: chosen.column, channel: c)]
                print("wrote \(output): \(canvas.width)×\(canvas.height), operator \(layer.scales.operatorIndex)'s input (padding \(geometry.height.paddingBefore)/\(geometry.height.paddingAfter) rows, \(geometry.width.paddingBefore)/\(geometry.width.paddingAfter) columns) and its \(out.channels) channels; the patch of output (\(chosen.row), \(chosen.column)), channel \(c): code \(value)")
            }
        }

        func outline(_ canvas: inout Canvas, top: Int, left: Int, bottom: Int, right: Int) {
            for thickness in 0..<2 {
                let (t, l, b, r) = (top - thickness, left - thickness, bottom + thickness, right + thickness)
                canvas.line(from: (t, l), to: (t, r), colour: red)
                canvas.line(from: (b, l), to: (b, r), colour: red)
                canvas.line(from: (t, l), to: (b, l), colour: red)
                canvas.line(from: (t, r), to: (b, r), colour: red)
            }
        }
    }
}
