// Chapter 12 — what a port most likely did wrong. The first tensor in model order where the port
// leaves the family it follows furthest is the one to fix: every later tensor reads it. For that
// tensor's operator the check recomputes the family's arithmetic with each mistake of
// LayerMistakes.swift (or, for the input, each usual pixel mapping) on the real inputs, and
// names the simplest combination that gives the port's numbers, with one element as evidence.

import Ch01TFLiteFile
import Ch02Affine
import Ch06Requantize
import Ch08Softmax
import Ch09Network

public struct Diagnosis: Sendable, Equatable {
    /// zero-point, wraparound, no-requantization, scale, per-channel, rounding, input-codes,
    /// clamp, bias, softmax, or unexplained.
    public let id: String
    public let tensor: String
    /// What the port did, in this model's numbers.
    public let detail: String
    /// One element that shows it: the accumulator, M, what each family gives, what the port gave.
    public let evidence: String
}

public struct CheckReport: Sendable {
    public let comparison: PortComparison
    /// The tensor to fix first, and the family the port follows up to it (nil when it matches).
    public let fix: (tensor: CheckedTensor, family: KernelFamily)?
    public let diagnoses: [Diagnosis]
}

/// Compares `port` with every family on `images` and, when it matches none, diagnoses it.
public func checkPort(_ port: PortFile, networks: [KernelFamily: Network], notOffered: [KernelFamily: String],
                      images: [[UInt8]], sampleLimit: Int = 64) throws -> CheckReport {
    let comparison = try PortComparison(port: port, networks: networks, notOffered: notOffered, images: images)
    guard comparison.matches.isEmpty else { return CheckReport(comparison: comparison, fix: nil, diagnoses: []) }
    // The family the port follows furthest: its first differing tensor comes last (fewest
    // differing elements there, among equals).
    let offered = KernelFamily.allCases.filter { networks[$0] != nil }
    func firstDiffering(_ family: KernelFamily) -> Int { comparison.tensors.firstIndex { $0.differing[family]! > 0 }! }
    let family = offered.min { a, b in
        let (fa, fb) = (firstDiffering(a), firstDiffering(b))
        if fa != fb { return fa > fb }
        return comparison.tensors[fa].differing[a]! < comparison.tensors[fb].differing[b]!
    }!
    let target = comparison.tensors[firstDiffering(family)]
    let network = networks[family]!

    // The images where that tensor differs, with every family's run of them.
    var sample: [(image: Int, runs: [KernelFamily: NetworkRun], port: ArraySlice<Int64>?, portReals: ArraySlice<Double>?)] = []
    let size = target.tensor.elementCount
    for (image, pixels) in images.enumerated() where sample.count < sampleLimit {
        let run = try network.run(pixels: pixels)
        let range = (image * size)..<((image + 1) * size)
        let computed = run.tensors[target.tensor.index]!
        let differs: Bool
        switch (target.port.values, computed) {
        case (.integers(let ported), .integers(let codes)): differs = zip(ported[range], codes).contains { $0 != Int64($1) }
        case (.floats(let ported), .floats(let reals)): differs = zip(ported[range], reals).contains { Float($0) != $1 }
        default: differs = true
        }
        guard differs else { continue }
        var runs = [family: run]
        for other in offered where other != family { runs[other] = try networks[other]!.run(pixels: pixels) }
        switch target.port.values {
        case .integers(let ported): sample.append((image, runs, ported[range], nil))
        case .floats(let ported): sample.append((image, runs, nil, ported[range]))
        }
    }
    let context = DiagnosisContext(network: network, networks: networks, family: family, offered: offered, target: target, images: images,
                                   sample: sample.map { ($0.image, $0.runs, $0.port.map(Array.init), $0.portReals.map(Array.init)) })
    let diagnoses: [Diagnosis]
    let opName = target.tensor.operatorName
    if target.tensor.op == nil {
        diagnoses = context.inputDiagnoses()
    } else if opName == "FULLY_CONNECTED", let layer = network.layers.first(where: { $0.scales.output.index == target.tensor.index }) {
        diagnoses = context.layerDiagnoses(layer)
    } else if opName == "SOFTMAX", let softmax = network.softmaxTensors, softmax.probabilities == target.tensor.index {
        diagnoses = context.softmaxDiagnoses(logits: softmax.logits)
    } else {
        diagnoses = [context.unexplained()]
    }
    return CheckReport(comparison: comparison, fix: (target.tensor, family), diagnoses: diagnoses)
}

/// What a diagnosis reads: the sampled images, each family's run of them, and the port's values
/// of the tensor to fix.
struct DiagnosisContext {
    let network: Network
    let networks: [KernelFamily: Network]
    let family: KernelFamily
    let offered: [KernelFamily]
    let target: TensorComparison
    let images: [[UInt8]]
    let sample: [(image: Int, runs: [KernelFamily: NetworkRun], port: [Int64]?, portReals: [Double]?)]

    var tensorName: String { target.tensor.name }
    var described: String {
        target.tensor.op.map { "tensor '\(tensorName)' (operator \($0), \(target.tensor.operatorName))" } ?? "the input tensor '\(tensorName)'"
    }

    /// "reference 5, optimized 5, micro 6, xnnpack 5" at one element of one sampled image.
    func familyValues(row: Int, element: Int) -> String {
        KernelFamily.allCases.map { other in
            guard let run = sample[row].runs[other] else { return "\(other.rawValue) not offered" }
            switch run.tensors[target.tensor.index]! {
            case .integers(let codes): return "\(other.rawValue) \(codes[element])"
            case .floats(let reals): return "\(other.rawValue) \(reals[element])"
            }
        }.joined(separator: ", ")
    }

    /// The first sampled element where the port and the family differ.
    func firstDifference() -> (row: Int, element: Int)? {
        for row in sample.indices {
            let run = sample[row].runs[family]!
            switch run.tensors[target.tensor.index]! {
            case .integers(let codes):
                if let element = codes.indices.first(where: { Int64(codes[$0]) != sample[row].port?[$0] }) { return (row, element) }
            case .floats(let reals):
                if let element = reals.indices.first(where: { Float(sample[row].portReals?[$0] ?? .nan) != reals[$0] }) { return (row, element) }
            }
        }
        return nil
    }

    func portValue(row: Int, element: Int) -> String {
        if let codes = sample[row].port { return "\(codes[element])" }
        return "\(sample[row].portReals![element])"
    }

    func unexplained() -> Diagnosis {
        let at = firstDifference() ?? (0, 0)
        let count = target.differing[family] ?? 0
        return Diagnosis(id: "unexplained", tensor: tensorName, detail:
            "\(described) differs from \(family.rawValue) in \(count) of \(target.compared) elements, and no mistake the check knows reproduces it.",
            evidence: "Image \(sample.isEmpty ? 0 : sample[at.row].image), element \(at.element): \(familyValues(row: at.row, element: at.element)); the port gave \(portValue(row: at.row, element: at.element)).")
    }

    /// "explains 32,768 of 32,768 elements of 64 images".
    func explains(_ elements: Int, missed: Int) -> String {
        "it reproduces \(elements - missed) of the \(elements) sampled elements (\(sample.count) image\(sample.count == 1 ? "" : "s") where this tensor differs)"
    }
}
