// `workbook trace IMAGE.png` on a CNN (chapter 14): one CONV_2D's scales, then one output
// value, channel c of pixel (y, x), through its patch: the products, the zero-point terms, the
// bias, M, the family's rounding and the clamp, every number a field of the layer's NeuronTrace.

import ArgumentParser
import Ch01TFLiteFile
import Ch06Requantize
import Ch09Network
import Ch14Convolution

/// Which value of which convolution to follow; nil fields take the defaults.
struct ConvolutionChoice {
    var convolution: Int?
    var pixel: (row: Int, column: Int)?
    var channel: Int?
}

extension Trace {
    /// The CONV_2D operators of `network`, in execution order.
    static func convolutions(_ network: Network) -> [ConvolutionLayer] {
        network.steps.compactMap { entry in
            guard case .image(let step) = entry.step else { return nil }
            return step as? ConvolutionLayer
        }
    }

    func convolutionText(_ layers: [ConvolutionLayer], run: NetworkRun, choice: ConvolutionChoice) -> String {
        guard !layers.isEmpty else { return "" }
        var out = ""
        for (position, layer) in layers.enumerated() {
            let (scales, options, geometry) = (layer.scales, layer.options, layer.patches.geometry)
            out += "\nconvolution \(position): CONV_2D (operator \(scales.operatorIndex)), \(layer.input.height)×\(layer.input.width)×\(layer.input.channels) → \(layer.output.height)×\(layer.output.width)×\(layer.output.channels), "
                + "\(geometry.height.window)×\(geometry.width.window) window, padding \(options.padding.rawValue), stride \(options.strideHeight)×\(options.strideWidth)"
                + (options.dilationHeight == 1 && options.dilationWidth == 1 ? "" : ", dilation \(options.dilationHeight)×\(options.dilationWidth)")
                + ", \(scales.fusedActivation.rawValue)\n"
            out += scaleLines(layer.requantizer, scales: scales, weightZeroPoints: layer.weights.zeroPoints)
            let accumulators = run.accumulators[scales.output.index]!
            let outputs = run.tensors[scales.output.index]!.integers!
            out += "  accumulators (bias included) from \(accumulators.min()!) to \(accumulators.max()!); outputs from \(outputs.min()!) to \(outputs.max()!), clamp [\(layer.clamp.minimum), \(layer.clamp.maximum)]\n"
        }
        let chosen = min(choice.convolution ?? 0, layers.count - 1)  // validate() checked it
        let layer = layers[chosen]
        let accumulators = run.accumulators[layer.scales.output.index]!
        let outputs = run.tensors[layer.scales.output.index]!.integers!
        let channels = layer.output.channels
        let (pixel, channel) = Self.followedValue(layer, accumulators: accumulators, pixel: choice.pixel, channel: choice.channel)
        let (y, x) = (min(pixel.row, layer.output.height - 1), min(pixel.column, layer.output.width - 1))
        let c = min(channel, channels - 1)
        let image = run.tensors[layer.scales.input.index]!.integers!
        let traced = layer.trace(image, y: y, x: x, channel: c)
        let why = choice.pixel == nil && choice.channel == nil ? " (the largest accumulator)" : ""
        out += "\nconvolution \(chosen), output pixel (row \(y), column \(x)), channel \(c)\(why), \(kernels.kernels.rawValue) kernels:\n"
        out += "  its patch: the \(geometry(layer)) window's \(traced.terms.input.count) input values, off the image read as Z1 (chapter 14)\n"
        let lines = traced.lines(requantizer: layer.requantizer, clamp: layer.clamp, activation: layer.scales.fusedActivation,
                                 expectedOutput: outputs[layer.output.index(y: y, x: x, channel: c)], inputs: "patch values") { k in
            let source = layer.patchSource(y: y, x: x, element: k)
            return "patch \(k), input (row \(source.row), column \(source.column), channel \(source.channel))"
        }
        out += lines.map { "  " + $0 + "\n" }.joined()
        return out
    }

    /// The output value `trace` follows and `render feature-maps` outlines: the one given, or
    /// by default the largest accumulator's, a pixel where the filter meets ink (a pixel given
    /// without a channel takes channel 0).
    static func followedValue(_ layer: ConvolutionLayer, accumulators: [Int32], pixel: (row: Int, column: Int)?, channel: Int?)
        -> (pixel: (row: Int, column: Int), channel: Int) {
        let largest = accumulators.indices.max { accumulators[$0] < accumulators[$1] }!
        let (channels, width) = (layer.output.channels, layer.output.width)
        return (pixel ?? (largest / channels / width, largest / channels % width),
                channel ?? (pixel == nil ? largest % channels : 0))
    }

