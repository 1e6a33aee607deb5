// `workbook tensors --npz FILE`: the same tensors as the JSON lines, as one numpy archive, each
// tensor an array [images, …] of its own type (int8, uint8, int32 or float32) under its name in
// the .tflite, the input tensor too: `np.load(FILE)["<tensor name>"]`. A CNN writes some 20,000
// values an image, which as JSON is about 100 MB per 1,000 images; tools/crosscheck.py reads this.

import Ch01TFLiteFile
import Ch09Network
import Ch12YourPort

/// The tensors of many images, gathered image by image into one array per tensor.
struct TensorArchive {
    private var arrays: [Int: (element: NumpyElement, bytes: [UInt8])] = [:]
    private var images = 0
    let model: Model

    init(model: Model) { self.model = model }

    /// One image's tensors, in the order `tensors` lists them.
    mutating func add(_ tensors: [Int], values: (Int) -> TensorValues) {
        for tensor in tensors {
            let element = Self.element(of: model.main.tensors[tensor].type)
            // Appended in place (a copy taken out of the dictionary would copy every image so far).
            switch values(tensor) {
            case .integers(let codes):
                // The network wrote each code within its tensor's type: the narrowing keeps it whole.
                switch element {
                case .int8, .uint8: arrays[tensor, default: (element, [])].bytes += codes.map { UInt8(truncatingIfNeeded: $0) }
                default: for code in codes { arrays[tensor, default: (element, [])].bytes.appendLittleEndian(UInt32(bitPattern: code)) }
                }
            case .floats(let reals):
                for real in reals { arrays[tensor, default: (element, [])].bytes.appendLittleEndian(real.bitPattern) }
            }
        }
        images += 1
    }

    static func element(of type: TensorType) -> NumpyElement {
        switch type {
        case .int8: .int8
        case .uint8: .uint8
        case .float32: .float32
        default: .int32
        }
    }

    /// The archive: each tensor [images, its shape without the batch of 1].
    func bytes(order: [Int]) throws(ArchiveError) -> [UInt8] {
        var writer = NumpyArchiveWriter()
        for tensor in order {
            guard let entry = arrays[tensor] else { continue }
            let shape = model.main.tensors[tensor].shape
            let perImage = images == 0 ? 0 : entry.bytes.count / entry.element.size / images
            let dimensions = shape.first == 1 && shape.dropFirst().reduce(1, *) == perImage ? Array(shape.dropFirst()) : [perImage]
            writer.add(key: model.main.tensors[tensor].name, element: entry.element, shape: [images] + dimensions, elements: entry.bytes)
        }
        return try writer.bytes()
    }
}

extension [UInt8] {
    fileprivate mutating func appendLittleEndian(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }
}
