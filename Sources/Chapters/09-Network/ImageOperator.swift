// Chapter 9 — the door part two comes in by. Chapter 9 prepares the MLP's operators itself; the
// operators of a convolutional network (CONV_2D, DEPTHWISE_CONV_2D, the poolings, MEAN) are
// computed by later chapters, which this one cannot import. They hand chapter 9 an
// `OperatorPreparer`, and the network runs what it prepares like any other step.

import Ch01TFLiteFile
import Ch06Requantize

/// One operator a later chapter prepared: it reads one image's codes and writes codes.
public protocol ImageOperator: Sendable {
    /// How many codes it reads (its input tensor's elements) and writes (its output's).
    var readCount: Int { get }
    var writtenCount: Int { get }
    /// The output codes, and the int32 accumulators where the operator has them (one per
    /// output code of a convolution, bias included, before requantization).
    func apply(_ codes: [Int32]) -> (outputs: [Int32], accumulators: [Int32]?)
}

/// Prepares, for one kernel family, the operators chapter 9 does not compute itself.
public protocol OperatorPreparer: Sendable {
    /// nil: this preparer does not compute `code`.
    func prepare(_ op: Operator, _ code: SupportedOperator, model: Model, family: KernelFamily) throws -> (any ImageOperator)?
}
