// Reading a digit's PNG for a command (chapter 10): the picture, prepared as MNIST's digits
// were, or a one-line failure naming the file; and a one-line account of the preparation.

import Ch10Pixels

/// Reads and prepares `path`; a bad file becomes "PATH: reason".
func readPicture(_ path: String) throws -> DigitPicture {
    do { return try DigitPicture.read(path: path) } catch { throw CommandFailure(error.description) }
}

extension DigitPicture {
    /// "240×160 grey, black on white: ink box 84×60 at row 12, column 20, scaled to 28×20 …"
    var preparationSummary: String {
        let steps = preprocessing
        let box = steps.inkBox
        return "\(decoded.width)×\(decoded.height) \(decoded.fileFormat), "
            + (steps.inverted ? "dark ink on light paper (inverted)" : "light ink on dark paper")
            + (steps.unevenPaper.map { paper in
                ", uneven paper (noise \(paper.noise), ink from \(paper.margin) above the local paper, \(paper.keptPieces) of \(paper.pieces) ink pieces kept)"
            } ?? (steps.backgroundLevel > 0 ? ", paper level \(steps.backgroundLevel) removed" : ""))
            + ": ink box \(box.width)×\(box.height) at row \(box.top), column \(box.left), scaled to \(steps.scaled.width)×\(steps.scaled.height), "
            + "placed at row \(steps.offset.top), column \(steps.offset.left)"
    }
}

/// The 28×28 input drawn in the terminal, two characters per pixel so it looks square, in
/// five shades readable without colour: none, ░ (1–63), ▒ (64–127), ▓ (128–191), █ (192–255).
func shaded(_ pixels: [UInt8], side: Int = 28) -> String {
    let shades = ["  ", "░░", "▒▒", "▓▓", "██"]
    var out = "┌" + String(repeating: "─", count: 2 * side) + "┐\n"
    for row in 0..<side {
        out += "│" + (0..<side).map { column in
            let value = pixels[row * side + column]
            return shades[value == 0 ? 0 : 1 + Int(value) / 64]
        }.joined() + "│\n"
    }
    return out + "└" + String(repeating: "─", count: 2 * side) + "┘\n"
}
