// The book test can fail: each rule, broken on purpose in a scratch repository, is reported.

import Foundation
import TestSupport
import Testing
@testable import BookMachinery

/// A scratch repository with one chapter quoting one region, and one image.
struct ScratchBook {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("book-\(UUID())")

    init(source: String, chapter: String, images: [String] = []) throws {
        let code = root.appendingPathComponent("Sources/Chapters/01-Demo")
        try FileManager.default.createDirectory(at: code, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("chapters"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("images"), withIntermediateDirectories: true)
        try source.write(to: code.appendingPathComponent("Demo.swift"), atomically: true, encoding: .utf8)
        try chapter.write(to: root.appendingPathComponent("chapters/01-demo.md"), atomically: true, encoding: .utf8)
        for image in images { _ = FileManager.default.createFile(atPath: root.appendingPathComponent("images/\(image)").path, contents: Data([1])) }
    }

    func problems() throws -> [String] {
        defer { try? FileManager.default.removeItem(at: root) }
        return try BookChecker(root: root, workbook: WorkbookBinary.path).problems()
    }
}

let demoSource = """
    struct Demo {
        // snippet.answer
        let answer = 42
        // snippet.end
    }
    """

func quoting(_ body: String) -> String {
    "# Demo\n\n<!-- snippet: 01-Demo/Demo.swift#answer -->\n```swift\n\(body)\n```\n"
}

@Test func `a faithful quote passes`() throws {
    #expect(try ScratchBook(source: demoSource, chapter: quoting("let answer = 42")).problems() == [])
}

@Test func `a quote that drifted from its region is reported`() throws {
    let problems = try ScratchBook(source: demoSource, chapter: quoting("let answer = 41")).problems()
    #expect(problems.count == 1)
    #expect(problems.first?.contains("differs from the source") == true)
}

@Test func `a marker naming no region, and a region quoted nowhere, are reported`() throws {
    let chapter = "<!-- snippet: 01-Demo/Demo.swift#question -->\n```swift\nlet answer = 42\n```\n"
    let problems = try ScratchBook(source: demoSource, chapter: chapter).problems()
    #expect(problems.contains { $0.contains("'01-Demo/Demo.swift#question' names no region") })
    #expect(problems.contains { $0.contains("01-Demo/Demo.swift#answer: this region is quoted by no chapter") })
}

@Test func `overlapping and unclosed regions are reported`() throws {
    let source = "// snippet.a\nlet a = 1\n// snippet.b\nlet b = 2\n// snippet.end\n// snippet.c\nlet c = 3\n"
    let problems = try ScratchBook(source: source, chapter: "").problems()
    #expect(problems.contains { $0.contains("region 'b' starts inside region 'a'") })
    #expect(problems.contains { $0.contains("region 'c' is never closed") })
}

@Test func `a missing image, an image without alt text, and an unreferenced image are reported`() throws {
    let chapter = quoting("let answer = 42") + "![](../images/present.png)\n![A digit](../images/missing.png)\n"
    let problems = try ScratchBook(source: demoSource, chapter: chapter, images: ["present.png", "orphan.png"]).problems()
    #expect(problems.contains { $0.contains("image ../images/present.png has no alt text") })
    #expect(problems.contains { $0.contains("image ../images/missing.png does not exist") })
    #expect(problems.contains { $0 == "images/orphan.png: referenced by no chapter" })
}

@Test func `a console block that is not the binary's output is reported`() throws {
    let chapter = quoting("let answer = 42") + "```console\n$ workbook inspect --model no/such.tflite\nsomething else\n```\n"
    let problems = try ScratchBook(source: demoSource, chapter: chapter).problems()
    #expect(problems.count == 1)
    #expect(problems.first?.contains("line 1 printed:  workbook: no/such.tflite: no such file") == true)
}

@Test func `shell words keep quoted arguments whole`() {
    #expect(ShellWords.split("workbook trace --model 'a b.tflite' \"x\"") == ["workbook", "trace", "--model", "a b.tflite", "x"])
}
