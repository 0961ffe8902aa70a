// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "driftline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "driftline", targets: ["driftline"]),
        .executable(name: "driftline-loadgen", targets: ["driftline-loadgen"]),
        .library(name: "DriftlineCore", targets: ["DriftlineCore"]),
        .library(name: "DriftlineConnectors", targets: ["DriftlineConnectors"]),
        .library(name: "DriftlineDelivery", targets: ["DriftlineDelivery"]),
        .library(name: "DriftlineEngine", targets: ["DriftlineEngine"]),
        .library(name: "DriftlineStore", targets: ["DriftlineStore"]),
        .library(name: "DriftlineTestSupport", targets: ["DriftlineTestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        // Without its ConfigurationSupport trait: the server is configured in code, from EngineConfig and options.
        .package(
            url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // Already in the graph through Hummingbird; named for the delivery module's HTTP client.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // Pure and deterministic: events, decoding, windows, operators, baselines, rules. No I/O, no clocks.
        .target(
            name: "DriftlineCore",
            dependencies: [.product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // NDJSON files, stdin/stdout and the dead-letter writer.
        .target(
            name: "DriftlineConnectors",
            dependencies: [
                "DriftlineCore", .product(name: "CSV", package: "CSV.swift"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // System libraries, wrapped like GRDB wraps SQLite: imported with `internal import` only.
        .systemLibrary(
            name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]
        ),
        .systemLibrary(
            name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]
        ),
        // librdkafka consumer/producer on their own threads, and its mock cluster for development and tests.
        .target(name: "DriftlineKafka", dependencies: ["DriftlineCore", "DriftlineConnectors", "CRdKafka"]),
        // libmosquitto source and sink with a bounded hand-off, reconnect and re-subscribe.
        .target(name: "DriftlineMQTT", dependencies: ["DriftlineCore", "DriftlineConnectors", "CMosquitto"]),
        // SQLite's C API for what GRDB does not expose (a variadic sqlite3_db_config call).
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // The SQLite history of window results, alerts, triggers and baselines, through GRDB.
        .target(
            name: "DriftlineStore",
            dependencies: ["CSQLite", "DriftlineCore", .product(name: "GRDB", package: "GRDB.swift")]),
        // The HTTP API over the history store (Hummingbird): the routes `driftline serve` and `run` share.
        .target(
            name: "DriftlineHTTP",
            dependencies: [
                "DriftlineCore", "DriftlineStore", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Alerts and triggers delivered from the store's outbox to Alertmanager and webhooks (AsyncHTTPClient).
        .target(
            name: "DriftlineDelivery",
            dependencies: [
                "DriftlineCore", "DriftlineStore", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Topology loading and validation, the runtime that wires sources -> operators -> sinks.
        .target(
            name: "DriftlineEngine",
            dependencies: [
                "DriftlineCore", "DriftlineConnectors", "DriftlineKafka", "DriftlineMQTT", "DriftlineStore",
                .product(name: "Yams", package: "Yams"), .product(name: "SystemPackage", package: "swift-system"),
            ],
            // The engine's record loops touch its run's state per event, like the core's.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // Seeded event generators with drift injection, for tests, the demo and load tests.
        .target(name: "DriftlineTestSupport", dependencies: ["DriftlineCore"]),
        .executableTarget(
            name: "driftline",
            dependencies: [
                "DriftlineCore", "DriftlineConnectors", "DriftlineEngine", "DriftlineKafka", "DriftlineMQTT",
                "DriftlineStore", "DriftlineTestSupport", "DriftlineHTTP", "DriftlineDelivery",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "driftline-loadgen",
            dependencies: [
                "DriftlineCore", "DriftlineTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "loadtests/loadgen"
        ),
        .executableTarget(
            name: "driftline-load-kafka",
            dependencies: [
                "DriftlineCore", "DriftlineEngine", "DriftlineKafka", "DriftlineTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "loadtests/kafka-pipeline"
        ),
        .executableTarget(
            name: "driftline-load-store",
            dependencies: [
                "DriftlineCore", "DriftlineStore", "DriftlineTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "loadtests/store",
            exclude: ["run.sh"]
        ),
        .executableTarget(
            name: "kafka-consume",
            dependencies: ["DriftlineKafka", "DriftlineConnectors"],
            path: "loadtests/kafka-consume"
        ),
        .executableTarget(
            name: "driftline-load-mqtt",
            dependencies: [
                "DriftlineCore", "DriftlineConnectors", "DriftlineMQTT", "DriftlineTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "loadtests/mqtt-ingest"
        ),
        .testTarget(
            name: "DriftlineCoreTests",
            dependencies: [
                "DriftlineCore", "DriftlineTestSupport", .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "DriftlineEngineTests",
            dependencies: ["DriftlineEngine", "DriftlineStore", "DriftlineTestSupport"]
        ),
        .testTarget(
            name: "DriftlineConnectorsTests",
            dependencies: ["DriftlineConnectors"]
        ),
        .testTarget(
            name: "DriftlineStoreTests",
            dependencies: ["DriftlineStore", "DriftlineCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "DriftlineHTTPTests",
            dependencies: [
                "DriftlineHTTP", "DriftlineStore", "DriftlineCore", "DriftlineTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(name: "DriftlineTestSupportTests", dependencies: ["DriftlineTestSupport"]),
        .testTarget(
            name: "DriftlineDeliveryTests",
            dependencies: [
                "DriftlineDelivery", "DriftlineCore", "DriftlineEngine", "DriftlineStore", "DriftlineTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(
            name: "DriftlineKafkaTests",
            dependencies: ["DriftlineKafka", "DriftlineTestSupport"]
        ),
        .testTarget(
            name: "DriftlineMQTTTests",
            dependencies: ["DriftlineMQTT", "DriftlineTestSupport"]
        ),
        .testTarget(
            name: "DriftlineIntegrationTests",
            dependencies: [
                "DriftlineEngine", "DriftlineKafka", "DriftlineStore", "DriftlineTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ])
    target.swiftSettings = settings
}
