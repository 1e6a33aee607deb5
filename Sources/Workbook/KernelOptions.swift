// The kernel family shared by every subcommand that computes: which of TFLite's roundings
// to reproduce (chapter 6).

import ArgumentParser
import Ch06Requantize

extension KernelFamily: ExpressibleByArgument {}

struct KernelOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Which TFLite kernels to reproduce: reference (BUILTIN_REF), optimized (BUILTIN_WITHOUT_DEFAULT_DELEGATES), micro (TFLite Micro), xnnpack (AUTO).",
        valueName: "family"))
    var kernels: KernelFamily = .reference
}
