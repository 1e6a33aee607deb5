// Chapter 12's readers on files made byte by byte here: .npy headers of every dtype a port
// writes, big-endian and Fortran order, the dtypes refused by name, and ZIP archives that are
// whole, cut short at every length, or altered by one byte.

@testable import Ch12YourPort
import Foundation
import TestSupport
import Testing

func npy(_ descr: String, _ shape: String, fortran: Bool = false, data: [UInt8]) -> [UInt8] {
    npyBytes(descr, shape, fortran: fortran, data: data)
}

func zip(_ entries: [(String, [UInt8])]) -> [UInt8] { npzBytes(entries.map { (name: $0.0, data: $0.1) }) }

@Test func `int8, big-endian int16, uint64 and float32 arrays read as numbers`() throws {
    let int8 = try NumpyArray(npy: npy("|i1", "(2, 3)", data: [0x80, 0xFF, 0, 1, 2, 0x7F]), maximumElements: 100)
    #expect(int8.shape == [2, 3])
    #expect(int8.values == .integers([-128, -1, 0, 1, 2, 127]))
    let big = try NumpyArray(npy: npy(">i2", "(2,)", data: [0xFF, 0xFE, 0x01, 0x00]), maximumElements: 100)
    #expect(big.values == .integers([-2, 256]))
    let unsigned = try NumpyArray(npy: npy("<u8", "(1,)", data: [1, 0, 0, 0, 0, 0, 0, 0]), maximumElements: 100)
    #expect(unsigned.values == .integers([1]))
    let float = try NumpyArray(npy: npy("<f4", "(1, 1)", data: [0, 0, 0xC0, 0x3F]), maximumElements: 100)
    #expect(float.values == .floats([1.5]))
}

@Test func `a Fortran-order array is read back in C order`() throws {
    // [[1, 2, 3], [4, 5, 6]] stored column by column: 1 4 2 5 3 6.
    let array = try NumpyArray(npy: npy("|u1", "(2, 3)", fortran: true, data: [1, 4, 2, 5, 3, 6]), maximumElements: 100)
    #expect(array.values == .integers([1, 2, 3, 4, 5, 6]))
}

@Test(arguments: [
    ("<c16", "dtype <c16"), ("<U3", "dtype <U3"), ("|b1", "dtype |b1"), ("|O", "not a number type"), ("<f2", "dtype <f2"),
])
func `dtypes a port does not write are refused by name`(descr: String, words: String) {
    #expect { try NumpyArray(npy: npy(descr, "(1,)", data: [0, 0]), maximumElements: 100) } throws: { "\($0)".contains(words) }
}

@Test func `a structured dtype, a wrong data length and a huge shape are refused before any allocation`() {
    let structured = Array("[('a', '<i4')]".utf8)
    var bytes = npy("|i1", "(1,)", data: [0])
    bytes.replaceSubrange(10 + "{'descr': ".count..<(10 + "{'descr': '|i1'".count), with: structured)
    #expect { try NumpyArray(npy: bytes, maximumElements: 100) } throws: { "\($0)".contains("structured") }
    #expect { try NumpyArray(npy: npy("<i4", "(3,)", data: [0, 0, 0, 0]), maximumElements: 100) } throws: { "\($0)".contains("holds 4 bytes") }
    #expect { try NumpyArray(npy: npy("<i8", "(100000000000, 100000000000)", data: []), maximumElements: 1 << 30) } throws: { "\($0)".contains("more than") }
    #expect { try NumpyArray(npy: Array("not an array".utf8), maximumElements: 100) } throws: { "\($0)".contains("NUMPY") }
}

@Test func `a stored archive reads back, and every shorter prefix of it is refused cleanly`() throws {
    let first = npy("|i1", "(1, 2)", data: [5, 0xFB])
    let archive = zip([("input.npy", first), ("op0.npy", npy("<i4", "(1,)", data: [1, 0, 0, 0]))])
    let read = try ZipArchive(bytes: archive)
    #expect(read.entries.map(\.name) == ["input.npy", "op0.npy"])
    #expect(try read.contents(of: read.entries[0], maximumSize: 1000) == first)
    #expect { try read.contents(of: read.entries[0], maximumSize: 10) } throws: { "\($0)".contains("more than the 10") }
    for length in 0..<archive.count {
        #expect(throws: ArchiveError.self, "prefix of \(length) bytes") { _ = try ZipArchive(bytes: Array(archive[0..<length])).entries.map { try ZipArchive(bytes: Array(archive[0..<length])).contents(of: $0, maximumSize: 1000) } }
    }
}

@Test func `one altered byte of an array fails its checksum`() throws {
    var archive = zip([("input.npy", npy("|i1", "(1, 2)", data: [5, 6]))])
    archive[30 + "input.npy".count + 128] ^= 1  // the first data byte: after the local header, the name and the 128-byte npy header
    let read = try ZipArchive(bytes: archive)
    #expect { try read.contents(of: read.entries[0], maximumSize: 1000) } throws: { "\($0)".contains("checksum") }
}

@Test func `bytes that are not a zip archive say so`() {
    #expect { try ZipArchive(bytes: Array("PK but nothing else, long enough to search".utf8)) } throws: { "\($0)".contains("not a zip archive") }
    #expect { try ZipArchive(bytes: [1, 2, 3]) } throws: { "\($0)".contains("3 bytes") }
}

@Test func `the writer's .npy is numpy's own, byte for byte, and its archive reads back`() throws {
    // tools/fuzz-seeds/npz/exact-int8.npz was written by np.savez (tools/fuzz_npz_seeds.py).
    let file = try #require(FileManager.default.contents(atPath: RepositoryFiles.path("tools/fuzz-seeds/npz/exact-int8.npz")))
    let numpys = try ZipArchive(bytes: [UInt8](file))
    var writer = NumpyArchiveWriter()
    for entry in numpys.entries {
        let theirs = try numpys.contents(of: entry, maximumSize: 1 << 20)
        let array = try NumpyArray(npy: theirs, maximumElements: 1 << 20)
        guard case .integers(let codes) = array.values else { Issue.record("\(entry.name): not integers"); continue }
        #expect(array.dtype == "|i1")
        let elements = codes.map { UInt8(bitPattern: Int8($0)) }
        #expect(NumpyArchiveWriter.npy(element: .int8, shape: array.shape, elements: elements) == theirs, "\(entry.name)")
        writer.add(key: String(entry.name.dropLast(4)), element: .int8, shape: array.shape, elements: elements)
    }
    // Our archive, read by chapter 12's reader: the same names, checksums that hold, the same arrays.
    let ours = try ZipArchive(bytes: writer.bytes())
    #expect(ours.entries.map(\.name) == numpys.entries.map(\.name))
    for (mine, theirs) in zip(ours.entries, numpys.entries) {
        #expect(try ours.contents(of: mine, maximumSize: 1 << 20) == numpys.contents(of: theirs, maximumSize: 1 << 20))
    }
    // int32 and float32, and a 1-D shape, which numpy writes as "(3,)".
    let vector = NumpyArchiveWriter.npy(element: .float32, shape: [3], elements: [0, 0, 0xC0, 0x3F] + [UInt8](repeating: 0, count: 8))
    let read = try NumpyArray(npy: vector, maximumElements: 10)
    #expect(read.shape == [3] && read.values == .floats([1.5, 0, 0]) && vector.count % 64 == 12)
    let int32 = try NumpyArray(npy: NumpyArchiveWriter.npy(element: .int32, shape: [1, 1], elements: [0xFE, 0xFF, 0xFF, 0xFF]), maximumElements: 10)
    #expect(int32.values == .integers([-2]))
}
