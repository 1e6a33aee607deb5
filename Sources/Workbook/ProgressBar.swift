// A progress bar on stderr, drawn only when stderr is a terminal: a person watching `workbook
// eval` sees it move, while a pipe, a file or a test reads nothing but the results on stdout.

import Foundation

final class ProgressBar {
    let total: Int
    let label: String
    /// isatty(2): false under a pipe, a redirect, or a test's captured stderr.
    let isShown = isatty(STDERR_FILENO) != 0
    private var drawnPercent = -1

    init(total: Int, label: String) { (self.total, self.label) = (total, label) }

    /// Redraws the bar when the percentage changes (at most 101 times).
    func advance(to done: Int) {
        guard isShown, total > 0 else { return }
        let percent = 100 * done / total
        guard percent != drawnPercent else { return }
        drawnPercent = percent
        let width = 40, filled = width * done / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) \(bar) \(done)/\(total)".utf8))
    }

    /// Clears the bar's line, so the results start on a clean one.
    func finish() {
        guard isShown, drawnPercent >= 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
