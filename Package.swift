// swift-tools-version:6.1
import PackageDescription

/// Settings shared by every target of ours: Swift 6 mode with strict concurrency.
let settings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

/// Hot numeric code (the encoder, the vector scan) is optimised even in debug builds,
/// so `swift test` runs the parity fixtures in seconds rather than minutes.
let optimisedSettings: [SwiftSetting] = settings + [.unsafeFlags(["-O", "-enforce-exclusivity=unchecked"])]

let log: Target.Dependency = .product(name: "Logging", package: "swift-log")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")
let prometheus: Target.Dependency = .product(name: "Prometheus", package: "swift-prometheus")
let serviceLifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let unixSignals: Target.Dependency = .product(name: "UnixSignals", package: "swift-service-lifecycle")

let package = Package(
    name: "refarch-tui",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "refarch-tui", targets: ["refarch-tui"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // C libraries: one module map and one shim header each; one Swift importer each.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"]), .brew(["openssl"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),

        // The encoder's C kernels (small-row products, GELU, LayerNorm, attention; AVX2+FMA chosen at
        // run time, portable C otherwise); imported only by Embeddings.
        .target(name: "CMiniLMKernels", cSettings: [.unsafeFlags(["-O2"])]),

        // Layers, lowest first.
        .target(name: "DedicatedThreads", swiftSettings: settings),
        // The one shape of an error a person reads; below everything, so every layer's errors conform.
        .target(name: "UserFacing", swiftSettings: settings),
        .target(name: "Catalog", dependencies: ["UserFacing"], swiftSettings: settings),
        .target(name: "Operations", dependencies: ["Catalog", "UserFacing"], swiftSettings: settings),
        .target(name: "Configuration", dependencies: ["Catalog", "UserFacing"], swiftSettings: settings),
        .target(name: "Postgres", dependencies: ["CLibPQ", "UserFacing", "DedicatedThreads", log], swiftSettings: settings),
        .target(name: "PostgresCatalog", dependencies: ["Catalog", "Operations", "Postgres", "UserFacing", log], swiftSettings: settings),
        .target(
            name: "LocalIndex",
            dependencies: ["Catalog", "Operations", "Postgres", "PostgresCatalog", "DedicatedThreads", "UserFacing", log],
            swiftSettings: optimisedSettings),
        .target(
            name: "Sync", dependencies: ["Catalog", "Operations", "Postgres", "PostgresCatalog", "Queues", "Search", "Telemetry", "UserFacing", log],
            swiftSettings: settings),
        .target(name: "Telemetry", dependencies: [log, metrics, prometheus, serviceLifecycle], swiftSettings: settings),
        .target(name: "Search", dependencies: ["Catalog", "Operations", log], swiftSettings: settings),
        .target(name: "HTTP", dependencies: ["CCurl", "DedicatedThreads", log], swiftSettings: settings),
        .target(name: "AWS", dependencies: ["HTTP", "CCrypto", "UserFacing", log], swiftSettings: settings),
        // The operations seam's AWS implementations (ECS services), beside the AWS clients.
        .target(name: "AWSOperations", dependencies: ["AWS", "Operations", "UserFacing"], swiftSettings: settings),
        .target(name: "Queues", dependencies: ["Catalog", "Postgres", "PostgresCatalog", "AWS", log], swiftSettings: settings),
        .target(name: "Pinecone", dependencies: ["Catalog", "HTTP", "UserFacing", log], swiftSettings: settings),
        .target(
            name: "Embeddings", dependencies: ["COpenBLAS", "CMiniLMKernels", "Catalog", "DedicatedThreads", "UserFacing"],
            swiftSettings: optimisedSettings),
        // No pkgConfig: ncursesw's .pc file carries -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=600, which
        // SwiftPM drops with a "prohibited flag" warning on every build. The shim header defines
        // what those switch on (wide characters), and the modulemap links ncursesw (Debian's
        // libncursesw.so brings libtinfo in).
        .systemLibrary(name: "CNcurses", providers: [.apt(["libncurses-dev"]), .brew(["ncurses"])]),
        // The console: pure state, update, views and widgets; only ConsoleNcurses touches curses.
        .target(name: "Console", dependencies: ["Catalog", "Configuration", "Operations", "UserFacing"], swiftSettings: settings),
        .target(name: "ConsoleNcurses", dependencies: ["Console", "CNcurses", "UserFacing"], swiftSettings: settings),
        .target(
            name: "RefarchCLI",
            dependencies: [
                argumentParser, log, serviceLifecycle, unixSignals, "UserFacing", "Catalog", "Operations", "Configuration", "Postgres",
                "PostgresCatalog", "AWS", "AWSOperations", "Queues", "Pinecone", "Embeddings", "LocalIndex", "Search", "Sync", "Telemetry",
                "Console", "ConsoleNcurses",
            ],
            swiftSettings: settings
        ),
        .executableTarget(name: "refarch-tui", dependencies: ["RefarchCLI"], swiftSettings: settings),

        // Benchmarks: separate executables, run by `make bench-*`, never by the tests.
        .executableTarget(
            name: "IndexBench", dependencies: ["LocalIndex", "Catalog", "Postgres", "PostgresCatalog", "DedicatedThreads", log],
            path: "Benchmarks/IndexBench", swiftSettings: optimisedSettings),
        .executableTarget(
            name: "PipelineBench",
            dependencies: [
                "AWS", "Catalog", "Embeddings", "LocalIndex", "Operations", "Postgres", "PostgresCatalog", "Queues", "Search", "Sync",
                "Telemetry", log,
            ],
            path: "Benchmarks/PipelineBench", swiftSettings: optimisedSettings),
        .executableTarget(
            name: "BackPressureBench",
            dependencies: ["Catalog", "Embeddings", "HTTP", "Pinecone", "Sync", "Telemetry", "TestSupport", log],
            path: "Benchmarks/BackPressureBench", swiftSettings: optimisedSettings),
        .executableTarget(
            name: "ConsoleBench", dependencies: ["Console", "ConsoleNcurses", "Catalog", "Operations"],
            path: "Benchmarks/ConsoleBench", swiftSettings: settings),
        .executableTarget(
            name: "EmbedBench", dependencies: ["Embeddings", "Catalog"], path: "Benchmarks/EmbedBench", swiftSettings: optimisedSettings),

        // Tests mirror the layers; TestSupport holds what several of them share.
        .target(
            name: "TestSupport",
            dependencies: ["Catalog", "Postgres", "AWS", "HTTP", log, .product(name: "InMemoryLogging", package: "swift-log")],
            path: "Tests/TestSupport",
            swiftSettings: settings),
        .testTarget(name: "DedicatedThreadsTests", dependencies: ["DedicatedThreads"], swiftSettings: settings),
        .testTarget(name: "CatalogTests", dependencies: ["Catalog", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "ConfigurationTests", dependencies: ["Configuration", "TestSupport"], swiftSettings: settings),
        .testTarget(
            name: "PostgresTests", dependencies: ["Postgres", "PostgresCatalog", "Catalog", "TestSupport", log], swiftSettings: settings),
        .testTarget(
            name: "LocalIndexTests",
            dependencies: ["LocalIndex", "Catalog", "Postgres", "PostgresCatalog", "TestSupport", log],
            swiftSettings: settings),
        .testTarget(
            name: "SyncTests",
            dependencies: [
                "Sync", "Catalog", "Operations", "Postgres", "PostgresCatalog", "LocalIndex", "Queues", "Embeddings",
                "Search", "AWS", "HTTP", "Pinecone", "TestSupport", log,
            ],
            swiftSettings: settings),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry", "HTTP", log], swiftSettings: settings),
        .testTarget(name: "SearchTests", dependencies: ["Search", "Catalog", "Operations", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "EmbeddingsTests", dependencies: ["Embeddings", "CMiniLMKernels", "TestSupport"], swiftSettings: settings),
        .testTarget(
            name: "AWSTests", dependencies: ["AWS", "AWSOperations", "Operations", "HTTP", "TestSupport", log], swiftSettings: settings),
        .testTarget(
            name: "QueuesTests",
            dependencies: ["Queues", "Catalog", "Operations", "Postgres", "PostgresCatalog", "AWS", "HTTP", "TestSupport", log],
            swiftSettings: settings),
        .testTarget(name: "PineconeTests", dependencies: ["Pinecone", "HTTP", "Catalog", "TestSupport", log], swiftSettings: settings),
        .testTarget(
            name: "ConsoleTests", dependencies: ["Console", "Catalog", "Operations", "UserFacing", "AWS", "TestSupport"],
            exclude: ["Snapshots"], swiftSettings: settings),
        .testTarget(
            name: "CLITests", dependencies: ["TestSupport", "Catalog", "Postgres", "Queues", "AWS", "HTTP", log],
            swiftSettings: settings),
    ]
)
