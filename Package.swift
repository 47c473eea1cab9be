// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "fcb",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "fcb", targets: ["fcb"]),
        .library(name: "Core", targets: ["Core"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    ],
    targets: [
        .target(
            name: "Core",
            dependencies: [
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        .executableTarget(
            name: "fcb",
            dependencies: [
                "Core",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "fcb-bench", dependencies: ["Core"], path: "Sources/fcb-bench"),
        .testTarget(name: "CoreTests", dependencies: ["Core"], exclude: ["Expression/Fixtures"]),
        .testTarget(name: "fcbTests", dependencies: ["fcb", "Core"]),
    ],
    swiftLanguageModes: [.v6]
)
