// `workbook inspect` (chapter 1): what netron shows, and what it does not — for each
// FULLY_CONNECTED and convolution, where S1, S2 and S3 of M = S1·S2/S3 live; for each window
// (chapter 14), where it sits: padding on each side, strides, output size.

import ArgumentParser
import Ch01TFLiteFile
import Ch14Convolution
import Foundation
import JSONText

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chapter 1: the tensors, scales and zero points of a .tflite model.")

    @OptionGroup var options: ModelOptions

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        try failingCleanly {
            let loaded = try options.load()
            let (model, path) = (loaded.model, loaded.name)
            do {
                let report = try InspectReport(model: model)
                print(json ? report.json(path: path).text : report.text(path: path), terminator: json ? "\n" : "")
            } catch {
                throw CommandFailure("\(path): \(error)")
            }
        }
    }
}

/// Everything `inspect` prints, gathered once.
struct InspectReport {
    let model: Model
    let family: ModelFamily?
    let layers: [LayerScales]
    let shapes: StaticShapes

    init(model: Model) throws {
        self.model = model
        family = try model.family()
        layers = try model.fullyConnectedLayers() + model.convolutionLayers()
        shapes = try model.staticShapes()
    }

    func text(path: String) -> String {
        let graph = model.main
        var out = "\(path): schema version \(model.version), \(graph.operators.count) operators, \(graph.tensors.count) tensors, \(model.buffers.count) buffers\n"
        out += "family: \(family.map { "\($0.rawValue) (\($0.summary))" } ?? "unknown")\n"
        for index in graph.inputs { out += "input:  \(describe(graph.tensors[index]))\n" }
        for index in graph.outputs { out += "output: \(describe(graph.tensors[index]))\n" }
        for op in graph.operators {
            let code = model.operatorCodes[op.opcodeIndex]
            out += "\noperator \(op.index): \(code.name)\(optionsText(op.options))\n"
            if let layer = layers.first(where: { $0.operatorIndex == op.index }) {
                out += layerText(layer)
                if let window = windowText(op, layer.input, weights: layer.weights) { out += window }
            } else if case .pool = op.options, let window = windowText(op, graph.tensors[op.inputs[0]], weights: nil) {
                for index in op.inputs where index >= 0 { out += "  reads   \(describe(graph.tensors[index]))\n" }
                for index in op.outputs { out += "  writes  \(describe(graph.tensors[index]))\n" }
                out += window
            } else if shapes.shapeOperators.contains(op.index), let written = op.outputs.first, let values = shapes.values[written] {
                let shown = graph.tensors[written].shape.isEmpty && values.count == 1 ? "\(values[0]) (a single number)" : "\(values)"
                out += "  writes  tensor \(written) '\(graph.tensors[written].name)' = \(shown), a shape: evaluated once from the static shapes (batch 1)\n"
            } else if let shape = shapes.reshapes[op.index], let from = op.inputs.first, from >= 0 {
                out += "  reads   \(describe(graph.tensors[from]))\n"
                out += "  writes  \(describe(graph.tensors[op.outputs[0]]))\n"
                out += "          the same \(graph.tensors[from].elementCount ?? 0) values as shape \(shape): a reshape moves no number"
                out += shapes.shapeOperators.isEmpty ? "\n" : " (with the SHAPE, STRIDED_SLICE and PACK before it, Keras's Flatten with no fixed batch)\n"
            } else {
                for index in op.inputs where index >= 0 { out += "  reads   \(describe(graph.tensors[index]))\n" }
                for index in op.outputs { out += "  writes  \(describe(graph.tensors[index]))\n" }
            }
        }
        return out
    }

    func optionsText(_ options: BuiltinOptions) -> String {
        switch options {
        case .fullyConnected(let activation, _): ", fused activation \(activation.rawValue)"
        case .softmax(let beta): ", beta \(beta)"
        case .reshape(let shape): shape.isEmpty ? "" : ", new shape \(shape)"
        case .stridedSlice(let masks): masks.shrinkAxis != 0 ? ", shrink_axis_mask \(masks.shrinkAxis)" : ""
        case .pack(_, let axis): ", axis \(axis)"
        case .convolution(let o):
            ", padding \(o.padding.rawValue), stride \(o.strideHeight)×\(o.strideWidth)"
                + (o.dilationHeight == 1 && o.dilationWidth == 1 ? "" : ", dilation \(o.dilationHeight)×\(o.dilationWidth)")
                + (o.depthMultiplier == 1 ? "" : ", depth multiplier \(o.depthMultiplier)") + ", fused activation \(o.fusedActivation.rawValue)"
        case .pool(let o):
            ", window \(o.filterHeight)×\(o.filterWidth), padding \(o.padding.rawValue), stride \(o.strideHeight)×\(o.strideWidth), fused activation \(o.fusedActivation.rawValue)"
        case .reducer(let keepDims): ", keep_dims \(keepDims)"
        case .shape, .none, .other: ""
        }
    }

