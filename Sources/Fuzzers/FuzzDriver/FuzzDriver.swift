// What both fuzzers share: hand `exercise` to libFuzzer (the -DFUZZING build of tools/fuzz.sh),
// or, built plainly, run it once on each file named on the command line, to replay what the
// fuzzer found (`swift run FuzzModel FILE`). Nothing a fuzzer exercises may trap.

import CLibFuzzer
import Ch01TFLiteFile
import Foundation

/// The input handler, set once before libFuzzer starts: a C callback cannot capture it.
nonisolated(unsafe) private var handler: ([UInt8]) -> Void = { _ in }

public func fuzz(maximumBytes: Int, _ exercise: @escaping ([UInt8]) -> Void) throws {
    #if FUZZING
    // libFuzzer takes over: it calls the handler with inputs it mutates from the corpus.
    handler = exercise
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv) { data, count in
        handler(Array(UnsafeBufferPointer(start: data, count: count)))
        return 0
    })
    #else
    for path in CommandLine.arguments.dropFirst() {
        exercise(try UserFile.read(path, kind: "a fuzzer input", maximumBytes: maximumBytes))
        print("\(path): no crash")
    }
    #endif
}
