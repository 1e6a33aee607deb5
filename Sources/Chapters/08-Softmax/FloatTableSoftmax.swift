// Chapter 8 — the optimized softmax on x86: a 256-entry float32 table of exponentials, as
// TFLite's optimized builtin kernel computes it (`tflite/kernels/internal/optimized/optimized_ops.h`:
// `PopulateSoftmaxLookupTable`, `Softmax<In, Out>` and `QuantizeSoftmaxOutput`, prepared by
// `SoftmaxPrepare` in `tflite/kernels/activations.cc` for every kernel type but kReference).
// Every operation is float32, rounded to nearest even after each step; the sum runs in index
// order. int8 outputs round half away from zero (`std::round`); uint8 outputs add 0.5 and
// truncate, and never read the zero point (the x86 specialization of QuantizeSoftmaxOutput).
// Bit for bit this needs glibc's `expf`, which is what Swift calls on Linux.
// Equations (8.11)–(8.13) of chapters/08-softmax.md.

import Ch01TFLiteFile
#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// Every intermediate value of the optimized softmax on one row of logits.
public struct FloatTableSoftmaxRow: Sendable {
    public let logits: [Int32]
    public let maximum: Int32
    /// e^((q − max)·β·S_in) from the table.
    public let exponentials: [Float]
    /// Σ e in float32, in index order.
    public let sum: Float
    /// f32(1 / f32(sum·S_out)).
    public let inverse: Float
    /// e · inverse: the probability in units of S_out (1/256).
    public let rescaled: [Float]
    public let outputs: [Int32]
}

/// The optimized (float table) softmax of one model: int8 → int8 or uint8 → uint8.
public struct FloatTableSoftmax: Sendable {
    /// table[255 − v] = e^(−v·β·S_in) for v = 0…255, so table[255] = e^0 = 1.
    public let table: [Float]
    public let outputType: TensorType
    public let outputScale: Float
    public let outputZeroPoint: Int32

    // snippet.float-table
    /// TFLite `PopulateSoftmaxLookupTable`: one float exponential for each of the 256
    /// differences an 8-bit row can have, from 0 down to −255.                         (8.11)
    public init(inputScale: Float, beta: Float, outputType: TensorType, outputScale: Float, outputZeroPoint: Int32) throws {
        guard outputType == .int8 || outputType == .uint8 else {
            throw SoftmaxError("the 8-bit softmax writes int8 or uint8, not \(outputType)")
        }
        let scale = -inputScale * beta                  // f32(−S_in·β)
        var table = [Float](repeating: 0, count: 256)
        for v in 0...255 {
            table[255 - v] = expf(scale * Float(v))     // glibc expf of f32(scale·v)
        }
        self.table = table
        self.outputType = outputType
        self.outputScale = outputScale
        self.outputZeroPoint = outputZeroPoint
    }
    // snippet.end

    public func apply(_ logits: [Int32]) -> [Int32] { trace(logits).outputs }

    // snippet.float-table-row
    /// One row through TFLite's optimized `Softmax<In, Out>`, keeping every step.
    public func trace(_ logits: [Int32]) -> FloatTableSoftmaxRow {
        let range = outputType.integerRange!  // int8 or uint8, checked in init
        let maximum = logits.max() ?? 0
        // q − max lies in [−255, 0], so 255 + q − max indexes the table.
        let exponentials = logits.map { table[Int(255 + $0 - maximum)] }
        var sum: Float = 0
        for e in exponentials { sum += e }              // float32, in index order       (8.12)
        let inverse = 1 / (sum * outputScale)
        let rescaled = exponentials.map { $0 * inverse }
        let outputs = rescaled.map { p -> Int32 in                                     // (8.13)
            let code: Int32 = switch outputType {
            // x86 QuantizeSoftmaxOutput<uint8_t>: +0.5f, then truncation; no zero point.
            case .uint8: Int32(p + 0.5)
            // std::round: halves away from zero; then the zero point.
            default: Int32(p.rounded(.toNearestOrAwayFromZero)) + outputZeroPoint
            }
            return min(max(code, range.lowerBound), range.upperBound)
        }
        return FloatTableSoftmaxRow(logits: logits, maximum: maximum, exponentials: exponentials,
                                    sum: sum, inverse: inverse, rescaled: rescaled, outputs: outputs)
    }
    // snippet.end
}
