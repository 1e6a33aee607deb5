// swift-tools-version:6.0
// The table of contents of the workbook: one target per chapter, in order, each beside its
// tests. Chapter N imports only earlier chapters, so the compiler enforces the reading order.
import PackageDescription

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
            dependencies: ["Ch01TFLiteFile", "ReferenceFixtures"],
            path: "Tests/Chapters/01-TFLiteFileTests"),

        // Support, not chapters: libpng for pictures, the fixtures TFLite dumped for the
        // tests, and the machinery that keeps the prose in chapters/ in step with the code.
        .systemLibrary(
            name: "CLibPNG", path: "Sources/CLibPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),
        .testTarget(name: "CLibPNGTests", dependencies: ["CLibPNG"], path: "Tests/CLibPNGTests"),
        .target(name: "ReferenceFixtures", path: "Sources/ReferenceFixtures"),
        .target(name: "BookMachinery", path: "Sources/BookMachinery"),
        .testTarget(name: "BookTests", dependencies: ["BookMachinery", "Workbook", "ReferenceFixtures"], path: "Tests/BookTests"),

        // The `workbook` command: one file per subcommand.
        .executableTarget(
            name: "Workbook",
            dependencies: [
                "Ch01TFLiteFile", "BookMachinery",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/Workbook"),
        .testTarget(
            name: "WorkbookTests",
            dependencies: ["Workbook", "Ch01TFLiteFile", "ReferenceFixtures"],
            path: "Tests/WorkbookTests"),
    ]
)
