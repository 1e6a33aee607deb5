// The narration of chapter 2 (`workbook chapter 2`): the model's input tensor, its S and Z, a
// few real pixels of the digit turned into codes and back, and the +128 relation between the
// uint8 and int8 forms of the same numbers.

import Ch01TFLiteFile

public func narrateChapter2(_ context: NarrationContext) throws -> String {
    let graph = context.model.main
    guard let inputIndex = graph.inputs.first else { throw NarrationError("the model has no input tensor") }
    let input = graph.tensors[inputIndex]
    var out = "\(context.modelPath): input tensor \(input.index) '\(input.name)' \(input.type) \(input.shape)\n"

    // A float input has no codes; a QUANTIZE right after it (the float-I/O model) has them.
    var quantized = input
    if input.type == .float32 {
        let quantizeCode = SupportedOperator.quantize.code
        guard let op = graph.operators.first(where: { context.model.operatorCodes[$0.opcodeIndex].code == quantizeCode && $0.inputs.first == input.index }),
              let written = op.outputs.first else {
            let chosen = AffineQuantization.choose(minimum: 0, maximum: 1, type: .uint8)
            out += "  float32: the model takes the reals pixel/255 themselves, no S and no Z\n"
            out += "  (for [0, 1] in uint8 the converter would choose \(chosen))\n"
            return out
        }
        quantized = graph.tensors[written]
        out += "  float32, quantized by operator \(op.index) (QUANTIZE) into tensor \(quantized.index) \(quantized.type)\n"
    }
    let mapping = try AffineQuantization(tensor: quantized)
    out += "  S = \(mapping.scale) (1/255 = \(Float(1) / 255)), Z = \(mapping.zeroPoint)\n"
    out += "  codes \(mapping.codeRange.lowerBound)...\(mapping.codeRange.upperBound) stand for the reals \(mapping.realRange.lowerBound)...\(mapping.realRange.upperBound)\n"

    // The first pixel of each new value along the digit's middle row.
    let row = 14
    var seen = Set<UInt8>(), columns: [Int] = []
    for column in 0..<28 where seen.insert(context.digit.pixels[row * 28 + column]).inserted { columns.append(column) }
    out += "\n\(context.digit.source), row \(row): q = round(r / S) + Z, then back r = S·(q − Z)\n"
    out += padded("  column", 9) + padded("pixel", 7) + padded("r = pixel/255", 15) + padded("r / S", 11) + padded("q", 6) + "S·(q − Z)\n"
    for column in columns.prefix(6) {
        let pixel = context.digit.pixels[row * 28 + column]
        let real = pixelReal(pixel)
        let code = mapping.quantize(real)
        out += padded("  \(column)", 9) + padded("\(pixel)", 7) + padded("\(real)", 15) + padded("\(real / mapping.scale)", 11) + padded("\(code)", 6) + "\(mapping.dequantize(code))\n"
    }
    let roundTrips = mapping.codeRange.allSatisfy { mapping.quantize(mapping.dequantize($0)) == $0 }
    out += "all \(mapping.codeRange.count) codes survive quantize(dequantize(q)) == q: \(roundTrips ? "yes" : "no")\n"

    guard let other = mapping.inOtherEightBitType() else { return out }
    out += "\nthe same reals as \(other.type): \(other)\n"
    out += padded("  pixel", 8) + padded("\(mapping.type) q", 10) + padded("\(other.type) q", 10) + "real (both)\n"
    for column in columns.prefix(6).dropFirst(2).prefix(2) + [columns[0]] {
        let real = pixelReal(context.digit.pixels[row * 28 + column])
        let (code, partner) = (mapping.quantize(real), other.quantize(real))
        out += padded("  \(context.digit.pixels[row * 28 + column])", 8) + padded("\(code)", 10) + padded("\(partner)", 10) + "\(mapping.dequantize(code)) = \(other.dequantize(partner))\n"
    }
    let uint8Mapping = mapping.type == .uint8 ? mapping : other
    let flips = (Int32(0)...255).allSatisfy { code in
        Int32(AffineQuantization.int8Code(flippingTopBitOf: UInt8(code))) == code - 128
            && uint8Mapping.dequantize(code) == (uint8Mapping.inOtherEightBitType()?.dequantize(code - 128))
    }
    out += "all 256 codes: uint8 q and int8 q − 128 (its top bit flipped) stand for the same real: \(flips ? "yes" : "no")\n"

    out += "\nchoosing S and Z for a range (widened to contain 0.0, Z nudged to a whole code):\n"
    for (low, high) in [(0.0, 1.0), (-1.0, 1.0), (0.2, 1.0)] {
        let (unsigned, signed) = (AffineQuantization.choose(minimum: low, maximum: high, type: .uint8), AffineQuantization.choose(minimum: low, maximum: high, type: .int8))
        out += padded("  [\(low), \(high)]", 14) + padded("uint8: S = \(unsigned.scale), Z = \(unsigned.zeroPoint)", 32) + "int8: Z = \(signed.zeroPoint)\n"
    }
    return out
}
