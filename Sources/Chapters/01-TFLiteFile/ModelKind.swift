// Chapter 1 — can the workbook compute this model? Every command asks before anything else,
// so that the same file gets the same answer everywhere: computed, or refused in one line that
// says what the model is and how to convert it into one the workbook computes.
//
// The converter makes five kinds of model from one Keras network, and only two of them compute
// in integers from the first layer to the last:
//   float32                   no optimizations                              computed (chapter 3)
//   full integer (int8)       optimizations + representative_dataset         computed (chapters 4–9)
//                             + TFLITE_BUILTINS_INT8
//   dynamic-range (hybrid)    optimizations, no representative_dataset      refused: computes in float
//   float16                   optimizations + supported_types = [float16]  refused: computes in float
//   16×8                      optimizations + representative_dataset        refused: int16 activations
//                             + EXPERIMENTAL_…_ACTIVATIONS_INT16_WEIGHTS_INT8

/// A model the workbook does not compute, said as what it is, why, and what to do.
public struct UnsupportedModel: Error, Equatable, CustomStringConvertible {
    /// What the model is: "a dynamic-range (hybrid) model: …".
    public let kind: String
    /// How to make one the workbook computes, as one sentence; the Python follows it.
    public let advice: String
    /// The converter settings that make a full-integer model, when they are the fix.
    public let python: [String]

    public var description: String {
        var text = "\(kind); \(advice)"
        if !python.isEmpty { text += ":\n" + python.map { "    " + $0 }.joined(separator: "\n") }
        return text
    }

    /// tf.lite.TFLiteConverter settings for an int8 model, as models/README.md gives them.
    public static let fullIntegerConversion = [
        "converter.optimizations = [tf.lite.Optimize.DEFAULT]",
        "converter.representative_dataset = images  # yields [one training input] a few hundred times",
        "converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]",
        "converter.inference_input_type = converter.inference_output_type = tf.int8  # optional",
    ]
    static let convertFullInteger = "convert it to a full-integer model with a representative dataset, as the workbook's own models are (models/README.md)"
}

extension Model {
    /// An MNIST image: 28×28 pixels, what every model the workbook runs takes.
    public static let imagePixels = 784

    /// The schema version TFLite reads (tflite/schema/schema.fbs, TFLITE_SCHEMA_VERSION).
    public static let schemaVersion: UInt32 = 3

    /// Refuses, with its kind and the fix, a model the workbook's chapters do not compute.
    /// `validate()` has checked that the file is consistent; this checks that it is in scope.
    /// Returns the static shapes (ShapeArithmetic.swift) it evaluated on the way.
    @discardableResult
    public func requireComputable() throws -> StaticShapes {
        // TFLite's InterpreterBuilder refuses any other version the same way.
        guard version == Self.schemaVersion else {
            throw UnsupportedModel(kind: "the model has schema version \(version), and TFLite reads only version \(Self.schemaVersion)",
                                   advice: "convert it again with a current TensorFlow converter", python: [])
        }
        let graph = main
        let written = Set(graph.operators.flatMap(\.outputs))
        if let half = graph.tensors.first(where: { $0.type == .float16 }) {
            throw UnsupportedModel(
                kind: "a float16 model: its weights are stored as float16 (tensor \(half.index) '\(half.name)') and turned into float32 by DEQUANTIZE, so it computes in float32",
                advice: "for integer arithmetic " + UnsupportedModel.convertFullInteger + " and without `supported_types = [tf.float16]`",
                python: UnsupportedModel.fullIntegerConversion)
        }
        if let wide = graph.tensors.first(where: { ($0.type == .int16 && written.contains($0.index)) || $0.type == .int64 && !buffers[$0.buffer].bytes.isEmpty }) {
            throw UnsupportedModel(
                kind: "a 16×8 model: int16 activations, int8 weights and int64 biases (tensor \(wide.index) '\(wide.name)' is \(wide.type)); the workbook computes 8-bit activations",
                advice: "convert it with TFLITE_BUILTINS_INT8 instead of EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8",
                python: UnsupportedModel.fullIntegerConversion)
        }
        let weighted = try fullyConnectedLayers() + convolutionLayers()
        for layer in weighted where layer.input.type == .float32 && layer.weights.type != .float32 {
            throw UnsupportedModel(
                kind: "a dynamic-range (hybrid) model: operator \(layer.operatorIndex) (\(layer.operatorName)) has \(layer.weights.type) weights but a float32 input, so TFLite quantizes each input on the fly and computes in float; there is no integer network to rebuild",
                advice: UnsupportedModel.convertFullInteger, python: UnsupportedModel.fullIntegerConversion)
        }
        try requireSupportedOperators()
        guard graph.inputs.count == 1, graph.outputs.count == 1 else {
            throw UnsupportedModel(kind: "the model has \(graph.inputs.count) inputs and \(graph.outputs.count) outputs",
                                   advice: "the workbook runs models with one input (an image) and one output (the digit)", python: [])
        }
        let input = graph.tensors[graph.inputs[0]]
        guard input.elementCount == Self.imagePixels else {
            throw UnsupportedModel(kind: "the model's input tensor \(input.index) '\(input.name)' has shape \(input.shape)",
                                   advice: "the workbook feeds it 28×28 images, 784 values ([1, 784], [1, 28, 28] or [1, 28, 28, 1])", python: [])
        }
        let shapes = try staticShapes()
        for layer in weighted where layer.weights.type != .float32 { try requirePrepared(layer) }
        try requireQuantizeMultipliers()
        return shapes
    }

