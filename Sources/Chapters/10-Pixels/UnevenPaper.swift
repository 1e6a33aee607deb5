// Chapter 10 — paper that is not flat: a photographed or scanned digit. A phone's picture of a
// digit on paper has sensor noise, a lamp to one side and a lens that darkens the corners, so
// "everything that is not the border's grey is ink" makes half the paper ink. When the border
// is not one grey, we estimate the paper where each pixel is, set the ink threshold above the
// paper's noise, and keep only the pieces of ink big enough to be strokes. All in integers,
// every rounding half up. Equations (10.8) to (10.10); prose: chapters/10-pixels.md, step 3.

/// The paper under a picture whose border is not one grey, and the ink found on it.
public struct UnevenPaper: Sendable {
    /// The picture is cut into `tiles`×`tiles` tiles; each tile's paper is its lower quartile,
    /// paper even where a stroke covers most of the tile.
    public static let tiles = 8
    /// A piece of ink smaller than 1/`smallestPiece` of the largest is noise, not a stroke.
    public static let smallestPiece = 10

    /// The paper's level at every pixel (after polarity, so ink is above it).
    public let background: GrayImage
    /// The noise: the median distance below the paper's typical difference (10.9), and the
    /// threshold above the paper, 4.5 of those ≈ 3 standard deviations of Gaussian noise.
    public let noise: Int
    public let margin: Int
    /// How far above the paper the strokes' brightest level (95th percentile) lies: it
    /// becomes 255.
    public let fullInk: Int
    /// Connected pieces with a pixel above the threshold, and those kept as strokes.
    public let pieces: Int
    public let keptPieces: Int
    /// The ink, from 0 (paper) to 255: the height above the local threshold, scaled so that
    /// the strokes' brightest level is 255, small pieces removed.
    public let ink: GrayImage

    // snippet.uneven-paper
    /// `polarized`: the picture with ink bright (step 2).
    public init(_ polarized: GrayImage) {
        // (10.8) Each tile's lower quartile, bilinear in between the tiles' centres.
        let quartiles = Self.tileQuartiles(polarized)
        background = Self.interpolated(quartiles, width: polarized.width, height: polarized.height)
        // (10.9) The paper's noise: the median distance below the typical difference from the
        // local paper (ink only lies above, so the lower side is paper alone); the threshold
        // is 4.5 of those above it, about 3 standard deviations of Gaussian noise.
        // As (10.3), each difference from the paper is measured in units of what the paper
        // leaves for ink, 255 − b: ink on paper that gets half the light shows half the contrast.
        // Clamped to ±255 as (10.3) clamps ink, they fit Int16: a 4096×4096 photo stays small.
        let differences: [Int16] = zip(polarized.pixels, background.pixels).map { value, paper in
            let (v, b) = (Int(value), Int(paper))
            let scaled = 2 * (v - b) * 255, room = 2 * max(255 - b, 1)
            let rounded = scaled >= 0 ? (scaled + room / 2) / room : -((-scaled + room / 2) / room)
            return Int16(min(max(rounded, -255), 255))
        }
        var counts = Histogram()
        for difference in differences { counts.add(Int(difference)) }
        let centre = counts.median
        var below = Histogram()
        for difference in differences where Int(difference) <= centre { below.add(Int(difference) - centre) }
        let noise = -below.quantile(1, of: 2, fromTop: true)
        let margin = max(1, (9 * noise + 1) / 2)
        (self.noise, self.margin) = (noise, margin)
        // (10.10) Strokes are large connected pieces above the threshold; noise is specks. A
        // stroke's faint rim (anti-aliasing, blur) is kept too where it touches the stroke and
        // stands above the noise by 3 MADs, about 2 standard deviations (hysteresis, as Canny's).
        // Heights are above the paper: the difference less its typical value, `centre`.
        let rim = max(1, 3 * noise)
        let (labels, sizes) = Self.connectedPieces(differences.map { Int($0) - centre > rim }, width: polarized.width, height: polarized.height)
        var strong = [Int](repeating: 0, count: sizes.count)
        for index in differences.indices where labels[index] >= 0 && Int(differences[index]) - centre > margin { strong[Int(labels[index])] += 1 }
        let largest = strong.max() ?? 0
        let smallest = Self.smallestPiece
        var kept: [Bool] = []
        for count in strong { kept.append(count > 0 && count * smallest >= largest) }
        pieces = strong.filter { $0 > 0 }.count
        keptPieces = kept.reduce(0) { $1 ? $0 + 1 : $0 }
        func isStroke(_ index: Int) -> Bool { labels[index] >= 0 && kept[Int(labels[index])] }
        // Photographed ink is never black: the strokes' own brightest level (the 95th
        // percentile of their height above the paper) becomes full ink, 255, as in MNIST.
        var heights = Histogram()
        for index in differences.indices where isStroke(index) { heights.add(Int(differences[index]) - centre) }
        let top = max(1, heights.isEmpty ? 1 : heights.quantile(95, of: 100))
        fullInk = top
        var ink = [UInt8](repeating: 0, count: differences.count)
        for index in differences.indices where isStroke(index) {
            let height = Int(differences[index]) - centre
            ink[index] = UInt8(clamping: (2 * height * 255 + top) / (2 * top))
        }
        self.ink = GrayImage(width: polarized.width, height: polarized.height, pixels: ink)
    }
    // snippet.end

