import FlowEngine

/// `migrate-status` on SQLite: fcb embeds the whole schema there (no Prisma history), so the
/// status is its version.
package struct EmbeddedSchemaStatus: Sendable, Equatable {
    package let database: String
    package let version: FCBSchemaVersion

    package init(database: String, version: FCBSchemaVersion) {
        self.database = database
        self.version = version
    }

    package var inSync: Bool { version.current == version.latest }
    package var exitCode: Int32 { inSync ? 0 : 1 }

    package var text: String {
        var lines = ["Database: \(database) (SQLite: fcb's embedded schema, no Prisma migration history)"]
        switch version.current {
        case nil:
            lines.append("Schema: not created (latest version \(version.latest)).")
            lines.append("Run `fcb migrate-deploy` (or start `fcb serve`) to create it.")
        case let current? where current < version.latest:
            lines.append("Schema: version \(current), latest \(version.latest): \(version.latest - current) upgrade(s) pending.")
            lines.append("Run `fcb migrate-deploy` (or start `fcb serve`) to upgrade it.")
        case let current? where current > version.latest:
            lines.append("Schema: version \(current), newer than this fcb knows (\(version.latest)). Use a newer fcb.")
        default:
            lines.append("Schema: version \(version.latest), up to date.")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    package var json: String {
        let document: JSONValue = [
            "tool": "fcb migrate-status",
            "database": ["kind": "sqlite", "url": .string(database), "managed": false],
            "inSync": .bool(inSync),
            "exitCode": .number(Double(exitCode)),
            "fcbSchema": ["current": version.current.map { .number(Double($0)) } ?? .null, "latest": .number(Double(version.latest))],
        ]
        return document.serialized(indent: 2) + "\n"
    }
}

/// What `migrate-deploy` prints when it is done.
package enum DeployReportText {
    package static func render(_ report: DeployReport, database: String) -> String {
        var lines = ["Database: \(database)"]
        if report.createdMigrationsTable { lines.append("Created _prisma_migrations.") }
        for warning in report.warnings { lines.append("warning: \(warning)") }
        for name in report.baselined { lines.append("Baselined \(name) (recorded as applied, not run).") }
        for name in report.applied { lines.append("Applied \(name)") }
        for name in report.skipped { lines.append("Skipped \(name) (applied meanwhile by another deployer).") }
        if !report.fcbSchemaApplied.isEmpty {
            lines.append(
                "fcb schema: applied version\(report.fcbSchemaApplied.count == 1 ? "" : "s") \(report.fcbSchemaApplied.map(String.init).joined(separator: ", "))."
            )
        }
        if report.applied.isEmpty && report.baselined.isEmpty && report.fcbSchemaApplied.isEmpty && !report.createdMigrationsTable {
            lines.append("Nothing to apply: the database is up to date.")
        } else if !report.applied.isEmpty {
            lines.append("\(report.applied.count) migration\(report.applied.count == 1 ? "" : "s") applied.")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
