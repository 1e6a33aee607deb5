// Chapter 12 — a SOFTMAX output that differs: the other family's algorithm (chapter 8: gemmlowp's
// fixed point or the float table), run on the logits the family computed, or the output zero
// point forgotten.

import Ch01TFLiteFile
import Ch06Requantize
import Ch08Softmax
import Ch09Network

extension DiagnosisContext {
    /// A SOFTMAX output that differs, given the logits the family computed.
    func softmaxDiagnoses(logits: Int) -> [Diagnosis] {
        guard sample.allSatisfy({ $0.port != nil }) else { return [unexplained()] }
        let output = network.softmaxTensors?.quantization
        let at = firstDifference() ?? (0, 0)
        let evidence = "Image \(sample[at.row].image), element \(at.element): logits \(sample[at.row].runs[family]!.tensors[logits]!.integers!); \(familyValues(row: at.row, element: at.element)); the port gave \(portValue(row: at.row, element: at.element))."
        var candidates: [(id: String, name: String, apply: ([Int32]) -> [Int64])] = []
        for other in KernelFamily.allCases where other != family {
            guard let softmax = network.softmax, let theirs = networks[other]?.softmax, theirs.algorithm != softmax.algorithm else { continue }
            candidates.append(("softmax", "the \(theirs.algorithm.rawValue) softmax of \(other.rawValue) (chapter 8), where \(family.rawValue) runs the \(softmax.algorithm.rawValue) one", { theirs.apply($0).map(Int64.init) }))
        }
        if let output, output.zeroPoint != 0, let softmax = network.softmax {
            candidates.append(("zero-point", "its softmax without the output zero point Z = \(output.zeroPoint) (chapter 7's + Z3 after the scaling)", { logits in
                softmax.apply(logits).map { castToDtype(Int64($0) - Int64(output.zeroPoint), target.port.dtype) }
            }))
        }
        let elements = sample.count * target.tensor.elementCount
        var best: (id: String, name: String, missed: Int)?
        for candidate in candidates {
            var missed = 0
            for row in sample.indices {
                let predicted = candidate.apply(sample[row].runs[family]!.tensors[logits]!.integers!)
                missed += zip(predicted, sample[row].port!).filter { $0 != $1 }.count
            }
            if missed < (best?.missed ?? Int.max) { best = (candidate.id, candidate.name, missed) }
        }
        if let best, best.missed * 50 <= elements {
            return [Diagnosis(id: best.id, tensor: tensorName, detail:
                "\(described): the port computes \(best.name); it reproduces \(elements - best.missed) of the \(elements) sampled elements.", evidence: evidence)]
        }
        return [unexplained()]
    }
}
