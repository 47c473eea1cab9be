// swift-tools-version:6.1
// libFuzzer targets for fcb's parsers of external input (docs/targets.md#bad-input). Built by
// `fuzz/run.sh` with `-sanitize=fuzzer,address` and `-enable-testing` (for `@testable import`
// of fcb's layers, docs/architecture.md).
import PackageDescription

/// Each fuzz target and the fcb layers (library products) it links.
let targets: [(name: String, layers: [String])] = [
    ("FuzzWebhook", ["WhatsAppCloud", "FCBStore", "FCBPipeline"]),
    ("FuzzSignature", ["WhatsAppCloud"]),
    ("FuzzFlow", ["FlowEngine"]),
    ("FuzzExpression", ["FlowEngine"]),
    ("FuzzEngineIO", ["FCBRealtime"]),
    ("FuzzSocketIO", ["FCBRealtime"]),
    ("FuzzDashboardToken", ["FCBRealtime"]),
    ("FuzzJSON", ["FlowEngine"]),
]

let package = Package(
    name: "fcb-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "fcb", path: "..")],
    targets: [.target(name: "FuzzSupport")]
        + targets.map { target in
            .executableTarget(
                name: target.name,
                dependencies: ["FuzzSupport"] + target.layers.map { .product(name: $0, package: "fcb") })
        },
    swiftLanguageModes: [.v6]
)
