// Chapter 12 — an input tensor that differs: the pixel mapping (chapter 2) done another way. The
// usual ways are tried on the same pixels: numpy's float64 `np.round(p / 255 / S) + Z` (ties to
// even, in double, where TFLite's QUANTIZE rounds ties away from zero in float32), the raw pixel
// as the code, and the ranges [0, 1] and [−1, 1].

import Ch01TFLiteFile
import Ch02Affine
import Ch06Requantize
import Ch09Network

extension DiagnosisContext {
    /// The candidate mappings of pixel p, each with a name, as codes (or reals for a float input).
    func inputCandidates() -> [(name: String, value: (UInt8) -> Double)] {
        let input = network.input
        guard input.type != .float32, let q = try? AffineQuantization(tensor: input) else {
            return [
                ("p/255 (the range [0, 1])", { Double(Float($0) / 255) }),
                ("p/127.5 − 1 (the range [−1, 1])", { Double(Float($0) / 127.5 - 1) }),
                ("the pixel itself, 0…255", { Double($0) }),
            ]
        }
        let (s, z, low, high) = (Double(q.scale), Double(q.zeroPoint), Double(q.codeRange.lowerBound), Double(q.codeRange.upperBound))
        func clamped(_ x: Double) -> Double { min(max(x, low), high) }
        var candidates: [(String, (UInt8) -> Double)] = [
            ("the pixel itself as the code, stored as \(input.type)", { Double(castToDtype(Int64($0), input.type == .int8 ? "|i1" : "|u1")) }),
            ("code = qmin + p (pixels onto the tensor's own range)", { low + Double($0) }),
        ]
        // The reals the mapping in use stands for, and the two ranges people train on.
        var ranges: [(Float, Float)] = [(0, 1), (-1, 1)]
        if case .reals(let lo, let hi) = network.pixelMapping, !ranges.contains(where: { $0 == (lo, hi) }) { ranges.insert((lo, hi), at: 0) }
        for (lo, hi) in ranges {
            let (l, h) = (Double(lo), Double(hi))
            let real = "\(l == 0 ? "" : "\(lo) + ")\(h - l == 1 ? "" : "\(hi - lo)·")p/255"
            candidates += [
                ("np.round((\(real)) / S) + Z in float64, ties to even", { clamped(((l + (h - l) * Double($0) / 255) / s).rounded(.toNearestOrEven) + z) }),
                ("round((\(real)) / S) + Z in float64, ties away from zero", { clamped(((l + (h - l) * Double($0) / 255) / s).rounded(.toNearestOrAwayFromZero) + z) }),
                ("round((\(real)) / S) + Z in float32, ties to even", { clamped(Double((PixelMapping.real($0, lo: lo, hi: hi) / q.scale).rounded(.toNearestOrEven)) + z) }),
                ("the reals \(lo)…\(hi) quantized as TFLite does (--input-range \(lo),\(hi))", { Double(q.quantize(PixelMapping.real($0, lo: lo, hi: hi))) }),
            ]
        }
        return candidates
    }

    func inputDiagnoses() -> [Diagnosis] {
        let mapping = network.pixelMapping.summary(for: network.input)
        let at = firstDifference() ?? (0, 0)
        let pixel = images[sample.isEmpty ? 0 : sample[at.row].image][at.element]
        let evidence = "Image \(sample.isEmpty ? 0 : sample[at.row].image), pixel \(at.element) = \(pixel): the workbook's mapping (\(mapping)) gives \(familyValues(row: at.row, element: at.element)); the port gave \(portValue(row: at.row, element: at.element))."
        // The candidate that gives the port's values on the most sampled pixels.
        var best: (name: String, missed: Int)?
        let elements = sample.count * target.tensor.elementCount
        for (name, value) in inputCandidates() {
            var missed = 0
            for row in sample.indices {
                let pixels = images[sample[row].image]
                for element in pixels.indices {
                    let ported = sample[row].port.map { Double($0[element]) } ?? Double(Float(sample[row].portReals![element]))
                    let candidate = sample[row].port != nil ? value(pixels[element]) : Double(Float(value(pixels[element])))
                    if ported != candidate { missed += 1 }
                }
            }
            if missed < (best?.missed ?? Int.max) { best = (name, missed) }
        }
        let count = target.differing[family] ?? 0
        if let best, best.missed * 50 <= elements {
            return [Diagnosis(id: "input-codes", tensor: tensorName, detail:
                "\(described) differs in \(count) of \(target.compared) elements: the port computes its input as \(best.name), which gives its codes on \(elements - best.missed) of the \(elements) sampled pixels. TFLite's QUANTIZE computes in float32, x/S rounded half away from zero, then + Z (chapter 2); the workbook maps \(mapping).", evidence: evidence)]
        }
        return [Diagnosis(id: "input-codes", tensor: tensorName, detail:
            "\(described) differs in \(count) of \(target.compared) elements, in none of the usual ways (np.round in float64, the raw pixel, the ranges [0, 1] and [−1, 1]): check the pixel mapping (chapter 2) and the image order.", evidence: evidence)]
    }
}
