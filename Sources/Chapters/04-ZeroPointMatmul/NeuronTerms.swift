// Chapter 4 — one neuron's accumulator, term by term: what a person checks by hand. The terms
// and the sums of (4.1) and (4.2) are kept as values, so that `workbook trace` and the
// narrations of chapters 4 and 11 print them instead of computing them again. The sum is
// `accumulate`'s own, run on the neuron's row, so a printed sum is the network's.

/// Σ_k (q_w[c,k] − Z_w[c])·(q_in[k] − Z_in) for one output channel c, with its terms.
public struct NeuronTerms: Sendable {
    public let channel: Int
    /// Z_w[c] and Z_in.
    public let weightZeroPoint: Int32
    public let inputZeroPoint: Int32
    /// q_w[c, k] for every input k: the weights row; and q_in[k].
    public let weights: [Int32]
    public let input: [Int32]
    /// (4.1): the accumulator before its bias, as `accumulate` computes it.
    public let sum: Int32
    /// (4.2): the same number from the four sums.
    public let expanded: ExpandedSums

    public init(_ weights: QuantizedWeights, channel: Int, input: [Int32], inputZeroPoint: Int32) {
        self.channel = channel
        (self.weightZeroPoint, self.inputZeroPoint) = (weights.zeroPoints[channel], inputZeroPoint)
        (self.weights, self.input) = (Array(weights.row(channel)), input)
        let row = QuantizedWeights(outputCount: 1, inputCount: weights.inputCount, codes: self.weights, zeroPoints: [weightZeroPoint])
        sum = accumulate(row, input: input, inputZeroPoint: inputZeroPoint)[0]
        expanded = ExpandedSums(row: weights.row(channel), input: input, weightZeroPoint: weightZeroPoint, inputZeroPoint: inputZeroPoint)
    }

    /// The inputs that differ from Z_in: the only ones whose term can be nonzero.
    public var activeInputs: [Int] { input.indices.filter { input[$0] != inputZeroPoint } }

    /// The term (q_w − Z_w)·(q_in − Z_in) of input k, with its two factors.
    public func term(_ k: Int) -> (weight: Int32, code: Int32, product: Int32) {
        let (weight, code) = (weights[k] - weightZeroPoint, input[k] - inputZeroPoint)
        return (weight, code, weight * code)
    }
}
