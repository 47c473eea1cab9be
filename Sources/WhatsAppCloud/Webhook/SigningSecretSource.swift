/// Where a signing secret can come from. `replay-webhook` tries its sources in order and
/// uses the first that has a secret: `--secret`, then (later) the tenant's `metaAppSecret`
/// from the database, then `META_APP_SECRET`. A database lookup plugs in as one more source.
package protocol SigningSecretSource: Sendable {
    /// How the source is named in messages (`--secret`, `META_APP_SECRET`, `tenant 106540352242922`).
    var label: String { get }
    /// The secret, or nil when this source has none.
    func secret() async throws -> String?
}

/// A secret given on the command line.
package struct LiteralSecret: SigningSecretSource {
    package let label: String
    private let value: String?

    package init(_ value: String?, label: String = "--secret") {
        self.value = value
        self.label = label
    }

    package func secret() async throws -> String? { value }
}

/// A secret from an environment variable. The environment is passed in: Core never reads it.
package struct EnvironmentSecret: SigningSecretSource {
    package let label: String
    private let value: String?

    package init(name: String = "META_APP_SECRET", environment: [String: String]) {
        label = name
        value = environment[name]
    }

    package func secret() async throws -> String? { value }
}

package enum SigningSecret {
    package struct Resolved: Sendable, Equatable {
        package let secret: String
        /// The label of the source it came from.
        package let source: String
    }

    package struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        package let description: String

        package init(description: String) { self.description = description }
    }

    /// The first source with a secret. An empty secret is refused (fcb never accepts a
    /// signature made with one); no secret at all names every source that was tried.
    package static func resolve(_ sources: [any SigningSecretSource]) async throws -> Resolved {
        for source in sources {
            guard let secret = try await source.secret() else { continue }
            if secret.isEmpty {
                throw Problem(description: "the secret from \(source.label) is empty; fcb never accepts signatures made with an empty secret")
            }
            return Resolved(secret: secret, source: source.label)
        }
        let tried = sources.map(\.label).joined(separator: " or ")
        throw Problem(description: "no signing secret: give \(tried.isEmpty ? "--secret" : tried)")
    }
}
