// Chapter 2 — the answer of a classifier, read from codes. Because S > 0, r = S·(q − Z) grows
// with q: the largest code of a tensor stands for its largest real number, so the argmax of
// the codes is the argmax of the reals, and no one needs to dequantize to find the class.

/// The index of the largest value, the first one on a tie (as numpy's `argmax`); 0 when empty.
public func argmax<Values: Collection>(_ values: Values) -> Int where Values.Element: Comparable, Values.Index == Int {
    var best = values.startIndex
    for index in values.indices where values[index] > values[best] { best = index }
    return best - values.startIndex
}
