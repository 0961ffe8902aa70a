// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets, in their own package: they are built with `-sanitize=fuzzer,address`,
// which the main build must not be. Run them with `Fuzz/run.sh`.
let package = Package(
    name: "driftline-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "driftline", path: "..")],
    targets: [
        .target(name: "FuzzSupport"),
        // The decoder and the processor behind it, on arbitrary bytes as one record.
        .executableTarget(
            name: "FuzzDecoder",
            dependencies: [
                "FuzzSupport", .product(name: "DriftlineCore", package: "driftline"),
                .product(name: "DriftlineTestSupport", package: "driftline"),
            ]),
        // The topology loader, on arbitrary text as a topology file.
        .executableTarget(
            name: "FuzzTopology",
            dependencies: ["FuzzSupport", .product(name: "DriftlineEngine", package: "driftline")]),
    ]
)
