// Chapter 11 — the arrays `workbook export` writes, one list for every format: their names,
// shapes, element types and the bits each element takes in the hardware files. The packing is
// the same in every format: row-major, one value per element, little-endian where bytes are
// written (npy), two's complement for signed types.

import Ch01TFLiteFile

/// The type of an exported array's elements.
public enum ElementType: String, Sendable {
    case int8, uint8, int16, int32

    package init(_ type: TensorType) {
        self = type == .uint8 ? .uint8 : .int8
    }

    public var bits: Int {
        switch self {
        case .int8, .uint8: 8
        case .int16: 16
        case .int32: 32
        }
    }

    /// Hex digits per value in .mem, .coe and .mif files.
    public var hexDigits: Int { bits / 4 }
    public var isSigned: Bool { self != .uint8 }
    /// The C type (stdint.h).
    public var cType: String { "\(rawValue)_t" }
    /// numpy's dtype string: '|i1', '|u1', '<i2', '<i4'.
    public var numpyDescription: String {
        switch self {
        case .int8: "|i1"
        case .uint8: "|u1"
        case .int16: "<i2"
        case .int32: "<i4"
        }
    }
    public var range: ClosedRange<Int64> {
        isSigned ? -(Int64(1) << (bits - 1))...((Int64(1) << (bits - 1)) - 1) : 0...((Int64(1) << bits) - 1)
    }

    // snippet.hex
    /// The value as the hardware files write it: `hexDigits` lowercase hex digits of its
    /// two's-complement bit pattern (−3 as int8 is fd; 253 as uint8 is fd too).
    public func hex(_ value: Int32) -> String {
        precondition(range.contains(Int64(value)), "\(value) is not a \(rawValue)")
        let pattern = UInt64(bitPattern: Int64(value)) & ((UInt64(1) << bits) - 1)
        let digits = String(pattern, radix: 16)
        return String(repeating: "0", count: hexDigits - digits.count) + digits
    }
    // snippet.end

    /// Little-endian bytes of one value, as numpy stores it.
    package func littleEndian(_ value: Int32) -> [UInt8] {
        let pattern = UInt32(bitPattern: value)
        return (0..<(bits / 8)).map { UInt8(truncatingIfNeeded: pattern >> (8 * $0)) }
    }
}

/// One exported array: its file stem, what it holds, its shape and its values, row-major.
public struct ExportArray: Sendable {
    public let name: String
    public let summary: String
    public let type: ElementType
    public let shape: [Int]
    public let values: [Int32]

    package init(_ name: String, _ summary: String, _ type: ElementType, _ shape: [Int], _ values: [Int32]) {
        precondition(shape.reduce(1, *) == values.count, "\(name): shape \(shape) for \(values.count) values")
        precondition(values.allSatisfy { type.range.contains(Int64($0)) }, "\(name): a value outside \(type.rawValue)")
        (self.name, self.summary, self.type, self.shape, self.values) = (name, summary, type, shape, values)
    }

    /// "[512][784]", the C way of writing the shape.
    public var shapeText: String { shape.map { "[\($0)]" }.joined() }
}

extension LayerContract {
    /// The five arrays of a layer; `index` is its position among the contract's layers.
    func arrays(index: Int) -> [ExportArray] {
        let prefix = "layer\(index)"
        return [
            ExportArray("\(prefix)_weights", "q_w, [output][input]", ElementType(weightType), [outputCount, inputCount], weights),
            // Zero points lie in −128…255 (int8 or uint8): int16 holds both.
            ExportArray("\(prefix)_weight_zero_points", "Z2 per output channel", .int16, [outputCount], weightZeroPoints),
            ExportArray("\(prefix)_bias", "int32 bias per output channel, in units of S1·S2[c]", .int32, [outputCount], bias),
            ExportArray("\(prefix)_multipliers", "M0 per output channel, M = M0·2^(shift − 31)", .int32, [outputCount], multipliers),
            ExportArray("\(prefix)_shifts", "shift per output channel, negative: a right shift", .int8, [outputCount], shifts),
        ]
    }
}

extension NetworkContract {
    /// Every array of the contract, layer by layer.
    public var arrays: [ExportArray] {
        layers.enumerated().flatMap { $1.arrays(index: $0) }
    }
}

extension GoldenVectors {
    /// The golden vectors as arrays: [vector][element] each.
    public func arrays(_ contract: NetworkContract) -> [ExportArray] { arrayMakers(contract).map { $0.make() } }

    /// The same arrays, each gathered only when `make` is called: an export of 10,000 vectors
    /// writes one before it gathers the next.
    public func arrayMakers(_ contract: NetworkContract) -> [(name: String, make: @Sendable () -> ExportArray)] {
        let (vectors, count) = (self.vectors, self.vectors.count)
        let codes = ElementType(contract.codeType)
        var makers: [(name: String, make: @Sendable () -> ExportArray)] = [("vectors_input", {
            ExportArray("vectors_input", "the codes the first layer reads", codes, [count, contract.inputCount], vectors.flatMap(\.input))
        })]
        for (index, layer) in contract.layers.enumerated() {
            makers.append(("vectors_layer\(index)_accumulators", {
                ExportArray("vectors_layer\(index)_accumulators", "layer \(index)'s int32 accumulators, bias included, before requantization",
                            .int32, [count, layer.outputCount], vectors.flatMap { $0.accumulators[index] })
            }))
            makers.append(("vectors_layer\(index)_outputs", {
                ExportArray("vectors_layer\(index)_outputs", "layer \(index)'s output codes", codes,
                            [count, layer.outputCount], vectors.flatMap { $0.outputs[index] })
            }))
        }
        makers.append(("vectors_classes", {
            ExportArray("vectors_classes", "the class: the index of the last layer's largest code, the first on a tie",
                        .int32, [count], vectors.map { Int32($0.predictedClass) })
        }))
        return makers
    }
}
