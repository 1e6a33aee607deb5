// Chapter 13 — chapter 8's two softmaxes for a batch, with the work that depends on one logit
// alone done once per model instead of once per logit. Both algorithms look at a logit only
// through its difference from the row's maximum, d = q − max, which for 8-bit codes is one of
// 256 values, −255…0. So e(d) (the fixed-point exp and its Q12.19 rounding, or the float
// table's entry) is looked up, and what remains per row is chapter 8's own arithmetic, in its
// order: the sum, the reciprocal, one product and rounding per class. No arrays are made.

import Ch01TFLiteFile
import Ch06Requantize
import Ch08Softmax

public struct FastSoftmax: Sendable {
    public let softmax: QuantizedSoftmax
    let kernel: Kernel

    enum Kernel: Sendable {
        /// e(d) in Q0.31 and rounded to Q12.19, for d = −255…0 at index 255 + d; nil below diffMin.
        case fixedPoint(exponentials: [QNumber?], terms: [QNumber?], outputType: TensorType)
        case floatTable(FloatTableSoftmax)
    }

    public init(_ softmax: QuantizedSoftmax) {
        self.softmax = softmax
        switch softmax.kernel {
        case .fixedPoint(let fixed):
            let differences = (-255...0).map { Int32($0) }
            let exponentials = differences.map { d in
                d >= fixed.scaling.diffMin ? expOnNegativeValues(fixed.scaling.scaledDifference(d)) : nil
            }
            kernel = .fixedPoint(exponentials: exponentials,
                                 terms: exponentials.map { $0?.rescaled(toIntegerBits: accumulationIntegerBits) },
                                 outputType: fixed.outputType)
        case .floatTable(let table):
            kernel = .floatTable(table)
        }
    }

    /// One row of `count` logits, bytes with `offset`, into as many output bytes (code + offset).
    func apply(_ logits: UnsafePointer<UInt8>, _ output: UnsafeMutablePointer<UInt8>, count: Int, offset: Int32) {
        var maximum = logits[0]
        for i in 1..<count where logits[i] > maximum { maximum = logits[i] }
        switch kernel {
        case .fixedPoint(let exponentials, let terms, let outputType):
            // snippet.fast-fixed-point-softmax
            let range = outputType.integerRange!
            var sum = QNumber(raw: 0, integerBits: accumulationIntegerBits)
            for i in 0..<count {
                if let term = terms[255 + Int(logits[i]) - Int(maximum)] { sum = sum + term }  // (8.7), in order
            }
            let inverse = reciprocal(of: sum)                                                  // (8.8)
            let exponent = inverse.bitsOverUnit + 31 - 8                                       // (8.10)
            precondition((0...31).contains(exponent), "output shift \(exponent) outside 0...31")
            for i in 0..<count {
                var code = range.lowerBound
                if let e = exponentials[255 + Int(logits[i]) - Int(maximum)] {
                    code = min(max(roundingDivideByPowerOfTwo((inverse.scale * e).raw, exponent) + range.lowerBound,
                                   range.lowerBound), range.upperBound)
                }
                output[i] = UInt8(truncatingIfNeeded: code + offset)
            }
            // snippet.end
        case .floatTable(let table):
            let range = table.outputType.integerRange!
            var sum: Float = 0
            for i in 0..<count { sum += table.table[255 + Int(logits[i]) - Int(maximum)] }    // (8.12), in order
            let inverse = 1 / (sum * table.outputScale)
            for i in 0..<count {
                let p = table.table[255 + Int(logits[i]) - Int(maximum)] * inverse              // (8.13)
                let code: Int32 = table.outputType == .uint8
                    ? Int32(p + 0.5) : Int32(p.rounded(.toNearestOrAwayFromZero)) + table.outputZeroPoint
                output[i] = UInt8(truncatingIfNeeded: min(max(code, range.lowerBound), range.upperBound) + offset)
            }
        }
    }
}