    /// Where a convolution's or pooling's window sits (chapter 14's arithmetic): the padding on
    /// each side and the output size it gives; nil for a shape the window cannot slide over.
    func windowText(_ op: Operator, _ input: Tensor, weights: Tensor?) -> String? {
        guard let image = ImageShape(input) else { return nil }
        let geometry: WindowGeometry
        switch op.options {
        case .convolution(let options):
            guard let filter = weights, filter.shape.count == 4 else { return nil }
            geometry = WindowGeometry(inputHeight: image.height, inputWidth: image.width,
                                      windowHeight: filter.shape[1], windowWidth: filter.shape[2], options: options)
        case .pool(let options):
            geometry = WindowGeometry(inputHeight: image.height, inputWidth: image.width, options: options)
        default:
            return nil
        }
        let (h, w) = (geometry.height, geometry.width)
        return "  window  \(h.window)×\(w.window) over \(image.height)×\(image.width): padding top \(h.paddingBefore), bottom \(h.paddingAfter), left \(w.paddingBefore), right \(w.paddingAfter); output \(h.outputSize)×\(w.outputSize)\n"
    }

    func layerText(_ layer: LayerScales) -> String {
        var out = "  input   \(describe(layer.input, scale: "S1", zeroPoint: "Z1"))\n"
        out += "  weights \(describe(layer.weights, scale: "S2", zeroPoint: "Z2"))\n"
        if let bias = layer.bias {
            out += "  bias    \(describe(bias, scale: "Sb", zeroPoint: "Zb"))\n"
            if let error = layer.biasScaleRelativeError {
                out += "          Sb = S1·S2 \(error <= 1e-6 ? "holds" : "does NOT hold") (largest relative difference \(String(format: "%.1e", error)))\n"
            }
        }
        out += "  output  \(describe(layer.output, scale: "S3", zeroPoint: "Z3"))\n"
        out += "          S3 is the scale of the operator's output tensor, \(layer.output.index)\n"
        return out
    }

    /// "tensor 3 'name' int8 [512, 784], S2 = 0.0012 (512 per-channel scales, …), Z2 = 0"
    func describe(_ tensor: Tensor, scale: String = "S", zeroPoint: String = "Z") -> String {
        var out = "tensor \(tensor.index) '\(tensor.name)' \(tensor.type) \(tensor.shape)"
        guard let q = tensor.quantization else { return out + ", not quantized" }
        if q.isPerChannel {
            let sorted = q.scales.sorted()
            let zeroPoints = Set(q.zeroPoints)
            out += ", \(scale): \(q.scales.count) scales along dimension \(q.quantizedDimension), \(sorted.first!) to \(sorted.last!)"
            out += ", \(zeroPoint) = \(zeroPoints.count == 1 ? "\(zeroPoints.first!)" : "\(q.zeroPoints)")"
        } else {
            out += ", \(scale) = \(q.scales[0]), \(zeroPoint) = \(q.zeroPoints[0])"
        }
        return out
    }

    func json(path: String) -> JSON {
        let graph = model.main
        let tensors: [JSON] = graph.tensors.map { tensor in
            .object([
                ("index", .int(tensor.index)), ("name", .string(tensor.name)),
                ("type", .string(tensor.type.description)), ("shape", .array(tensor.shape.map { .int($0) })),
                ("scales", .array((tensor.quantization?.scales ?? []).map { .float($0) })),
                ("zeroPoints", .array((tensor.quantization?.zeroPoints ?? []).map { .int(Int($0)) })),
                ("quantizedDimension", .int(tensor.quantization?.quantizedDimension ?? 0)),
                ("buffer", .int(tensor.buffer)),
            ])
        }
        let operators: [JSON] = graph.operators.map { op in
            var fields: [(String, JSON)] = [
                ("index", .int(op.index)), ("op", .string(model.operatorCodes[op.opcodeIndex].name)),
                ("inputs", .array(op.inputs.map { .int($0) })), ("outputs", .array(op.outputs.map { .int($0) })),
                ("fusedActivation", op.options.fusedActivation.map { .string($0.rawValue) } ?? .null),
            ]
            if let layer = layers.first(where: { $0.operatorIndex == op.index }) {
                fields.append(("inputScale", layer.inputScale.map { .float($0) } ?? .null))
                fields.append(("weightScaleCount", .int(layer.weightScales.count)))
                fields.append(("outputScale", layer.outputScale.map { .float($0) } ?? .null))
                fields.append(("biasScaleRelativeError", layer.biasScaleRelativeError.map { .double($0) } ?? .null))
            }
            return .object(fields)
        }
        return .object([
            ("model", .string(path)), ("family", family.map { .string($0.rawValue) } ?? .null),
            ("inputs", .array(graph.inputs.map { .int($0) })), ("outputs", .array(graph.outputs.map { .int($0) })),
            ("tensors", .array(tensors)), ("operators", .array(operators)),
        ])
    }
}
