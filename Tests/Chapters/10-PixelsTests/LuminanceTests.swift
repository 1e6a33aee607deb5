// Chapter 10, step 1: colour to grey. (10.1) compositing over white and (10.2) Rec. 601 luma,
// each against a Double reference over every input it can take.

import Ch10Pixels
import Testing

@Test func `black ink at 40 % opacity on white paper is the grey 153`() {
    // (0·102 + 255·153) / 255 = 153 exactly: 102 of 255 is 40 %.
    #expect(overWhite(0, alpha: 102) == 153)
    #expect(luminance(red: 153, green: 153, blue: 153) == 153)
}

@Test(arguments: 0...255)
func `compositing over white is the nearest integer to c·a/255 + 255·(1 − a/255), for every c`(alpha: Int) {
    var mismatches: [String] = []
    for channel in 0...255 {
        let exact = (Double(channel) * Double(alpha) + 255 * Double(255 - alpha)) / 255
        let observed = overWhite(UInt8(channel), alpha: UInt8(alpha))
        // Tolerance < 0.5 // exact rounding: the divisor 255 is odd, so no value is a tie.
        if !(abs(Double(observed) - exact) < 0.5) { mismatches.append("c = \(channel): expected \(exact), observed \(observed)") }
    }
    #expect(mismatches.isEmpty, "a = \(alpha): \(mismatches.prefix(3))")
    #expect(overWhite(0, alpha: UInt8(alpha)) == UInt8(255 - alpha))  // black ink: what the transparent-style digits rely on
}

@Test func `an opaque pixel keeps its colour and a transparent one is white paper`() {
    for channel in 0...255 {
        #expect(overWhite(UInt8(channel), alpha: 255) == UInt8(channel))
        #expect(overWhite(UInt8(channel), alpha: 0) == 255)
    }
}

@Test(arguments: 0...255)
func `luma is 0.299 R + 0.587 G + 0.114 B rounded half up, for every red`(red: Int) {
    var mismatches: [String] = []
    for green in stride(from: 0, through: 255, by: 5) {
        for blue in 0...255 {
            let exact = 0.299 * Double(red) + 0.587 * Double(green) + 0.114 * Double(blue)
            let observed = luminance(red: UInt8(red), green: UInt8(green), blue: UInt8(blue))
            // Within half a step of the Double value (1e-9: Double's 0.299 is not exact, and a
            // tie k + ½ rounds up, to k + 1).
            if abs(Double(observed) - exact) > 0.5 + 1e-9 || (exact - exact.rounded(.down) == 0.5 && Double(observed) < exact) {
                mismatches.append("(\(red), \(green), \(blue)): expected \(exact), observed \(observed)")
            }
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(3))")
}

@Test func `a grey stays itself, white stays 255, and pure primaries have their weights`() {
    for value in 0...255 { #expect(luminance(red: UInt8(value), green: UInt8(value), blue: UInt8(value)) == UInt8(value)) }
    #expect(luminance(red: 255, green: 0, blue: 0) == 76)    // 0.299·255 = 76.2
    #expect(luminance(red: 0, green: 255, blue: 0) == 150)   // 0.587·255 = 149.7
    #expect(luminance(red: 0, green: 0, blue: 255) == 29)    // 0.114·255 = 29.1
}
