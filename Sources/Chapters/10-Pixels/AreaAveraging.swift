// Chapter 10 — resizing by area averaging (a box filter), equation (10.5): each new pixel is
// the mean of the old pixels under it, each weighted by how much of it lies under the new one.
// We measure positions in units that make every boundary a whole number, so the weights are
// integers, the sums exact, and the one rounding is the final division.
// Prose: chapters/10-pixels.md, step 4.

// snippet.area-average
/// (10.5) `image` resized to `width`×`height`, each new pixel the area-weighted mean of the old ones it
/// covers. Along x we count in units of 1/width of an old pixel: old column k spans
/// [k·width, (k+1)·width), new column j spans [j·w, (j+1)·w), w the old width; their overlap
/// is the weight. Rows likewise. Every new pixel's weights sum to w·h.
public func areaAveraged(_ image: GrayImage, width: Int, height: Int) -> GrayImage {
    let columns = overlaps(old: image.width, new: width)
    let rows = overlaps(old: image.height, new: height)
    // Across first: one partial sum per old row and new column, at most 255·w.
    var across = [Int64](repeating: 0, count: image.height * width)
    for row in 0..<image.height {
        for (column, parts) in columns.enumerated() {
            across[row * width + column] = parts.reduce(0) { $0 + Int64(image[row, $1.old]) * Int64($1.weight) }
        }
    }
    // Then down, and divide once by the total weight w·h, rounding half up.
    let total = Int64(image.width) * Int64(image.height)
    var pixels = [UInt8](repeating: 0, count: width * height)
    for (row, parts) in rows.enumerated() {
        for column in 0..<width {
            let sum = parts.reduce(0) { $0 + across[$1.old * width + column] * Int64($1.weight) }
            pixels[row * width + column] = UInt8((2 * sum + total) / (2 * total))
        }
    }
    return GrayImage(width: width, height: height, pixels: pixels)
}

/// For each new position, the old positions under it and the length of their overlap.
func overlaps(old: Int, new: Int) -> [[(old: Int, weight: Int)]] {
    (0..<new).map { position in
        let (start, end) = (position * old, (position + 1) * old)  // in units of 1/new
        return (start / new...(end - 1) / new).compactMap { source in
            let overlap = min(end, (source + 1) * new) - max(start, source * new)
            return overlap > 0 ? (source, overlap) : nil
        }
    }
}
// snippet.end
