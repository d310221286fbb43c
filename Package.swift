// swift-tools-version:6.0
import PackageDescription

// Each target names exactly the modules and products its sources import.

let package = Package(
  name: "SignalMiner",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "signal-miner", targets: ["signal-miner"]),
    .library(name: "SignalMinerKit", targets: ["Parquet", "NumeraiData", "Boosting", "Scoring", "NeuralNetwork", "GFlowNet", "Features", "Mining", "Report"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.0.0"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.0.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.0.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
  ],
  targets: [
    // MARK: - Library modules (see DESIGN.md for who depends on whom)
    .target(name: "Parquet"),
    .target(name: "NumeraiData", dependencies: ["Parquet"]),
    .target(name: "Boosting", dependencies: ["NumeraiData"]),
    .target(name: "Scoring", dependencies: ["NumeraiData", .product(name: "RealModule", package: "swift-numerics")]),
    // The AVX2/FMA float matrix product and the AVX2 int8 Gram matrix (C: Swift has no per-function CPU targets),
    // optimised in debug builds too.
    .target(name: "CMatrixKernel", cSettings: [.unsafeFlags(["-O2"])]),
    .target(name: "NeuralNetwork", dependencies: ["CMatrixKernel"]),
    .target(name: "GFlowNet", dependencies: ["NeuralNetwork"]),
    .target(name: "Features", dependencies: ["NumeraiData", "NeuralNetwork", "CMatrixKernel"]),
    .target(
      name: "Mining",
      dependencies: ["NumeraiData", "Boosting", "Scoring", "NeuralNetwork", "GFlowNet", "Features", .product(name: "GRDB", package: "GRDB.swift")]),
    .target(name: "Report", dependencies: ["Scoring", "Mining"]),
    // A study in PostgreSQL, registered by the command line (Mining itself knows only the `StudyStore` protocol).
    .target(
      name: "PostgresStore",
      dependencies: [
        "Mining", "Scoring", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "Logging", package: "swift-log"),
      ]),
    .target(
      name: "Dashboard",
      dependencies: ["Mining", "NumeraiData", "Report", "Scoring", .product(name: "Hummingbird", package: "hummingbird")]),

    // MARK: - Command line
    .executableTarget(
      name: "signal-miner",
      dependencies: [
        "Parquet", "NumeraiData", "Boosting", "Scoring", "NeuralNetwork", "GFlowNet", "Features", "Mining", "Report",
        "PostgresStore", "Dashboard",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Hummingbird", package: "hummingbird"),
      ]),

    // MARK: - Tests
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    // The `StudyStore` contract as checks, run by every store's suite.
    .target(name: "StoreContract", dependencies: ["Mining", "Boosting", "Scoring", "TestSupport"], path: "Tests/StoreContract"),
    .testTarget(name: "ParquetTests", dependencies: ["Parquet", "TestSupport"]),
    .testTarget(name: "NumeraiDataTests", dependencies: ["NumeraiData", "Parquet", "TestSupport"]),
    .testTarget(name: "BoostingTests", dependencies: ["Boosting", "NumeraiData", "TestSupport"]),
    .testTarget(name: "ScoringTests", dependencies: ["Scoring", "NumeraiData", "TestSupport"]),
    .testTarget(name: "GFlowNetTests", dependencies: ["GFlowNet", "NeuralNetwork", "TestSupport"]),
    .testTarget(name: "FeaturesTests", dependencies: ["Features", "CMatrixKernel", "NeuralNetwork", "NumeraiData", "TestSupport"]),
    .testTarget(name: "MiningTests",
      dependencies: [
        "Mining", "Boosting", "NeuralNetwork", "GFlowNet", "Features", "NumeraiData", "Scoring", "TestSupport", "StoreContract",
        .product(name: "GRDB", package: "GRDB.swift"),
      ]),
    .testTarget(name: "PostgresStoreTests", dependencies: ["PostgresStore", "Mining", "StoreContract", "TestSupport"]),
    .testTarget(name: "ReportTests", dependencies: ["Report", "Mining", "Scoring"]),
    .testTarget(
      name: "DashboardTests",
      dependencies: [
        "Dashboard", "Mining", "Boosting", "NumeraiData", "Scoring", "TestSupport",
        .product(name: "HummingbirdTesting", package: "hummingbird"),
      ]),
    // Runs the built executable end to end (exit codes, stderr lines, files written).
    .testTarget(name: "SignalMinerCLITests", dependencies: ["TestSupport"]),
  ]
)
