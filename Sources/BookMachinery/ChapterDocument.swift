// A chapter's Markdown, split into what the book test checks: quoted snippets, console
// blocks, and image references.

import Foundation

struct ChapterDocument {
    let name: String
    var lines: [String]

    /// `<!-- snippet: PATH#ID -->`, then a fenced block on the next line.
    struct Quote { let key: String; let markerLine: Int; let fenceStart: Int; let fenceEnd: Int }
    /// A ```console block: `$ workbook ARGS` lines, each followed by its expected output.
    struct Console { let fenceStart: Int; let fenceEnd: Int; let commands: [(line: Int, arguments: [String], expected: [String])] }
    struct Image { let line: Int; let alt: String; let path: String }

    func fence(after line: Int) -> (start: Int, end: Int)? {
        guard line + 1 < lines.count, lines[line + 1].hasPrefix("```") else { return nil }
        guard let end = lines[(line + 2)...].firstIndex(where: { $0.hasPrefix("```") }) else { return nil }
        return (line + 1, end)
    }

    func quotes(problems: inout [String]) -> [Quote] {
        lines.indices.compactMap { index in
            let line = lines[index].trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("<!-- snippet:"), line.hasSuffix("-->") else { return nil }
            let key = line.dropFirst("<!-- snippet:".count).dropLast(3).trimmingCharacters(in: .whitespaces)
            guard let fence = fence(after: index) else {
                problems.append("\(name):\(index + 1): snippet marker '\(key)' is not followed by a fenced code block")
                return nil
            }
            return Quote(key: key, markerLine: index, fenceStart: fence.start, fenceEnd: fence.end)
        }
    }

    func consoles() -> [Console] {
        var found: [Console] = []
        var index = 0
        while index < lines.count {
            defer { index += 1 }
            guard lines[index].hasPrefix("```console"), let end = lines[(index + 1)...].firstIndex(where: { $0.hasPrefix("```") }) else { continue }
            var commands: [(Int, [String], [String])] = []
            for line in (index + 1)..<end {
                if lines[line].hasPrefix("$ workbook") {
                    commands.append((line, ShellWords.split(String(lines[line].dropFirst(2))), []))
                } else if !commands.isEmpty {
                    commands[commands.count - 1].2.append(lines[line])
                }
            }
            found.append(Console(fenceStart: index, fenceEnd: end, commands: commands))
            index = end
        }
        return found
    }

    /// `![alt](path)` anywhere in the text.
    func images() -> [Image] {
        var found: [Image] = []
        for (number, line) in lines.enumerated() {
            var rest = Substring(line)
            while let start = rest.range(of: "![") {
                rest = rest[start.upperBound...]
                guard let close = rest.range(of: "]("), let end = rest[close.upperBound...].firstIndex(of: ")") else { break }
                found.append(Image(line: number + 1, alt: String(rest[..<close.lowerBound]), path: String(rest[close.upperBound..<end])))
                rest = rest[end...]
            }
        }
        return found
    }
}

/// Splits a console line into arguments the way a shell would for simple quoting.
enum ShellWords {
    static func split(_ line: String) -> [String] {
        var words: [String] = [], current = "", quote: Character?, inWord = false
        for character in line {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character; inWord = true
            } else if character == " " {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(character); inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
