// The book is true: every quoted snippet equals its source region, every region is quoted,
// every `$ workbook` console block is what the binary prints, and every image is present and
// referenced. The rules are in Sources/BookMachinery; `swift run workbook book update`
// refreshes the blocks, this test never does.

import BookMachinery
import Foundation
import TestSupport
import Testing

@Test func `the chapters agree with the code and the binary`() throws {
    let problems = try BookChecker(root: RepositoryFiles.root, workbook: WorkbookBinary.path).problems()
    #expect(problems.isEmpty, "\(problems.count) problems:\n\(problems.joined(separator: "\n"))")
}