    /// Tile (ty, tx) covers rows ty·H/n ..< (ty+1)·H/n and the same for columns.
    static func tileBounds(_ index: Int, of count: Int, length: Int) -> Range<Int> {
        (index * length / count)..<((index + 1) * length / count)
    }

    static func tileQuartiles(_ image: GrayImage) -> [[Int]] {
        let (rows, columns) = (min(tiles, image.height), min(tiles, image.width))
        return (0..<rows).map { ty in
            (0..<columns).map { tx in
                var values: [Int] = []
                for row in tileBounds(ty, of: rows, length: image.height) {
                    for column in tileBounds(tx, of: columns, length: image.width) { values.append(Int(image[row, column])) }
                }
                return values.sorted()[(values.count - 1) / 4]
            }
        }
    }

    /// Between tile centres, bilinear; beyond the outer centres, the outer tile's value.
    static func interpolated(_ grid: [[Int]], width: Int, height: Int) -> GrayImage {
        // Tile i's centre, doubled to stay in integers: (start + end) of its bounds.
        func centres(_ count: Int, _ length: Int) -> [Int] {
            (0..<count).map { let b = tileBounds($0, of: count, length: length); return b.lowerBound + b.upperBound - 1 }
        }
        func weights(_ position: Int, _ centres: [Int]) -> (low: Int, high: Int, numerator: Int, denominator: Int) {
            let doubled = 2 * position
            guard let high = centres.firstIndex(where: { $0 >= doubled }) else { return (centres.count - 1, centres.count - 1, 0, 1) }
            guard high > 0 else { return (0, 0, 0, 1) }
            return (high - 1, high, doubled - centres[high - 1], centres[high] - centres[high - 1])
        }
        let (rowCentres, columnCentres) = (centres(grid.count, height), centres(grid[0].count, width))
        let columnWeights = (0..<width).map { weights($0, columnCentres) }
        var pixels = [UInt8](repeating: 0, count: width * height)
        for row in 0..<height {
            let w = weights(row, rowCentres)
            for column in 0..<width {
                let c = columnWeights[column]
                func along(_ y: Int) -> Int { grid[y][c.low] * (c.denominator - c.numerator) + grid[y][c.high] * c.numerator }
                let total = along(w.low) * (w.denominator - w.numerator) + along(w.high) * w.numerator
                let denominator = c.denominator * w.denominator
                pixels[row * width + column] = UInt8(clamping: (2 * total + denominator) / (2 * denominator))
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    /// Pieces of non-zero pixels that touch, sides or corners (8-connected): each pixel's
    /// piece (−1 for none) and each piece's size.
    static func connectedPieces(_ ink: [Bool], width: Int, height: Int) -> (labels: [Int32], sizes: [Int]) {
        var labels = [Int32](repeating: -1, count: ink.count)
        var sizes: [Int] = []
        var stack: [Int32] = []
        for start in ink.indices where ink[start] && labels[start] < 0 {
            let piece = Int32(sizes.count)
            labels[start] = piece
            stack.append(Int32(start))
            var size = 0
            while let popped = stack.popLast() {
                let index = Int(popped)
                size += 1
                let (row, column) = (index / width, index % width)
                for y in max(row - 1, 0)...min(row + 1, height - 1) {
                    for x in max(column - 1, 0)...min(column + 1, width - 1) {
                        let neighbour = y * width + x
                        if ink[neighbour] && labels[neighbour] < 0 { labels[neighbour] = piece; stack.append(Int32(neighbour)) }
                    }
                }
            }
            sizes.append(size)
        }
        return (labels, sizes)
    }

}

/// Counts of small integers (−255…255 here), for medians and percentiles without sorting a
/// copy of every pixel.
struct Histogram {
    static let range = -255...255
    private(set) var counts = [Int](repeating: 0, count: range.count)
    private(set) var total = 0

    var isEmpty: Bool { total == 0 }

    mutating func add(_ value: Int) {
        counts[min(max(value, Self.range.lowerBound), Self.range.upperBound) - Self.range.lowerBound] += 1
        total += 1
    }

    /// The value at rank ⌊(total − 1)·k/n⌋ from the bottom (or from the top): the sorted
    /// list's element there, as `sorted()[(count − 1) * k / n]` would give.
    func quantile(_ k: Int, of n: Int, fromTop: Bool = false) -> Int {
        guard total > 0 else { return 0 }
        var rank = (total - 1) * k / n
        if fromTop { rank = total - 1 - rank }
        var seen = 0
        for (offset, count) in counts.enumerated() {
            seen += count
            if seen > rank { return offset + Self.range.lowerBound }
        }
        return Self.range.upperBound
    }

    /// The middle value (the lower of the two middle ones for an even count).
    var median: Int { quantile(1, of: 2) }
}
