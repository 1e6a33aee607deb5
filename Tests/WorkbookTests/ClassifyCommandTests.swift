// `workbook classify` as a reader runs it: every shipped picture is classified correctly in
// every family, with LiteRT's own softmax codes where the picture is an MNIST digit exactly;
// bad files give one line each and a non-zero exit, and the good ones are still classified.

import Foundation
import TestSupport
import Testing

/// `classify --json ARGUMENTS`, parsed: one dictionary per file.
func classifyJSON(_ arguments: [String]) throws -> (status: Int32, results: [[String: Any]], standardError: String) {
    let result = try WorkbookBinary.run(["classify", "--json"] + arguments)
    let parsed = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [[String: Any]],
                              "not a JSON array: \(result.standardOutput)")
    return (result.status, parsed, result.standardError)
}

@Test(arguments: ["reference", "optimized", "micro", "xnnpack"])
func `every shipped digit is classified correctly, with LiteRT's softmax codes where it is an MNIST digit exactly`(family: String) throws {
    #expect(shippedPictures.count == 20)
    let (status, results, standardError) = try classifyJSON(["--kernels", family] + shippedPictures)
    #expect(status == 0 && standardError.isEmpty, "\(standardError)")
    let resolver = ["reference": "BUILTIN_REF", "optimized": "BUILTIN_WITHOUT_DEFAULT_DELEGATES", "micro": "TFLM", "xnnpack": "AUTO"][family]!
    for (path, result) in zip(shippedPictures, results) {
        let source = try #require(pictureSource(path))
        #expect(result["file"] as? String == path)
        #expect(result["digit"] as? Int == source.label, "\(path) in the \(family) kernels")
        let codes = try #require(result["outputCodes"] as? [Int])
        let probabilities = try #require(result["probabilities"] as? [Double])
        // The int8 softmax's output: S = 1/256, Z = −128, so p = (q + 128)/256, exactly.
        #expect(probabilities == codes.map { Double($0 + 128) / 256 })
        if losslessPictureStyles.contains(source.style) {
            // Tensor 10 is the SOFTMAX's output (models/fixtures/mnist-int8.json, operator 3).
            #expect(codes == fixtureCodes(tensor: 10, row: source.row, resolver: resolver), "\(path) in the \(family) kernels")
        }
    }
}

@Test func `classify draws the input, names the model and family, and lists the ten codes and probabilities`() throws {
    let picture = "images/digits/mnist-train-03085-label-6-240x160-off-centre.png"
    let result = try WorkbookBinary.run(["classify", "--kernels", "xnnpack", picture])
    #expect(result.status == 0 && result.standardError.isEmpty)
    let lines = result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[0].hasPrefix("\(picture): 240×160 grey, dark ink on light paper (inverted)"))
    // A frame around 28 rows of 28 two-character pixels.
    #expect(lines[1] == "┌" + String(repeating: "─", count: 56) + "┐")
    #expect(lines[2...29].allSatisfy { $0.hasPrefix("│") && $0.hasSuffix("│") && $0.count == 58 })
    #expect(lines[30] == "└" + String(repeating: "─", count: 56) + "┘")
    #expect(lines[31] == "input: pixels 0…255 → reals 0…1 (from the input tensor's quantization: code = pixel − 128)")
    #expect(lines[32] == "prediction: 6   (models/mnist-int8.tflite, xnnpack kernels)")
    #expect(lines[33] == "digit  code  probability = S·(code − Z), S = 0.00390625, Z = -128")
    // LiteRT's AUTO run of the same digit (the picture gives back MNIST digit 3085 exactly).
    let codes = try #require(fixtureCodes(tensor: 10, row: 3085, resolver: "AUTO"))
    for digit in 0..<10 {
        let line = lines[34 + digit]
        let probability = String(format: "%.8f", Double(codes[digit] + 128) / 256)
        #expect(line.hasPrefix("  \(digit)    \(String(codes[digit]).leftPadded(4))  \(probability)"), "\(line)")
        #expect(line.hasSuffix("◀") == (digit == 6))
    }
}