    /// A QUANTIZE from codes to codes multiplies by S_in/S_out (chapter 9): like a layer's M,
    /// it must be below 2^31 for an int32 multiplier to hold it.
    func requireQuantizeMultipliers() throws {
        for op in main.operators where operatorCodes[op.opcodeIndex].code == SupportedOperator.quantize.code {
            guard let from = op.inputs.first, from >= 0, let to = op.outputs.first else { continue }
            let (source, target) = (main.tensors[from], main.tensors[to])
            guard let sIn = source.quantization?.scales.first, let sOut = target.quantization?.scales.first else { continue }
            let ratio = Double(sIn) / Double(sOut)
            guard ratio < 0x1p31, (256 * (sIn / sOut)).isFinite else {
                throw UnsupportedModel(kind: "operator \(op.index) (QUANTIZE) multiplies by S_in/S_out = \(ratio), beyond what an int32 multiplier holds",
                                       advice: "convert the model again", python: [])
            }
        }
    }

    /// What TFLite's FULLY_CONNECTED Prepare refuses (fully_connected.cc, and kernel_util.cc's
    /// GetQuantizedConvolutionMultipler), refused here too, before any arithmetic: quantized
    /// tensors without scales, int8 weights that are not symmetric, a bias whose scale is not
    /// S1·S2, and a multiplier M = S1·S2/S3 that no integer kernel can hold. CONV_2D and
    /// DEPTHWISE_CONV_2D (conv.cc, depthwise_conv.cc) refuse the same.
    func requirePrepared(_ layer: LayerScales) throws {
        let what = "operator \(layer.operatorIndex) (\(layer.operatorName))"
        let refusal = "TFLite's \(layer.operatorName) refuses it too; convert the model again"
        guard let s1 = layer.inputScale, let s3 = layer.outputScale, !layer.weightScales.isEmpty else {
            throw UnsupportedModel(kind: "\(what) has \(layer.weights.type) weights but its input or output tensor has no scale", advice: refusal, python: [])
        }
        if layer.weights.type == .int8, let zero = layer.weightZeroPoints.first(where: { $0 != 0 }) {
            throw UnsupportedModel(kind: "\(what) has int8 weights with zero point \(zero), not 0 (int8 weights are symmetric)", advice: refusal, python: [])
        }
        if let bias = layer.bias {
            guard bias.type == .int32, let biasScales = bias.quantization?.scales,
                  biasScales.count == layer.weightScales.count else {
                throw UnsupportedModel(kind: "\(what) has a bias tensor that is not int32 with one scale per weight scale", advice: refusal, python: [])
            }
            // |S1·S2 − Sb| ≤ 10⁻⁶·min(S1·S2, Sb), in double, as GetQuantizedConvolutionMultipler.
            for (s2, sb) in zip(layer.weightScales, biasScales) {
                let product = Double(s1) * Double(s2)
                guard abs(product - Double(sb)) <= 1e-6 * min(product, Double(sb)) else {
                    throw UnsupportedModel(kind: "\(what) has bias scale \(sb), but S1·S2 = \(product): the bias must be stored in units of S1·S2", advice: refusal, python: [])
                }
            }
        }
        // Every family forms M from the same three float32 scales (chapter 6): it must be a
        // finite positive number below 2^31, the largest an int32 multiplier and shift express.
        for s2 in layer.weightScales {
            let inDouble = Double(s1) * Double(s2) / Double(s3)
            let inFloat32 = s1 * s2 / s3
            guard inDouble.isFinite, inDouble < 0x1p31, inFloat32.isFinite, (s1 * s2).isFinite else {
                throw UnsupportedModel(kind: "\(what) has M = S1·S2/S3 = \(inDouble) (S1 = \(s1), S2 = \(s2), S3 = \(s3)), beyond what an int32 multiplier holds", advice: refusal, python: [])
            }
        }
    }

    /// Refuses a model that uses an operator the workbook does not compute, naming each one.
    public func requireSupportedOperators() throws {
        // Each operator the workbook does not compute, named once, at its first use.
        var unsupported: [String] = []
        var named: Set<String> = []
        for op in main.operators {
            let code = operatorCodes[op.opcodeIndex]
            if code.customCode != nil || SupportedOperator(code: code.code) == nil, named.insert(code.name).inserted {
                unsupported.append("\(code.name) (operator \(op.index))")
            }
        }
        // TensorFlow's converter writes a dilated Conv2D whose input has no fixed batch as
        // SPACE_TO_BATCH_ND → CONV_2D → BATCH_TO_SPACE_ND (seen with TensorFlow 2.21); with
        // batch_size=1 it writes one CONV_2D with dilation factors, which chapter 14 computes.
        if named.contains("SPACE_TO_BATCH_ND") || named.contains("BATCH_TO_SPACE_ND") {
            throw UnsupportedModel(
                kind: "the model uses \(unsupported.joined(separator: ", ")), which the workbook does not compute",
                advice: "that is how TensorFlow's converter writes a dilated Conv2D when the model's input has no fixed batch; give it one (keras.Input(shape, batch_size=1)) and convert again, and the converter writes one CONV_2D with its dilation, which the workbook computes",
                python: [])
        }
        guard unsupported.isEmpty else {
            throw UnsupportedModel(
                kind: "the model uses \(unsupported.joined(separator: ", ")), which the workbook does not compute",
                advice: "it computes \(SupportedOperator.list); the activations RELU, RELU6 and none are fused into the operators, any other is not computed",
                python: [])
        }
    }
}
