// The marked regions of the sources that chapters quote: `// snippet.ID` … `// snippet.end`
// (or `# snippet.ID` in Python and shell). Quoting code, never retyping it, is what keeps the
// book true; see ../../chapters and ../../../shared/STYLE.md's Crafting Interpreters anchor.

import Foundation

public struct SnippetRegion: Equatable {
    /// "01-TFLiteFile/FlatBuffer.swift#vtable": the path is relative to Sources/Chapters/
    /// for chapter code, else to the repository root.
    public let key: String
    public let text: String
}

enum SnippetMarker {
    /// `// snippet.ID` or `# snippet.ID`, alone on its line.
    static func id(in line: Substring) -> String? {
        var rest = line.drop(while: { $0 == " " || $0 == "\t" })
        if rest.hasPrefix("//") { rest = rest.dropFirst(2) } else if rest.hasPrefix("#") { rest = rest.dropFirst(1) } else { return nil }
        rest = rest.drop(while: { $0 == " " })
        guard rest.hasPrefix("snippet.") else { return nil }
        let id = rest.dropFirst("snippet.".count).trimmingCharacters(in: .whitespaces)
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return nil }
        return id
    }
}

/// Reads every region of one file. Problems (unclosed or overlapping regions, an id used
/// twice) are reported, not thrown, so one run lists them all.
func regions(inFile contents: String, key prefix: String, problems: inout [String]) -> [SnippetRegion] {
    var found: [SnippetRegion] = []
    var open: (id: String, line: Int, body: [Substring])?
    let lines = contents.split(separator: "\n", omittingEmptySubsequences: false)
    for (number, line) in lines.enumerated() {
        guard let id = SnippetMarker.id(in: line) else {
            open?.body.append(line)
            continue
        }
        if id == "end" {
            guard let region = open else {
                problems.append("\(prefix):\(number + 1): snippet.end without a region to close")
                continue
            }
            if found.contains(where: { $0.key == "\(prefix)#\(region.id)" }) {
                problems.append("\(prefix):\(region.line): region '\(region.id)' is defined twice")
            }
            found.append(SnippetRegion(key: "\(prefix)#\(region.id)", text: dedent(region.body)))
            open = nil
        } else if let region = open {
            problems.append("\(prefix):\(number + 1): region '\(id)' starts inside region '\(region.id)' (line \(region.line)): regions may not overlap")
        } else {
            open = (id, number + 1, [])
        }
    }
    if let region = open { problems.append("\(prefix):\(region.line): region '\(region.id)' is never closed") }
    return found
}

/// Removes the indentation the lines share, so a method reads at the left margin.
func dedent(_ lines: [Substring]) -> String {
    let indents = lines.filter { !$0.allSatisfy(\.isWhitespace) }.map { $0.prefix(while: { $0 == " " }).count }
    let common = indents.min() ?? 0
    return lines.map { $0.allSatisfy(\.isWhitespace) ? "" : String($0.dropFirst(common)) }.joined(separator: "\n")
}
