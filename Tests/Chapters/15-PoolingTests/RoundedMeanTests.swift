// Chapter 15: AVERAGE_POOL_2D's division, (15.1): to the nearest integer, ties away from zero.

import Ch15Pooling
import Testing

@Test func `the rounded mean rounds half away from zero on both sides`() {
    #expect(roundedMean(sum: 10, count: 4) == 3)    // 2.5 → 3
    #expect(roundedMean(sum: -10, count: 4) == -3)  // −2.5 → −3, not −2
    #expect(roundedMean(sum: 9, count: 4) == 2)     // 2.25 → 2
    #expect(roundedMean(sum: -9, count: 4) == -2)
    #expect(roundedMean(sum: -11, count: 4) == -3)  // −2.75 → −3
    #expect(roundedMean(sum: 0, count: 4) == 0)
    #expect(roundedMean(sum: -512, count: 4) == -128)
    #expect(roundedMean(sum: 5, count: 1) == 5)
    #expect(roundedMean(sum: 7, count: 0) == 0)     // no tap on the image: nothing to average
}
