// swift-tools-version:6.0
// Lookalike: reverse image search for fashion catalogs.
// Layers, imports only downward:
//   LookalikeCLI → Web → Service → Search + Catalog → Embedding → Imaging → C shims (libvips, OpenVINO)
import PackageDescription

let package = Package(
    name: "Lookalike",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lookalike", targets: ["LookalikeCLI"]),
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "Embedding", targets: ["Embedding"]),
        .library(name: "Catalog", targets: ["Catalog"]),
        .library(name: "Search", targets: ["Search"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3" ..< "5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // --- C: libvips (pkg-config "vips") and a thin shim over its variadic API.
        .systemLibrary(name: "CLibVips", path: "Sources/CShims/CLibVips", pkgConfig: "vips",
                       providers: [.apt(["libvips-dev"])]),
        .target(name: "VipsShim", dependencies: ["CLibVips"], path: "Sources/CShims/VipsShim"),
        // --- C: OpenVINO's C API from the openvino wheel (pkg-config file made by scripts/setup.sh).
        .systemLibrary(name: "COpenVINO", path: "Sources/CShims/COpenVINO", pkgConfig: "lookalike-openvino"),
        .target(name: "OpenVINOShim", dependencies: ["COpenVINO"], path: "Sources/CShims/OpenVINOShim",
                linkerSettings: [
                    // Binaries in .build*/<triple>/<config>/ find the wheel's libraries through
                    // .deps/openvino-libs (a link setup.sh makes), so they run with no LD_LIBRARY_PATH.
                    .unsafeFlags(["-Xlinker", "-rpath", "-Xlinker", "$ORIGIN/../../../.deps/openvino-libs"]),
                ]),
        // --- C: int8 dot products for AVX-512BW / AVX2 / plain C, chosen at load time.
        .target(name: "VectorKernels", path: "Sources/CShims/VectorKernels", cSettings: [.unsafeFlags(["-O3"])]),
        // --- C: glibc malloc settings for the server (<malloc.h>).
        .target(name: "HeapShim", path: "Sources/CShims/HeapShim"),
        // --- C: the CPU's brand and instruction-set features (CPUID), for --precision auto and the benchmarks.
        .target(name: "CPUFeatures", path: "Sources/CShims/CPUFeatures"),
        // --- C: zlib (system libz), for the gzipped Fashion-MNIST IDX files.
        .systemLibrary(name: "CZlib", path: "Sources/CShims/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLinearAlgebra", path: "Sources/CShims/CLinearAlgebra",
                       providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),

        // --- Swift layers.
        .target(name: "Imaging", dependencies: ["VipsShim", "CLibVips"]),
        .target(name: "Embedding", dependencies: ["Imaging", "OpenVINOShim", "COpenVINO", "CPUFeatures"]),
        .target(name: "Catalog", dependencies: [
            "CZlib", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "PostgresCatalog", dependencies: [
            "Catalog", .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        .target(name: "Search", dependencies: [
            "Catalog", "VectorKernels", "CLinearAlgebra", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Benchmark drivers of the search layer (`lookalike bench search|fill`), kept out of the library itself.
        .target(name: "SearchBenchmarks", dependencies: ["Search", "Catalog"]),
        .target(name: "Service", dependencies: [
            "Imaging", "Embedding", "Catalog", "Search", .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        .target(name: "Web", dependencies: [
            "HeapShim",
            "Imaging", "Embedding", "Catalog", "Search", "Service",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "MultipartKit", package: "multipart-kit"),
        ], resources: [.copy("Public")]),
        .executableTarget(name: "LookalikeCLI", dependencies: [
            "Imaging", "Embedding", "Catalog", "PostgresCatalog", "Search", "SearchBenchmarks", "Service", "Web",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Yams", package: "Yams"),
        ]),

        // --- Tests, one target per layer; every test class derives from TestSupport's TimedTestCase (a time limit per test).
        .target(name: "TestSupport", dependencies: [], path: "Tests/TestSupport"),
        // A deterministic stand-in for the model, for tests that are not about the model.
        .target(name: "EmbeddingTesting", dependencies: ["Embedding", "Imaging"], path: "Tests/EmbeddingTesting"),
        .testTarget(name: "ImagingTests", dependencies: ["TestSupport", "Imaging"]),
        .testTarget(name: "EmbeddingTests", dependencies: ["TestSupport", "Embedding", "Imaging"]),
        .testTarget(name: "CatalogTests", dependencies: ["TestSupport", "Catalog", "PostgresCatalog", "CZlib", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "SearchTests", dependencies: ["TestSupport", "Search", "SearchBenchmarks", "Catalog"]),
        .testTarget(name: "ServiceTests", dependencies: [
            "TestSupport", "EmbeddingTesting", "Service", "Catalog", "PostgresCatalog", "Search", "Embedding", "Imaging",
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "LookalikeCLI", "Catalog"]),
        .testTarget(name: "WebTests", dependencies: [
            "TestSupport", "EmbeddingTesting", "Web", "Service", "Catalog", "Embedding", "Imaging", "Search",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
