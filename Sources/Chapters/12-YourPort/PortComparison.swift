// Chapter 12 — a port against the four kernel families: the workbook computes the same images in
// each family (chapter 9's network, which chapter 9 proved equal to TFLite's in each), and
// counts, tensor by tensor, the elements where the port's values differ. A family the port
// reproduces on every tensor it gave is a match.

import Ch01TFLiteFile
import Ch02Affine
import Ch06Requantize
import Ch09Network

/// Where a port first differs from a family in one tensor.
public struct FirstDifference: Sendable, Equatable {
    public let image: Int
    public let element: Int
    public let port: Double
    public let family: Double
}

public struct TensorComparison: Sendable {
    public let port: PortTensor
    public var tensor: CheckedTensor { port.tensor }
    public var compared: Int { port.values.count }
    /// Per offered family: how many elements differ, and the first that does.
    public internal(set) var differing: [KernelFamily: Int] = [:]
    public internal(set) var first: [KernelFamily: FirstDifference] = [:]
}

public struct PortComparison: Sendable {
    /// The families the check computes, each prepared once; and those TFLite does not offer for
    /// this model (TFLite Micro has no uint8 kernels), with the reason.
    public let networks: [KernelFamily: Network]
    public let notOffered: [KernelFamily: String]
    public let tensors: [TensorComparison]
    public let imageCount: Int

    /// The families the port reproduces on every tensor it gave, in KernelFamily's order.
    public var matches: [KernelFamily] {
        KernelFamily.allCases.filter { family in networks[family] != nil && tensors.allSatisfy { $0.differing[family] == 0 } }
    }

    /// Runs every offered family over `images` (784 pixels each) and compares `port` with it.
    public init(port: PortFile, networks: [KernelFamily: Network], notOffered: [KernelFamily: String], images: [[UInt8]]) throws {
        precondition(port.imageCount == images.count, "the port was read for as many images as the check computes")
        self.networks = networks
        self.notOffered = notOffered
        self.imageCount = images.count
        var tensors = port.tensors.map { TensorComparison(port: $0) }
        for family in KernelFamily.allCases {
            guard let network = networks[family] else { continue }
            for position in tensors.indices { tensors[position].differing[family] = 0 }
            for (image, pixels) in images.enumerated() {
                let run = try network.run(pixels: pixels)
                for position in tensors.indices {
                    let tensor = tensors[position].tensor
                    let size = tensor.elementCount
                    let start = image * size
                    var count = 0
                    var first: FirstDifference?
                    func note(_ element: Int, _ ported: Double, _ computed: Double) {
                        count += 1
                        if first == nil { first = FirstDifference(image: image, element: element, port: ported, family: computed) }
                    }
                    switch (tensors[position].port.values, run.tensors[tensor.index]!) {
                    case (.integers(let ported), .integers(let computed)):
                        for element in 0..<size where ported[start + element] != Int64(computed[element]) {
                            note(element, Double(ported[start + element]), Double(computed[element]))
                        }
                    case (.floats(let ported), .floats(let computed)):
                        // float32, as TFLite holds it: the port's float64 is read back as float32.
                        for element in 0..<size where Float(ported[start + element]) != computed[element] {
                            note(element, ported[start + element], Double(computed[element]))
                        }
                    default:
                        note(0, .nan, .nan)  // PortFile read each array as its tensor's kind
                    }
                    tensors[position].differing[family]! += count
                    if tensors[position].first[family] == nil, let first { tensors[position].first[family] = first }
                }
            }
        }
        self.tensors = tensors
    }
}

/// The four families prepared for `model`, and those the workbook (like TFLite) refuses for it.
public func familyNetworks(model: Model, pixelMapping: PixelMapping?) throws -> (networks: [KernelFamily: Network], notOffered: [KernelFamily: String]) {
    var networks: [KernelFamily: Network] = [:]
    var notOffered: [KernelFamily: String] = [:]
    var firstError: Error?
    for family in KernelFamily.allCases {
        do { networks[family] = try Network(model: model, family: family, pixelMapping: pixelMapping) } catch {
            notOffered[family] = "\(error)"
            firstError = firstError ?? error
        }
    }
    if networks.isEmpty, let firstError { throw firstError }
    return (networks, notOffered)
}
