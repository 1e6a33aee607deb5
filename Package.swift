// swift-tools-version:6.0
// The table of contents of the workbook: one target per chapter, in order, each beside its
// tests. Chapter N imports only earlier chapters, so the compiler enforces the reading order.
import PackageDescription

/// The chapters' arithmetic runs over thousands of digits in the tests and in the book's console
/// blocks, which `swift test` builds for debugging; optimize the modules that compute even then.
let optimizedEvenInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "QuantizationWorkbook",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "workbook", targets: ["Workbook"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Chapter 1: reading the .tflite file (a FlatBuffer) into tensors, scales and operators.
        .target(name: "Ch01TFLiteFile", path: "Sources/Chapters/01-TFLiteFile"),
        .testTarget(
            name: "Ch01TFLiteFileTests",
            dependencies: ["Ch01TFLiteFile", "TestSupport"],
            path: "Tests/Chapters/01-TFLiteFileTests"),

        // Chapter 2: affine mapping: r = S·(q − Z), quantize and dequantize.
        .target(name: "Ch02Affine", dependencies: ["Ch01TFLiteFile"], path: "Sources/Chapters/02-Affine", swiftSettings: optimizedEvenInDebug),
        .testTarget(
            name: "Ch02AffineTests",
            dependencies: ["Ch02Affine", "TestSupport"],
            path: "Tests/Chapters/02-AffineTests"),

        // Chapter 3: the float network, and the 10% mystery.
        .target(name: "Ch03FloatNetwork", dependencies: ["Ch01TFLiteFile", "Ch02Affine", "CZlib"], path: "Sources/Chapters/03-FloatNetwork", swiftSettings: optimizedEvenInDebug),
        .testTarget(
            name: "Ch03FloatNetworkTests",
            dependencies: ["Ch03FloatNetwork", "TestSupport"],
            path: "Tests/Chapters/03-FloatNetworkTests"),

        // Chapter 4: the zero-point-corrected matmul in int32.
        .target(name: "Ch04ZeroPointMatmul", dependencies: ["Ch01TFLiteFile", "Ch02Affine"], path: "Sources/Chapters/04-ZeroPointMatmul", swiftSettings: optimizedEvenInDebug),
        .testTarget(
            name: "Ch04ZeroPointMatmulTests",
            dependencies: ["Ch04ZeroPointMatmul", "TestSupport"],
            path: "Tests/Chapters/04-ZeroPointMatmulTests"),

        // Chapter 5: the int32 bias with scale S1·S2.
        .target(name: "Ch05Bias", dependencies: ["Ch01TFLiteFile", "Ch02Affine", "Ch04ZeroPointMatmul"], path: "Sources/Chapters/05-Bias", swiftSettings: optimizedEvenInDebug),
        .testTarget(
            name: "Ch05BiasTests",
            dependencies: ["Ch05Bias", "TestSupport"],
            path: "Tests/Chapters/05-BiasTests"),

        // Chapter 6: requantization: M = S1·S2/S3, four ways.
        .target(name: "Ch06Requantize", dependencies: ["Ch01TFLiteFile", "Ch02Affine", "Ch04ZeroPointMatmul", "Ch05Bias"], path: "Sources/Chapters/06-Requantize", swiftSettings: optimizedEvenInDebug),
        .testTarget(
            name: "Ch06RequantizeTests",
            dependencies: ["Ch06Requantize", "TestSupport"],
            path: "Tests/Chapters/06-RequantizeTests"),

        // Chapter 7: the activation range and the output zero point.
        .target(name: "Ch07Clamp", dependencies: ["Ch01TFLiteFile", "Ch02Affine", "Ch06Requantize"], path: "Sources/Chapters/07-Clamp", swiftSettings: optimizedEvenInDebug),
        .testTarget(
            name: "Ch07ClampTests",
            dependencies: ["Ch07Clamp", "TestSupport"],
            path: "Tests/Chapters/07-ClampTests"),

        // Chapter 8: the quantized softmax.
        .target(name: "Ch08Softmax", dependencies: ["Ch01TFLiteFile", "Ch02Affine", "Ch06Requantize"], path: "Sources/Chapters/08-Softmax", swiftSettings: optimizedEvenInDebug),
        .testTarget(
            name: "Ch08SoftmaxTests",
            dependencies: ["Ch08Softmax", "TestSupport"],
            path: "Tests/Chapters/08-SoftmaxTests"),

        // Chapter 9: the whole network, every intermediate tensor.
        .target(name: "Ch09Network", dependencies: ["Ch01TFLiteFile", "Ch02Affine", "Ch03FloatNetwork", "Ch04ZeroPointMatmul", "Ch05Bias", "Ch06Requantize", "Ch07Clamp", "Ch08Softmax"], path: "Sources/Chapters/09-Network", swiftSettings: optimizedEvenInDebug),
        .testTarget(
            name: "Ch09NetworkTests",
            dependencies: ["Ch09Network", "TestSupport"],
            path: "Tests/Chapters/09-NetworkTests"),

        // Chapter 10: from a PNG to the input tensor.
        .target(name: "Ch10Pixels", dependencies: ["Ch01TFLiteFile", "Ch02Affine", "Ch09Network", "CLibPNG"], path: "Sources/Chapters/10-Pixels"),
        .testTarget(
            name: "Ch10PixelsTests",
            dependencies: ["Ch10Pixels", "Ch09Network", "Ch06Requantize", "Ch01TFLiteFile", "TestSupport"],
            path: "Tests/Chapters/10-PixelsTests"),

        // Chapter 11: to the FPGA: the integer contract, exported, and proven in C and Verilog.
        .target(
            name: "Ch11Hardware",
            dependencies: ["Ch01TFLiteFile", "Ch02Affine", "Ch04ZeroPointMatmul", "Ch05Bias", "Ch06Requantize", "Ch07Clamp", "Ch08Softmax", "Ch09Network", "JSONText"],
            path: "Sources/Chapters/11-Hardware"),
        .testTarget(
            name: "Ch11HardwareTests",
            dependencies: ["Ch11Hardware", "TestSupport"],
            path: "Tests/Chapters/11-HardwareTests"),

        // Part two. Chapter 12: your own port, read from numpy's .npz and checked against the four families.
        .target(
            name: "Ch12YourPort",
            dependencies: ["Ch01TFLiteFile", "Ch02Affine", "Ch03FloatNetwork", "Ch04ZeroPointMatmul", "Ch06Requantize", "Ch07Clamp", "Ch08Softmax", "Ch09Network", "CZlib"],
            path: "Sources/Chapters/12-YourPort", swiftSettings: optimizedEvenInDebug),
        .testTarget(
            name: "Ch12YourPortTests",
            dependencies: ["Ch12YourPort", "Ch09Network", "Ch06Requantize", "Ch01TFLiteFile", "TestSupport"],
            path: "Tests/Chapters/12-YourPortTests"),

        // Chapter 13: fast and still exact: the same network, batched, packed and vectorized,
        // proven equal to chapter 9's; its inner loops in C, one instruction set per function.
        .target(
            name: "Ch13FastEngine",
            dependencies: ["Ch01TFLiteFile", "Ch02Affine", "Ch03FloatNetwork", "Ch04ZeroPointMatmul", "Ch05Bias", "Ch06Requantize", "Ch07Clamp", "Ch09Network", "CFastKernels"],
            path: "Sources/Chapters/13-FastEngine", swiftSettings: optimizedEvenInDebug),
        .target(
            name: "CFastKernels", path: "Sources/CFastKernels",
            cSettings: [.unsafeFlags(["-O2"])]),
        .testTarget(
            name: "Ch13FastEngineTests",
            dependencies: ["Ch13FastEngine", "Ch09Network", "Ch06Requantize", "Ch07Clamp", "Ch04ZeroPointMatmul", "Ch05Bias", "Ch01TFLiteFile", "TestSupport"],
            path: "Tests/Chapters/13-FastEngineTests"),

        // Part two: convolutional networks.
        // Chapter 14: convolution: a matrix product over patches, the padding filled with Z_in;
        // CONV_2D and DEPTHWISE_CONV_2D from chapters 4 to 7.
        .target(
            name: "Ch14Convolution",
            dependencies: ["Ch01TFLiteFile", "Ch04ZeroPointMatmul", "Ch05Bias", "Ch06Requantize", "Ch07Clamp", "Ch09Network"],
            path: "Sources/Chapters/14-Convolution", swiftSettings: optimizedEvenInDebug),
        .testTarget(
            name: "Ch14ConvolutionTests",
            dependencies: ["Ch14Convolution", "Ch01TFLiteFile", "Ch04ZeroPointMatmul", "Ch06Requantize", "TestSupport"],
            path: "Tests/Chapters/14-ConvolutionTests"),

        // Chapter 15: pooling: MAX_POOL_2D, AVERAGE_POOL_2D's rounded division, and MEAN
        // (global average pooling) with its requantization.
        .target(
            name: "Ch15Pooling",
            dependencies: ["Ch01TFLiteFile", "Ch06Requantize", "Ch07Clamp", "Ch09Network", "Ch14Convolution"],
            path: "Sources/Chapters/15-Pooling", swiftSettings: optimizedEvenInDebug),
        .testTarget(
            name: "Ch15PoolingTests",
            dependencies: ["Ch15Pooling", "Ch14Convolution", "Ch01TFLiteFile", "Ch06Requantize", "TestSupport"],
            path: "Tests/Chapters/15-PoolingTests"),

        // Chapter 16: the convolutional network: part two's operators in chapter 9's network,
        // every tensor equal to TFLite's in every family.
        .target(
            name: "Ch16ConvolutionalNetwork",
            dependencies: ["Ch01TFLiteFile", "Ch02Affine", "Ch06Requantize", "Ch09Network", "Ch14Convolution", "Ch15Pooling"],
            path: "Sources/Chapters/16-ConvolutionalNetwork"),
        .testTarget(
            name: "Ch16ConvolutionalNetworkTests",
            dependencies: ["Ch16ConvolutionalNetwork", "Ch09Network", "Ch13FastEngine", "Ch01TFLiteFile", "Ch06Requantize", "TestSupport"],
            path: "Tests/Chapters/16-ConvolutionalNetworkTests"),

        // Chapter 17: exporting a CNN: the integer contract of every convolution, pooling, MEAN
        // and dense layer, golden vectors, for hardware/c/convolutional.c.
        .target(
            name: "Ch17ConvolutionalExport",
            dependencies: ["Ch01TFLiteFile", "Ch02Affine", "Ch06Requantize", "Ch09Network", "Ch11Hardware", "Ch14Convolution",
                           "Ch15Pooling", "Ch16ConvolutionalNetwork", "JSONText"],
            path: "Sources/Chapters/17-ConvolutionalExport"),
        .testTarget(
            name: "Ch17ConvolutionalExportTests",
            dependencies: ["Ch17ConvolutionalExport", "Ch11Hardware", "Ch09Network", "Ch01TFLiteFile", "Ch06Requantize", "Ch14Convolution", "TestSupport"],
            path: "Tests/Chapters/17-ConvolutionalExportTests"),

        // Support, not chapters: libpng and zlib; where the shipped models, digits and fixtures
        // are (ShippedFiles, which the binary needs); the tests' oracle and helpers
        // (TestSupport, linked into tests only); one JSON writer; and the machinery that keeps
        // the prose in chapters/ in step with the code.
        .systemLibrary(
            name: "CLibPNG", path: "Sources/CLibPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .testTarget(name: "CLibPNGTests", dependencies: ["CLibPNG"], path: "Tests/CLibPNGTests"),
        .target(name: "ShippedFiles", path: "Sources/ShippedFiles"),
        .target(name: "TestSupport", dependencies: ["ShippedFiles", "Ch01TFLiteFile"], path: "Sources/TestSupport"),
        .target(name: "JSONText", path: "Sources/JSONText"),
        .target(name: "BookMachinery", path: "Sources/BookMachinery"),
        .testTarget(name: "BookTests", dependencies: ["BookMachinery", "Workbook", "TestSupport"], path: "Tests/BookTests"),

        // The `workbook` command, a thin shell: one file per subcommand; `workbook chapter N`
        // prints chapter N's own narration.
        // Coverage-guided fuzzers (tools/fuzz.sh builds them with libFuzzer); built plainly they
        // replay the inputs named on their command line.
        .target(name: "CLibFuzzer", path: "Sources/Fuzzers/CLibFuzzer"),
        .target(name: "FuzzDriver", dependencies: ["CLibFuzzer", "Ch01TFLiteFile"], path: "Sources/Fuzzers/FuzzDriver"),
        .executableTarget(
            name: "FuzzModel",
            dependencies: ["FuzzDriver", "Ch01TFLiteFile", "Ch02Affine", "Ch03FloatNetwork", "Ch06Requantize", "Ch09Network", "Ch11Hardware", "Ch13FastEngine", "Ch16ConvolutionalNetwork"],
            path: "Sources/Fuzzers/FuzzModel"),
        .executableTarget(
            name: "FuzzPNG",
            dependencies: ["FuzzDriver", "Ch01TFLiteFile", "Ch02Affine", "Ch10Pixels"],
            path: "Sources/Fuzzers/FuzzPNG"),
        .executableTarget(
            name: "FuzzNPZ",
            dependencies: ["FuzzDriver", "Ch01TFLiteFile", "Ch06Requantize", "Ch09Network", "Ch12YourPort"],
            path: "Sources/Fuzzers/FuzzNPZ"),

        .executableTarget(
            name: "Workbook",
            dependencies: [
                "Ch01TFLiteFile", "Ch02Affine", "Ch03FloatNetwork", "Ch04ZeroPointMatmul", "Ch05Bias",
                "Ch06Requantize", "Ch07Clamp", "Ch08Softmax", "Ch09Network", "Ch10Pixels", "Ch11Hardware", "Ch12YourPort", "Ch13FastEngine",
                "Ch14Convolution", "Ch15Pooling", "Ch16ConvolutionalNetwork", "Ch17ConvolutionalExport",
                "BookMachinery", "ShippedFiles", "JSONText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/Workbook"),
        .testTarget(
            name: "WorkbookTests",
            dependencies: ["Workbook", "Ch01TFLiteFile", "Ch12YourPort", "TestSupport"],
            path: "Tests/WorkbookTests"),
    ]
)
