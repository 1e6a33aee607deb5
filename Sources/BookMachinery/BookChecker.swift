// The book test's rules, in one place: quoted code equals its region, every region is quoted,
// every `$ workbook` console block is the binary's real output, and every image is both
// present and referenced. `workbook book update` uses the same parsing to rewrite blocks.

import Foundation

public struct BookChecker {
    let root: URL
    /// The `workbook` binary that console blocks are run with.
    let workbook: URL

    public init(root: URL, workbook: String) {
        self.root = root
        self.workbook = URL(fileURLWithPath: workbook, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
    }

    var chaptersDirectory: URL { root.appendingPathComponent("chapters") }

    func chapters() throws -> [ChapterDocument] {
        let names = try FileManager.default.contentsOfDirectory(atPath: chaptersDirectory.path).filter { $0.hasSuffix(".md") }.sorted()
        return try names.map { name in
            let text = try String(contentsOf: chaptersDirectory.appendingPathComponent(name), encoding: .utf8)
            return ChapterDocument(name: "chapters/\(name)", lines: text.components(separatedBy: "\n"))
        }
    }

    /// Every snippet region under Sources/, tools/, hardware/ and ports/, keyed "01-TFLiteFile/File.swift#id" for
    /// chapter code and "Sources/Workbook/File.swift#id" or "tools/x.py#id" otherwise.
    func allRegions(problems: inout [String]) -> [String: SnippetRegion] {
        var all: [String: SnippetRegion] = [:]
        let chapterPrefix = "Sources/Chapters/"
        for directory in ["Sources", "tools", "hardware", "ports"] {
            let base = root.appendingPathComponent(directory)
            guard let walker = FileManager.default.enumerator(atPath: base.path) else { continue }
            for case let relative as String in walker where [".swift", ".py", ".c", ".h", ".v", ".sh"].contains(where: relative.hasSuffix) {
                let path = "\(directory)/\(relative)"
                guard let text = try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8), text.contains("snippet.") else { continue }
                let key = path.hasPrefix(chapterPrefix) ? String(path.dropFirst(chapterPrefix.count)) : path
                for region in regions(inFile: text, key: key, problems: &problems) { all[region.key] = region }
            }
        }
        return all
    }

    /// Every disagreement between the book and the code, one line each; empty when the book is true.
    public func problems() throws -> [String] {
        var problems: [String] = []
        let regions = allRegions(problems: &problems)
        var quoted = Set<String>()
        let documents = try chapters()
        for document in documents {
            for quote in document.quotes(problems: &problems) {
                quoted.insert(quote.key)
                guard let region = regions[quote.key] else {
                    problems.append("\(document.name):\(quote.markerLine + 1): snippet '\(quote.key)' names no region in the sources")
                    continue
                }
                let body = document.lines[(quote.fenceStart + 1)..<quote.fenceEnd].joined(separator: "\n")
                if body != region.text {
                    problems.append("\(document.name):\(quote.markerLine + 1): the block quoting '\(quote.key)' differs from the source (run `swift run workbook book update`)")
                }
            }
            for console in document.consoles() {
                for command in console.commands where !needsAbsentSharedData(command.arguments) {
                    let expected = command.expected.joined(separator: "\n") + (command.expected.isEmpty ? "" : "\n")
                    let actual = try run(command.arguments)
                    if actual != expected {
                        problems.append("\(document.name):\(command.line + 1): `$ \(command.arguments.joined(separator: " "))` printed something else:\n\(firstDifference(expected, actual))")
                    }
                }
            }
        }
        for key in regions.keys.sorted() where !quoted.contains(key) {
            problems.append("\(key): this region is quoted by no chapter")
        }
        problems += try imageProblems(documents)
        return problems
    }

    /// A command that reads ../shared (the MNIST test set) is checked only where it exists:
    /// CI has it, an offline clone may not.
    func needsAbsentSharedData(_ arguments: [String]) -> Bool {
        arguments.contains { $0.hasPrefix("../shared/") && !FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path) }
    }

    func imageProblems(_ documents: [ChapterDocument]) throws -> [String] {
        var problems: [String] = []
        var referenced = Set<String>()
        for document in documents {
            for image in document.images() {
                let url = chaptersDirectory.appendingPathComponent(image.path).standardizedFileURL
                referenced.insert(url.path)
                if image.alt.trimmingCharacters(in: .whitespaces).isEmpty {
                    problems.append("\(document.name):\(image.line): image \(image.path) has no alt text")
                }
                if !FileManager.default.fileExists(atPath: url.path) {
                    problems.append("\(document.name):\(image.line): image \(image.path) does not exist")
                }
            }
        }
        let images = root.appendingPathComponent("images")
        if let walker = FileManager.default.enumerator(atPath: images.path) {
            for case let relative as String in walker where [".png", ".svg", ".jpg"].contains(where: relative.hasSuffix) {
                let path = images.appendingPathComponent(relative).standardizedFileURL.path
                if !referenced.contains(path) { problems.append("images/\(relative): referenced by no chapter") }
            }
        }
        return problems
    }

    /// Runs the workbook binary from the repository root; stdout then stderr, as a reader sees them.
    func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = workbook
        process.arguments = Array(arguments.dropFirst())  // drop "workbook" itself
        process.currentDirectoryURL = root
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func firstDifference(_ expected: String, _ actual: String) -> String {
        let e = expected.components(separatedBy: "\n"), a = actual.components(separatedBy: "\n")
        for index in 0..<max(e.count, a.count) where (index < e.count ? e[index] : nil) != (index < a.count ? a[index] : nil) {
            return "  line \(index + 1) expected: \(index < e.count ? e[index] : "(nothing)")\n  line \(index + 1) printed:  \(index < a.count ? a[index] : "(nothing)")"
        }
        return "  (they differ only in the final newline)"
    }

    /// Rewrites every quoted snippet and every console output from the code; returns the
    /// chapters it changed.
    public func update() throws -> [String] {
        var problems: [String] = []
        let regions = allRegions(problems: &problems)
        var changed: [String] = []
        for var document in try chapters() {
            let original = document.lines
            // Work from the bottom up so earlier line numbers stay valid.
            var edits: [(range: Range<Int>, lines: [String])] = []
            for quote in document.quotes(problems: &problems) {
                guard let region = regions[quote.key] else { continue }
                edits.append(((quote.fenceStart + 1)..<quote.fenceEnd, region.text.components(separatedBy: "\n")))
            }
            for console in document.consoles() {
                for (position, command) in console.commands.enumerated() where !needsAbsentSharedData(command.arguments) {
                    let end = position + 1 < console.commands.count ? console.commands[position + 1].line : console.fenceEnd
                    var output = try run(command.arguments).components(separatedBy: "\n")
                    if output.last == "" { output.removeLast() }
                    edits.append(((command.line + 1)..<end, output))
                }
            }
            for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
                document.lines.replaceSubrange(edit.range, with: edit.lines)
            }
            if document.lines != original {
                try document.lines.joined(separator: "\n").write(to: root.appendingPathComponent(document.name), atomically: true, encoding: .utf8)
                changed.append(document.name)
            }
        }
        return changed
    }
}
