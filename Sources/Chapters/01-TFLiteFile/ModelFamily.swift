// Chapter 1 — which of the quantization schemes a model uses. The same network comes out of
// the converters in five shapes; later chapters compute all of them.

/// The quantization scheme of a model, named by what the reader feeds it and how its
/// weights are stored.
public enum ModelFamily: String, Sendable, CaseIterable {
    /// No quantization: float32 everywhere.
    case float = "float"
    /// Jacob et al. 2018 and the TF1 converter: uint8 weights and activations, one scale and
    /// one zero point per tensor.
    case uint8PerTensor = "uint8-per-tensor"
    /// Today's converter: int8 activations, symmetric int8 weights with a scale per output channel.
    case int8PerChannel = "int8-per-channel"
    /// Today's converter with per-channel quantization turned off for Dense layers.
    case int8PerTensor = "int8-per-tensor"
    /// int8 inside, float32 at the edges: a QUANTIZE first and a DEQUANTIZE last.
    case floatIO = "float-io"
    /// int8 inside, uint8 at the edges: a QUANTIZE (a shift by 128) at each end.
    case uint8IO = "uint8-io"

    public var summary: String {
        switch self {
        case .float: "float32, not quantized"
        case .uint8PerTensor: "legacy uint8, per-tensor weights with zero points"
        case .int8PerChannel: "int8, per-channel symmetric weights"
        case .int8PerTensor: "int8, per-tensor symmetric weights"
        case .floatIO: "int8 inside, float32 input and output"
        case .uint8IO: "int8 inside, uint8 input and output"
        }
    }
}

extension Model {
    /// Decides the family from the input tensor's type and the weights of the first
    /// FULLY_CONNECTED. Nil when the model has no FULLY_CONNECTED.
    public func family() throws -> ModelFamily? {
        let layers = try fullyConnectedLayers()
        guard let first = layers.first, let inputIndex = main.inputs.first else { return nil }
        let inputType = main.tensors[inputIndex].type
        switch (first.weights.type, inputType) {
        case (.float32, _): return .float
        case (.uint8, _): return .uint8PerTensor
        case (.int8, .float32): return .floatIO
        case (.int8, .uint8): return .uint8IO
        case (.int8, _):
            return layers.contains { $0.weights.quantization?.isPerChannel == true } ? .int8PerChannel : .int8PerTensor
        default: return nil
        }
    }
}
