// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in their own package so package-benchmark's malloc interposer stays out of
// the main build. Run from this folder: `swift package benchmark`.
let package = Package(
    name: "driftline-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "driftline", path: ".."),
        .package(
            url: "https://github.com/ordo-one/package-benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "PipelineBenchmark",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "DriftlineCore", package: "driftline"),
                .product(name: "DriftlineTestSupport", package: "driftline"),
            ],
            path: "Benchmarks/PipelineBenchmark",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "StoreBenchmark",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "DriftlineCore", package: "driftline"),
                .product(name: "DriftlineStore", package: "driftline"),
                .product(name: "DriftlineTestSupport", package: "driftline"),
            ],
            path: "Benchmarks/StoreBenchmark",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
