// PngSuite, the PNG conformance suite (../shared/pngsuite, outside the repository): every valid
// file decodes at the size its manifest gives, and every x*.png, corrupt on purpose, is refused
// with one line. Skipped, with a message, where ../shared is absent.

import Ch10Pixels
import Foundation
import TestSupport
import Testing

let pngSuite = RepositoryFiles.root.appendingPathComponent("../shared/pngsuite").standardizedFileURL.path

/// manifest.tsv: file, valid, colour type, bit depth, interlaced, width, height, … (a header row).
func pngSuiteManifest() throws -> [(file: String, valid: Bool, width: Int, height: Int)] {
    let text = try String(contentsOfFile: "\(pngSuite)/manifest.tsv", encoding: .utf8)
    return text.split(separator: "\n").dropFirst().map { line in
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        return (fields[0], fields[1] == "yes", Int(fields[5]) ?? -1, Int(fields[6]) ?? -1)
    }
}

@Test(.enabled(if: FileManager.default.fileExists(atPath: "\(pngSuite)/manifest.tsv"),
               "../shared/pngsuite is absent: PngSuite is not checked in this checkout"))
func `PngSuite: every valid file decodes at its size, every x file is refused`() throws {
    let manifest = try pngSuiteManifest()
    #expect(manifest.count == 175)
    var (decoded, refused) = (0, 0)
    for entry in manifest {
        let path = "\(pngSuite)/\(entry.file)"
        if entry.valid {
            let image = try #require(try? PNGReader.read(path: path), "\(entry.file) is valid, but refused")
            #expect((image.width, image.height) == (entry.width, entry.height), "\(entry.file)")
            decoded += 1
        } else {
            #expect(entry.file.hasPrefix("x"))
            do {
                _ = try PNGReader.read(path: path)
                Issue.record("\(entry.file) is corrupt on purpose, but was read")
            } catch {
                #expect(error.path == path && !error.reason.contains("\n"), "\(entry.file): \(error)")
                refused += 1
            }
        }
    }
    #expect((decoded, refused) == (161, 14))
}
