// A plot for `workbook render`'s figures: a frame with a title, two labelled axes with tick
// values and a light grid, data drawn in data coordinates and clipped to the frame, and a
// legend. Every figure of the book is one or more of these on a Canvas.

import Foundation

/// The plot's colours, indices into `plotPalette`.
enum Ink: UInt8 {
    case paper = 0, black, grid, grey, blue, orange, green, red, purple, lightBlue, lightOrange, brown, lightGreen, lightRed
}

let plotPalette: [(UInt8, UInt8, UInt8)] = [
    (255, 255, 255), (25, 25, 25), (228, 228, 228), (140, 140, 140),
    (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
    (174, 199, 232), (255, 187, 120), (140, 86, 75), (152, 223, 138), (255, 152, 150),
]

/// One axis: what it measures, the values it spans, where its ticks are and what they say.
struct Axis {
    let label: String
    let range: ClosedRange<Double>
    let ticks: [(value: Double, label: String)]
    /// Log10 axes place log10(value); their range and ticks are positive values.
    let logarithmic: Bool

    /// Ticks at 1, 2 or 5 × 10^k, about `tickCount` of them, unless `ticks` names them.
    init(_ label: String, range: ClosedRange<Double>, ticks: [(value: Double, label: String)]? = nil, tickCount: Int = 6) {
        (self.label, self.range, self.logarithmic) = (label, range, false)
        self.ticks = ticks ?? niceTicks(range, count: tickCount)
    }

    /// A log10 axis with a tick at every `every`-th power of ten in `range`: 1000 written out,
    /// 1e−35 in short.
    init(logarithmic label: String, range: ClosedRange<Double>, every: Int = 1) {
        (self.label, self.range, self.logarithmic) = (label, range, true)
        let powers = Int(log10(range.lowerBound).rounded(.up))...Int(log10(range.upperBound).rounded(.down))
        ticks = powers.filter { $0 % every == 0 }.map { power in
            (pow(10, Double(power)), (-3...8).contains(power) ? tickText(pow(10, Double(power)), decimals: max(-power, 0)) : "1e\(tickText(Double(power), decimals: 0))")
        }
    }

    /// Where `value` lies along the axis, 0 at the start of the range and 1 at its end.
    func fraction(_ value: Double) -> Double {
        guard logarithmic else { return (value - range.lowerBound) / (range.upperBound - range.lowerBound) }
        return (log10(max(value, .leastNormalMagnitude)) - log10(range.lowerBound)) / (log10(range.upperBound) - log10(range.lowerBound))
    }
}

/// About `count` ticks at round values (1, 2 or 5 × 10^k apart) inside `range`.
func niceTicks(_ range: ClosedRange<Double>, count: Int) -> [(value: Double, label: String)] {
    let span = range.upperBound - range.lowerBound
    guard span > 0, count > 0 else { return [(range.lowerBound, tickText(range.lowerBound, decimals: 3))] }
    let rough = span / Double(count)
    let power = pow(10, (log10(rough)).rounded(.down))
    let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
    let decimals = max(0, Int(-log10(step).rounded(.down)))
    let first = (range.lowerBound / step).rounded(.up), last = (range.upperBound / step).rounded(.down)
    return stride(from: first, through: last, by: 1).map { ($0 * step, tickText($0 * step, decimals: decimals)) }
}

/// A tick's number with `decimals` digits after the point, a true minus sign, no "−0".
func tickText(_ value: Double, decimals: Int) -> String {
    let text = String(format: "%.\(decimals)f", abs(value) < 1e-12 ? 0 : value)
    return text.hasPrefix("-") ? "−" + text.dropFirst() : text
}

/// How a legend entry is drawn: a line (dashed or not), a filled box, or a marker.
enum LegendMark {
    case line(dashed: Bool)
    case box
    case marker(MarkerShape)
}

enum MarkerShape { case square, cross, diamond, ring }

struct Plot {
    /// The data area, inside the axes.
    let frame: PixelRect
    let x: Axis
    let y: Axis
    static let textScale = 2
    static let lineHeight = BitmapFont.glyphHeight * textScale

    /// Draws the title, the axes, the ticks and the grid in `box`, leaving room for the
    /// labels; the data goes in `frame` afterwards.
    init(on canvas: inout Canvas, box: PixelRect, title: String, x: Axis, y: Axis) {
        (self.x, self.y) = (x, y)
        let scale = Self.textScale, line = Self.lineHeight
        let widest = y.ticks.map { BitmapFont.width($0.label, scale: scale) }.max() ?? 0
        let left = box.left + line + 10 + widest + 8, top = box.top + line + 20
        let bottom = box.bottom - (2 * line + 26), right = box.right - 12
        frame = PixelRect(top: top, left: left, width: right - left + 1, height: bottom - top + 1)
        canvas.text(title, top: box.top + 8, left: box.left + (box.width - BitmapFont.width(title, scale: scale)) / 2,
                    colour: Ink.black.rawValue, scale: scale)
        for tick in x.ticks where (0...1).contains(x.fraction(tick.value)) {
            let column = self.column(tick.value)
            canvas.fill(top: frame.top, left: column, width: 1, height: frame.height, colour: Ink.grid.rawValue)
            canvas.fill(top: frame.bottom + 1, left: column, width: 1, height: 5, colour: Ink.black.rawValue)
            canvas.text(tick.label, top: frame.bottom + 8, left: column - BitmapFont.width(tick.label, scale: scale) / 2,
                        colour: Ink.black.rawValue, scale: scale)
        }
        for tick in y.ticks where (0...1).contains(y.fraction(tick.value)) {
            let row = self.row(tick.value)
            canvas.fill(top: row, left: frame.left, width: frame.width, height: 1, colour: Ink.grid.rawValue)
            canvas.fill(top: row, left: frame.left - 5, width: 5, height: 1, colour: Ink.black.rawValue)
            canvas.text(tick.label, top: row - line / 2, left: frame.left - 8 - BitmapFont.width(tick.label, scale: scale),
                        colour: Ink.black.rawValue, scale: scale)
        }
        // The frame itself, over the grid.
        for (t, l, w, h) in [(frame.top - 1, frame.left - 1, frame.width + 2, 1), (frame.bottom + 1, frame.left - 1, frame.width + 2, 1),
                             (frame.top - 1, frame.left - 1, 1, frame.height + 2), (frame.top - 1, frame.right + 1, 1, frame.height + 2)] {
            canvas.fill(top: t, left: l, width: w, height: h, colour: Ink.black.rawValue)
        }
        canvas.text(x.label, top: frame.bottom + 14 + line, left: frame.left + (frame.width - BitmapFont.width(x.label, scale: scale)) / 2,
                    colour: Ink.black.rawValue, scale: scale)
        canvas.text(y.label, top: frame.top + (frame.height - BitmapFont.width(y.label, scale: scale)) / 2, left: box.left + 2,
                    colour: Ink.black.rawValue, scale: scale, upward: true)
    }

    func column(_ value: Double) -> Int { frame.left + Int((x.fraction(value) * Double(frame.width - 1)).rounded()) }
    func row(_ value: Double) -> Int { frame.bottom - Int((y.fraction(value) * Double(frame.height - 1)).rounded()) }

    func line(_ canvas: inout Canvas, from start: (Double, Double), to end: (Double, Double), ink: Ink,
              thickness: Int = 2, dashed: Bool = false, dashPhase: Int = 0) {
        canvas.line(from: (row(start.1), column(start.0)), to: (row(end.1), column(end.0)), colour: ink.rawValue,
                    thickness: thickness, dash: dashed ? 6 : nil, dashPhase: dashPhase, clip: frame)
    }

    func polyline(_ canvas: inout Canvas, _ points: [(Double, Double)], ink: Ink, thickness: Int = 2) {
        for (start, end) in zip(points, points.dropFirst()) { line(&canvas, from: start, to: end, ink: ink, thickness: thickness) }
    }

    /// A bar from y = `from` to y = `to` over x in `across`, clipped to the frame.
    func bar(_ canvas: inout Canvas, across: ClosedRange<Double>, from: Double, to: Double, ink: Ink) {
        let (l, r) = (column(across.lowerBound), column(across.upperBound))
        let (t, b) = (min(row(from), row(to)), max(row(from), row(to)))
        let (top, bottom) = (max(t, frame.top), min(b, frame.bottom))
        let (left, right) = (max(l, frame.left), min(r, frame.right))
        canvas.fill(top: top, left: left, width: right - left + 1, height: bottom - top + 1, colour: ink.rawValue)
    }

    /// A bar along x, from x = `from` to x = `to`, over y in `across`, clipped to the frame.
    func horizontalBar(_ canvas: inout Canvas, across: ClosedRange<Double>, from: Double, to: Double, ink: Ink) {
        let (t, b) = (row(across.upperBound), row(across.lowerBound))
        let (l, r) = (min(column(from), column(to)), max(column(from), column(to)))
        let (top, bottom) = (max(t, frame.top), min(b, frame.bottom))
        let (left, right) = (max(l, frame.left), min(r, frame.right))
        canvas.fill(top: top, left: left, width: right - left + 1, height: bottom - top + 1, colour: ink.rawValue)
    }

    func marker(_ canvas: inout Canvas, at point: (Double, Double), ink: Ink, shape: MarkerShape = .square) {
        Self.marker(&canvas, row: row(point.1), column: column(point.0), ink: ink, shape: shape, clip: frame)
    }

    static func marker(_ canvas: inout Canvas, row: Int, column: Int, ink: Ink, shape: MarkerShape, clip: PixelRect? = nil) {
        for dr in -4...4 {
            for dc in -4...4 {
                let on: Bool
                switch shape {
                case .square: on = abs(dr) <= 3 && abs(dc) <= 3
                case .cross: on = abs(abs(dr) - abs(dc)) <= 0 && abs(dr) <= 4
                case .diamond: on = abs(dr) + abs(dc) <= 4
                case .ring: on = (9...20).contains(dr * dr + dc * dc)
                }
                if on, clip?.contains(row: row + dr, column: column + dc) ?? true {
                    canvas.plot(row: row + dr, column: column + dc, colour: ink.rawValue)
                }
            }
        }
    }

    /// Text at a data point: its left end there, or centred on it; clipped to nothing, so a
    /// label may stand just outside the frame.
    func label(_ canvas: inout Canvas, _ text: String, at point: (Double, Double), ink: Ink = .black, centred: Bool = false, above: Int = 0, offset: Int = 0) {
        let left = column(point.0) + offset - (centred ? BitmapFont.width(text, scale: Self.textScale) / 2 : 0)
        canvas.text(text, top: row(point.1) - above - Self.lineHeight / 2, left: left, colour: ink.rawValue, scale: Self.textScale)
    }

    /// The legend: a white box with a black edge in a corner of the frame, one entry a line.
    func legend(_ canvas: inout Canvas, _ entries: [(mark: LegendMark, ink: Ink, text: String)], topRight: Bool = true, bottom: Bool = false) {
        let scale = Self.textScale, pitch = Self.lineHeight + 8
        let width = 36 + (entries.map { BitmapFont.width($0.text, scale: scale) }.max() ?? 0) + 12
        let height = entries.count * pitch + 8
        let left = topRight ? frame.right - 10 - width : frame.left + 10
        let top = bottom ? frame.bottom - 10 - height : frame.top + 10
        canvas.fill(top: top, left: left, width: width, height: height, colour: Ink.black.rawValue)
        canvas.fill(top: top + 1, left: left + 1, width: width - 2, height: height - 2, colour: Ink.paper.rawValue)
        for (index, entry) in entries.enumerated() {
            let middle = top + 8 + index * pitch + Self.lineHeight / 2
            switch entry.mark {
            case .line(let dashed):
                canvas.line(from: (middle, left + 8), to: (middle, left + 30), colour: entry.ink.rawValue, thickness: 2, dash: dashed ? 4 : nil)
            case .box: canvas.fill(top: middle - 6, left: left + 12, width: 14, height: 12, colour: entry.ink.rawValue)
            case .marker(let shape): Self.marker(&canvas, row: middle, column: left + 19, ink: entry.ink, shape: shape)
            }
            canvas.text(entry.text, top: middle - Self.lineHeight / 2, left: left + 36, colour: Ink.black.rawValue, scale: scale)
        }
    }
}
