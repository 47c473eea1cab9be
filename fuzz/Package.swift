// swift-tools-version:6.1
// libFuzzer targets for fcb's parsers of external input (docs/targets.md#bad-input). Built by
// `fuzz/run.sh` with `-sanitize=fuzzer,address` and `-enable-testing` (for `@testable import Core`).
import PackageDescription

let targets = [
    "FuzzWebhook", "FuzzSignature", "FuzzFlow", "FuzzExpression", "FuzzEngineIO", "FuzzSocketIO",
    "FuzzDashboardToken", "FuzzJSON",
]

let package = Package(
    name: "fcb-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "fcb", path: "..")],
    targets: [.target(name: "FuzzSupport")]
        + targets.map { name in
            .executableTarget(name: name, dependencies: ["FuzzSupport", .product(name: "Core", package: "fcb")])
        },
    swiftLanguageModes: [.v6]
)