@Test func `several files: the good ones are classified, each bad one is named on stderr, and the status is 1`() throws {
    let good = "images/digits/mnist-train-00039-label-0-28-white-on-black.png"
    let result = try WorkbookBinary.run(["classify", "no/such.png", good, "tools/make_digits.py"])
    #expect(result.status == 1)
    #expect(result.standardError == """
        workbook: no/such.png: no such file
        workbook: tools/make_digits.py: not a PNG file: it does not start with the PNG signature 89 50 4E 47 0D 0A 1A 0A

        """)
    #expect(result.standardOutput.hasPrefix("\(good): 28×28 grey, light ink on dark paper"))
    #expect(result.standardOutput.contains("prediction: 0"))

    let (status, results, _) = try classifyJSON([good, "no/such.png"])
    #expect(status == 1)
    #expect(results.count == 2)
    #expect(results[0]["digit"] as? Int == 0)
    #expect(results[1]["file"] as? String == "no/such.png" && results[1]["error"] as? String == "no/such.png: no such file")
}

@Test func `every kind of bad picture gives one line naming the file, and exit status 1`() throws {
    let shipped = try repositoryBytes("images/digits/mnist-train-00039-label-0-28-white-on-black.png")
    var badCRC = shipped
    badCRC[29] ^= 0xFF  // IHDR's CRC (bytes 29 to 32)
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    let header: [UInt8] = [0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0, 8, 0, 0, 0, 0]  // 100,000 × 100,000 grey
    let huge = signature + pngChunk("IHDR", header) + pngChunk("IDAT", [0x78, 0x01, 0x01, 0x01, 0x00, 0xFE, 0xFF, 0x00, 0x00, 0x01, 0x00, 0x01])
        + pngChunk("IEND", [])
    let blank = blankPicture()
    let cases: [(String, [UInt8], String)] = [
        ("empty.png", [], "is empty, not a PNG file"),
        ("text.png", Array("hello\n".utf8), "not a PNG file"),
        ("truncated.png", Array(shipped.prefix(shipped.count / 2)), "damaged PNG: "),
        ("crc.png", badCRC, "damaged PNG: IHDR: CRC error"),
        ("huge.png", huge, "the header declares 100000×100000 pixels, more than the 16777216 we decode"),
        ("blank.png", blank, "no ink: every pixel has the background's grey 255"),
    ]
    for (name, bytes, reason) in cases {
        try withScratchFile(bytes, named: name) { path in
            let result = try WorkbookBinary.run(["classify", path])
            #expect(result.status == 1, "\(name)")
            #expect(result.standardOutput.isEmpty, "\(name)")
            #expect(result.standardError.hasPrefix("workbook: \(path): \(reason)"), "\(name): \(result.standardError)")
            #expect(result.standardError.filter { $0 == "\n" }.count == 1, "\(name): \(result.standardError)")
        }
    }
}

@Test func `libpng's warnings stay silent: a damaged ancillary chunk costs nothing`() throws {
    var shipped = try repositoryBytes("images/digits/mnist-train-00039-label-0-28-white-on-black.png")
    // A tEXt chunk with a wrong CRC, after IHDR (8 + 25 bytes): libpng warns and drops it.
    shipped.insert(contentsOf: pngChunk("tEXt", Array("Comment\u{0}hi".utf8), crc: 0), at: 33)
    try withScratchFile(shipped, named: "text-chunk.png") { path in
        let result = try WorkbookBinary.run(["classify", path])
        #expect(result.status == 0)
        #expect(result.standardError.isEmpty, "\(result.standardError)")
        #expect(result.standardOutput.contains("prediction: 0"))
    }
}

@Test func `classify needs at least one picture`() throws {
    let result = try WorkbookBinary.run(["classify"])
    #expect(result.status == 64)
    #expect(result.standardError.contains("Missing expected argument '<image.png> ...'"), "\(result.standardError)")
}

/// A 4×3 white PNG, grey 8-bit, written by hand: every row filter type 0 and all 255, the
/// zlib stream one "stored" block with its Adler-32.
func blankPicture() -> [UInt8] {
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    let raw: [UInt8] = (0..<3).flatMap { _ in [0, 255, 255, 255, 255] }
    var (a, b): (UInt32, UInt32) = (1, 0)
    for byte in raw { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
    let adler = b << 16 | a
    let stored: [UInt8] = [0x78, 0x01, 0x01, UInt8(raw.count), 0, ~UInt8(raw.count), 0xFF] + raw
        + (0..<4).map { UInt8(truncatingIfNeeded: adler >> (24 - 8 * $0)) }
    return signature + pngChunk("IHDR", [0, 0, 0, 4, 0, 0, 0, 3, 8, 0, 0, 0, 0]) + pngChunk("IDAT", stored) + pngChunk("IEND", [])
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
