// The narration of chapter 10 (`workbook chapter 10`): a real PNG from images/digits/, the
// off-centre 6, from its file to the model's input tensor, each step with its numbers; then
// the MNIST digit it was drawn from, and what the network makes of it.

import Ch01TFLiteFile
import Ch02Affine
import Ch09Network
import Foundation

/// The picture chapter 10 follows: black ink on a white 240×160 canvas, off-centre, 3× enlarged.
public let chapter10Picture = "images/digits/mnist-train-03085-label-6-240x160-off-centre.png"

public func narrateChapter10(_ context: NarrationContext) throws -> String {
    let picture = try DigitPicture.read(path: try context.shippedFile(chapter10Picture))
    let steps = picture.preprocessing
    let decoded = picture.decoded
    var out = "\(chapter10Picture), for \(context.modelPath)\n"

    // Step 1: libpng, then grey.
    let darkest = argmax(steps.gray.pixels.map { 255 - Int($0) })
    let rgba = Array(decoded.samples[(4 * darkest)..<(4 * darkest + 4)])
    out += "step 1  libpng: \(decoded.width)×\(decoded.height) \(decoded.fileFormat) → 8-bit RGBA; grey = 0.299 R + 0.587 G + 0.114 B, over white\n"
    out += "        darkest pixel, row \(darkest / decoded.width), column \(darkest % decoded.width): RGBA \(rgba) → grey \(steps.gray.pixels[darkest])\n"

    // Step 2: polarity and paper.
    let border = 2 * (decoded.width + decoded.height) - 4
    out += "step 2  \(border) border pixels, median grey \(steps.borderGray): "
        + (steps.inverted ? "light paper, so ink = 255 − grey" : "dark paper, ink = grey")
        + "; paper level \(steps.backgroundLevel)\n"

    // Step 3: the ink box.
    let box = steps.inkBox
    out += "step 3  ink box: rows \(box.top) to \(box.top + box.height - 1), columns \(box.left) to \(box.left + box.width - 1): \(box.width)×\(box.height) pixels\n"

    // Step 4: fit 20×20 by area averaging; show one new pixel's share of old ones.
    let scaled = steps.scaled
    out += "step 4  longer side \(max(box.width, box.height)) → 20: \(box.width)×\(box.height) → \(scaled.width)×\(scaled.height), area averaging\n"
    let (blockWidth, blockHeight) = (Double(box.width) / Double(scaled.width), Double(box.height) / Double(scaled.height))
    if let shown = scaled.pixels.indices.first(where: { scaled.pixels[$0] > 0 && scaled.pixels[$0] < 255 }) {
        let (row, column) = (shown / scaled.width, shown % scaled.width)
        let top = box.top + Int(Double(row) * blockHeight), left = box.left + Int(Double(column) * blockWidth)
        let block = (0..<Int(blockHeight)).flatMap { r in (0..<Int(blockWidth)).map { c in steps.ink[top + r, left + c] } }
        out += "        new pixel (\(row), \(column)) = mean of the \(Int(blockWidth))×\(Int(blockHeight)) ink pixels at rows \(top)…, columns \(left)…: "
            + "\(block.map { Int($0) }.reduce(0, +))/\(block.count) = \(scaled[row, column])\n"
    }

    // Step 5: centre of mass.
    let centre = steps.centreOfMass
    out += "step 5  centre of mass in the \(scaled.width)×\(scaled.height) box: row \(fixed(centre.row)), column \(fixed(centre.column))\n"
    out += "        placed at row round(14 − \(fixed(centre.row))) = \(steps.offset.top), column round(14 − \(fixed(centre.column))) = \(steps.offset.left): "
        + "its centre of mass lands at (\(fixed(centre.row + Double(steps.offset.top))), \(fixed(centre.column + Double(steps.offset.left))))\n"

    // Step 6: chapter 2's input quantization.
    let input = context.model.main.tensors[context.model.main.inputs[0]]
    let values = try picture.inputValues(for: input)
    if case .quantized(let codes, let quantization) = values {
        let (low, high) = (quantization.codeRange.lowerBound, quantization.codeRange.upperBound)
        out += "step 6  chapter 2: \(PixelMapping.standard(for: input).summary(for: input)), S = \(quantization.scale), Z = \(quantization.zeroPoint): pixel 0 → \(low), 255 → \(high)\n"
        out += "        input tensor \(input.index) \(input.type) \(input.shape): \(codes.filter { $0 != quantization.zeroPoint }.count) of \(codes.count) codes above Z\n"
    } else {
        out += "step 6  chapter 2: \(PixelMapping.standard(for: input).summary(for: input)): \(values.reals.filter { $0 > 0 }.count) of \(values.reals.count) reals above 0\n"
    }

    // The MNIST digit it was drawn from, and the network's answer.
    if let original = context.digits.first(where: { $0.mlxtendRow == 3085 }) {
        let equal = zip(original.pixels, picture.pixels).filter { $0 == $1 }.count
        out += "\nMNIST training digit 3085 (a \(original.label)), which the picture was drawn from: \(equal) of 784 pixels equal\n"
    }
    let run = try Network(model: context.model, family: .reference).run(pixels: picture.pixels)
    out += "prediction, reference kernels: \(run.prediction)\n"
    return out
}

/// Two decimals, enough to see where a centre of mass falls between pixels.
private func fixed(_ value: Double) -> String { decimal(value, 2) }
