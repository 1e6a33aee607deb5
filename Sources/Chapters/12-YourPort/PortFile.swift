// Chapter 12 — a port's results, as `np.savez` wrote them: one array per tensor, keyed by the
// tensor's name in the .tflite (or `input`, or `opK` for what operator K writes), shape [N, …]
// with N the number of images. Here the keys meet the model: each must name the input tensor or
// a tensor an operator writes, hold N images of that tensor's size, and be read as that tensor's
// kind (codes as integers, a float tensor as float32).

import Ch01TFLiteFile
import Ch09Network

/// A tensor the check compares: the model's input, or one an operator writes.
public struct CheckedTensor: Sendable, Equatable {
    public let index: Int
    public let name: String
    /// The operator that writes it, nil for the model's input.
    public let op: Int?
    public let operatorName: String
    public let elementCount: Int
    public let isFloat: Bool

    public init(index: Int, name: String, op: Int?, operatorName: String, elementCount: Int, isFloat: Bool) {
        (self.index, self.name, self.op, self.operatorName, self.elementCount, self.isFloat) = (index, name, op, operatorName, elementCount, isFloat)
    }
}

/// The tensors a port may give, in model order: the input, then what each operator writes.
public func checkedTensors(of network: Network) throws -> [CheckedTensor] {
    let model = network.model
    let graph = model.main
    // One run on a blank image names what the steps write; its values are not used.
    let blank = try network.run(pixels: [UInt8](repeating: 0, count: Model.imagePixels))
    let inputTensor = CheckedTensor(index: network.input.index, name: network.input.name, op: nil, operatorName: "input",
                                    elementCount: network.input.elementCount ?? 0, isFloat: network.input.type == .float32)
    return [inputTensor] + blank.written.map { op, tensor in
        let code = model.operatorCodes[graph.operators[op].opcodeIndex]
        return CheckedTensor(index: tensor, name: graph.tensors[tensor].name, op: op, operatorName: code.name,
                             elementCount: blank.tensors[tensor]!.count, isFloat: blank.tensors[tensor]!.floats != nil)
    }
}

/// One array of the port, matched to its tensor.
public struct PortTensor: Sendable {
    public let tensor: CheckedTensor
    /// The key it had in the archive.
    public let key: String
    /// images × elements, row by row: codes as integers (floats only for a float tensor).
    public let values: NumpyArray.Values
    public let dtype: String

    public init(tensor: CheckedTensor, key: String, values: NumpyArray.Values, dtype: String) {
        (self.tensor, self.key, self.values, self.dtype) = (tensor, key, values, dtype)
    }
}

public struct PortFile: Sendable {
    public let tensors: [PortTensor]
    public let imageCount: Int

    /// A port already in memory, its tensors in model order.
    public init(tensors: [PortTensor], imageCount: Int) { (self.tensors, self.imageCount) = (tensors, imageCount) }

    /// Reads the archive `bytes` (named `path` in errors) against the tensors of the check and the
    /// number of images it computes.
    public init(bytes: [UInt8], path: String, tensors: [CheckedTensor], imageCount: Int) throws(ArchiveError) {
        func fail(_ reason: String) -> ArchiveError { ArchiveError("\(path): \(reason)") }
        let archive: ZipArchive
        do { archive = try ZipArchive(bytes: bytes) } catch { throw fail(error.description) }
        guard !archive.entries.isEmpty else { throw fail("holds no arrays") }
        var found: [PortTensor] = []
        for entry in archive.entries {
            guard entry.name.hasSuffix(".npy") else { throw fail("holds '\(entry.name)', which is not a .npy array (np.savez writes KEY.npy)") }
            let key = String(entry.name.dropLast(4))
            guard let tensor = Self.tensor(named: key, among: tensors) else {
                let names = tensors.map { "'\($0.name)'" }.joined(separator: ", ")
                throw fail("key '\(key)' names no tensor the check compares: use 'input', 'opK', or one of \(names)")
            }
            if let earlier = found.first(where: { $0.tensor.index == tensor.index }) {
                throw fail("keys '\(earlier.key)' and '\(key)' both name tensor \(tensor.index) '\(tensor.name)'")
            }
            // The largest array the check can need: N images of this tensor in int64, plus a header.
            let elements = imageCount * tensor.elementCount
            let largest = 65_536 + 8 * elements
            guard entry.size <= largest else {
                throw fail("'\(key)' is \(entry.size) bytes, more than \(imageCount) images × \(tensor.elementCount) values of at most 8 bytes can take: an array of strings or objects, or of more images than the check computes")
            }
            let bytes: [UInt8]
            do { bytes = try archive.contents(of: entry, maximumSize: largest) } catch { throw fail(error.description) }
            let array: NumpyArray
            do { array = try NumpyArray(npy: bytes, maximumElements: elements) } catch { throw fail("'\(key)' \(error.description)") }
            guard let images = array.shape.first, images == imageCount, array.count == elements else {
                throw fail("'\(key)' has shape \(array.shape), but the check computes \(imageCount) images of tensor \(tensor.index) '\(tensor.name)' (\(tensor.elementCount) values each): expected [\(imageCount), …] holding \(tensor.elementCount) per image")
            }
            var values = array.values
            if tensor.isFloat, case .integers(let integers) = values { values = .floats(integers.map(Double.init)) }
            if !tensor.isFloat, case .floats(let reals) = values {
                // A float array of codes is accepted when every value is a whole number.
                guard let whole = reals.firstIndex(where: { !$0.isFinite || $0.rounded() != $0 || abs($0) > 0x1p62 }) else {
                    found.append(PortTensor(tensor: tensor, key: key, values: .integers(reals.map { Int64($0) }), dtype: array.dtype))
                    continue
                }
                throw fail("'\(key)' is \(array.dtype) and holds \(reals[whole]) at position \(whole); tensor '\(tensor.name)' holds integer codes")
            }
            found.append(PortTensor(tensor: tensor, key: key, values: values, dtype: array.dtype))
        }
        let order = Dictionary(uniqueKeysWithValues: tensors.enumerated().map { ($1.index, $0) })
        self.tensors = found.sorted { order[$0.tensor.index]! < order[$1.tensor.index]! }
        self.imageCount = imageCount
    }

    /// `input`, `opK`, or a tensor's name.
    static func tensor(named key: String, among tensors: [CheckedTensor]) -> CheckedTensor? {
        if key == "input" { return tensors.first { $0.op == nil } }
        if key.hasPrefix("op"), let op = Int(key.dropFirst(2)) { return tensors.first { $0.op == op } }
        return tensors.first { $0.name == key }
    }
}