    func geometry(_ layer: ConvolutionLayer) -> String {
        "\(layer.patches.geometry.height.window)×\(layer.patches.geometry.width.window)×\(layer.input.channels)"
    }

    /// S1/Z1, S2/Z2, S3/Z3 and M as the family forms it: the lines every weighted layer shows.
    func scaleLines(_ requantizer: Requantizer, scales: LayerScales, weightZeroPoints: [Int32]) -> String {
        var out = "  S1 = \(requantizer.inputScale), Z1 = \(scales.inputZeroPoint)   (input tensor \(scales.input.index))\n"
        let weightScales = requantizer.weightScales
        let zeroPoints = Set(weightZeroPoints)
        let zeroPointText = zeroPoints.count == 1 ? "\(zeroPoints.first!)" : "\(zeroPoints.min()!) to \(zeroPoints.max()!)"
        if requantizer.isPerChannel {
            out += "  S2 = \(weightScales.min()!) to \(weightScales.max()!) (\(weightScales.count) channels), Z2 = \(zeroPointText)   (weights tensor \(scales.weights.index))\n"
        } else {
            out += "  S2 = \(weightScales[0]), Z2 = \(zeroPointText)   (weights tensor \(scales.weights.index), one scale)\n"
        }
        out += "  S3 = \(requantizer.outputScale), Z3 = \(scales.outputZeroPoint)   (output tensor \(scales.output.index))\n"
        let channels = requantizer.isPerChannel ? Array(0..<weightScales.count) : [0]
        let reals = channels.map { requantizer.realMultiplier(channel: $0) }
        out += "  M = S1·S2/S3 = " + range(reals.min()!, reals.max()!) + "\n"
        switch requantizer.channels[0] {
        case .double: out += "  reference: M kept in double\n"
        case .fixedPoint:
            var (m0s, shifts): ([Int32], [Int]) = ([], [])
            for case .fixedPoint(let m0, let shift) in requantizer.channels { m0s.append(m0); shifts.append(shift) }
            out += "  M0 = \(range(m0s.min()!, m0s.max()!)), shift = \(range(shifts.min()!, shifts.max()!))   (M ≈ M0·2^(shift − 31))\n"
        case .float:
            var floats: [Float] = []
            for case .float(let m) in requantizer.channels { floats.append(m) }
            out += "  xnnpack: M in float32 = \(range(floats.min()!, floats.max()!))\n"
        }
        return out
    }
}

extension Trace {
    /// --pixel as (row, column); validate() has checked it.
    func convolutionChoice() throws -> ConvolutionChoice {
        ConvolutionChoice(convolution: conv, pixel: try pixel.map(Self.parsePixel), channel: channel)
    }

    static func parsePixel(_ text: String) throws -> (row: Int, column: Int) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, let row = Int(parts[0]), let column = Int(parts[1]), row >= 0, column >= 0 else {
            throw ValidationError("--pixel takes an output pixel as row,column from 0 (e.g. 12,13), not '\(text)'")
        }
        return (row, column)
    }

    /// A bad --conv, --pixel or --channel is a usage error, decided by the model when it reads.
    func validateConvolutionChoice() throws {
        if let conv, conv < 0 { throw ValidationError("--conv takes a convolution's index from 0, not \(conv)") }
        if let channel, channel < 0 { throw ValidationError("--channel takes a channel's index from 0, not \(channel)") }
        let chosenPixel = try pixel.map(Self.parsePixel)
        guard conv != nil || pixel != nil || channel != nil, let loaded = try? options.load(),
              let layers = try? loaded.model.convolutionLayers().filter({ $0.operatorName == SupportedOperator.conv2D.rawValue }) else { return }
        guard !layers.isEmpty else {
            throw ValidationError("--conv, --pixel and --channel follow a CONV_2D; \(loaded.name) has none")
        }
        let chosen = conv ?? 0
        guard chosen < layers.count else {
            throw ValidationError("--conv \(chosen): the model has CONV_2D layers 0 to \(layers.count - 1)")
        }
        let shape = layers[chosen].output.shape
        guard shape.count == 4 else { return }  // run() refuses the layer itself
        if let chosenPixel, chosenPixel.row >= shape[1] || chosenPixel.column >= shape[2] {
            throw ValidationError("--pixel \(chosenPixel.row),\(chosenPixel.column): convolution \(chosen) writes rows 0 to \(shape[1] - 1), columns 0 to \(shape[2] - 1)")
        }
        if let channel, channel >= shape[3] {
            throw ValidationError("--channel \(channel): convolution \(chosen) writes channels 0 to \(shape[3] - 1)")
        }
    }
}
