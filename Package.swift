// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "fcb",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "fcb", targets: ["fcb"]),
        // Libraries only for the fuzzers in fuzz/ (a separate package that links them with
        // `@testable import`); fcb has no public Swift API.
        .library(name: "FlowEngine", targets: ["FlowEngine"]),
        .library(name: "WhatsAppCloud", targets: ["WhatsAppCloud"]),
        .library(name: "FCBStore", targets: ["FCBStore"]),
        .library(name: "FCBRealtime", targets: ["FCBRealtime"]),
        .library(name: "FCBPipeline", targets: ["FCBPipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // The layers, lowest first; each depends only on layers above it in this list.
        // docs/architecture.md draws them.

        // Clocks, ISO-8601 timestamps, ids, random sources, small concurrency primitives.
        .target(name: "FCBSupport"),
        // Flows: JSON, the expression language, flow definitions, the executor, conversations,
        // the validator, and the records and store protocols the executor works through.
        // Pure Swift: no networking, no database, no server framework.
        .target(
            name: "FlowEngine",
            dependencies: [
                "FCBSupport",
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        // The executor's `api` node over HTTP, with the address policy that refuses private targets.
        .target(
            name: "FlowEngineHTTP",
            dependencies: [
                "FlowEngine",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // Meta's side: webhook deliveries and signatures, the Cloud API renderer, the Graph API sender.
        .target(
            name: "WhatsAppCloud",
            dependencies: [
                "FlowEngine",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The dashboard's database: PostgreSQL and SQLite backends, an in-memory store, the
        // inbox, migrations.
        .target(
            name: "FCBStore",
            dependencies: [
                "FlowEngine",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Engine.IO and Socket.IO for the dashboard, with fan-out across instances.
        .target(
            name: "FCBRealtime",
            dependencies: [
                "FCBStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Webhook in, inbox, workers, executor, sender, store, realtime events: the data path.
        .target(
            name: "FCBPipeline",
            dependencies: [
                "FlowEngineHTTP", "WhatsAppCloud", "FCBStore", "FCBRealtime",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // `fcb serve` over Hummingbird: configuration, HTTP routes, TLS, logging, lifecycle.
        .target(
            name: "FCBServe",
            dependencies: [
                "FCBPipeline",
                "CMalloc",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // `fcb simulate` and the demo seed: flows offline on an in-memory or SQLite store.
        .target(name: "FCBSimulator", dependencies: ["FlowEngineHTTP", "WhatsAppCloud", "FCBStore"]),
        // Test support shared by the test targets and the benchmark: the fake Graph API, a
        // `fcb serve` child process, loopback ports, signed webhook payloads.
        .target(
            name: "FCBTesting",
            dependencies: [
                "WhatsAppCloud", "FCBStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The command line: one small file per subcommand.
        .executableTarget(
            name: "fcb",
            dependencies: [
                "FCBServe", "FCBSimulator", "FCBTesting", "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .systemLibrary(name: "CReadline", providers: [.apt(["libreadline-dev"])]),
        // glibc's malloc_trim for the listener's body budget.
        .systemLibrary(name: "CMalloc"),
        .executableTarget(
            name: "fcb-bench",
            dependencies: [
                "FCBServe", "FCBSimulator", "FCBTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/fcb-bench"),
        .testTarget(
            name: "CoreTests",
            dependencies: [
                "FCBServe", "FCBSimulator", "FCBTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            exclude: ["Expression/Fixtures"]),
        .testTarget(
            name: "fcbTests",
            dependencies: [
                "fcb", "FCBServe", "FCBSimulator", "FCBTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
