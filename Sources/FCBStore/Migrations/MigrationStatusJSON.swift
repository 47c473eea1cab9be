import FlowEngine

/// `fcb migrate-status --json`: the status as one JSON object with stable keys (documented in
/// docs/migrations.md). Timestamps are ISO 8601 UTC with milliseconds; absent values are null.
package enum MigrationStatusJSON {
    package static func render(_ status: MigrationStatus, migrationsPath: String, version: String) -> String {
        value(status, migrationsPath: migrationsPath, version: version).serialized(indent: 2) + "\n"
    }

    package static func value(_ status: MigrationStatus, migrationsPath: String, version: String) -> JSONValue {
        var document: JSONObject = [
            "tool": "fcb migrate-status",
            "version": .string(version),
            "migrationsDirectory": .string(migrationsPath),
            "inSync": .bool(status.inSync),
            "exitCode": .number(Double(status.exitCode)),
        ]
        document["database"] = database(status.management)
        var summary: JSONObject = ["local": number(status.localCount)]
        for state in MigrationState.allCases { summary[state.rawValue] = number(status.count(state)) }
        document["summary"] = .object(summary)
        document["history"] = history(status.history)
        document["migrations"] = .array(status.migrations.map(entry))
        document["fcbSchema"] = status.fcbSchema.map { ["current": $0.current.map(number) ?? .null, "latest": number($0.latest)] } ?? .null
        let steps = nextSteps(status)
        document["nextSteps"] = .array(steps.map { .string($0) })
        let baseline: String? =
            steps.contains("baseline") ? SharedMigrations.suggestedBaseline(localNames: status.migrations.filter(\.isLocal).map(\.name)) : nil
        document["baselineMigration"] = baseline.map(JSONValue.string) ?? .null
        return .object(document)
    }

    static func database(_ management: MigrationStatus.Management) -> JSONValue {
        switch management {
        case .managed(let records):
            ["managed": true, "records": number(records), "existingTables": .null]
        case .unmanaged(let tables):
            ["managed": false, "records": .null, "existingTables": .array(tables.map { .string($0) })]
        }
    }

    static func history(_ history: MigrationHistory) -> JSONValue {
        let (state, lastCommon, unapplied, missing): (String, String?, [String], [String]) =
            switch history {
            case .inSync: ("inSync", nil, [], [])
            case .databaseIsBehind(let unapplied): ("databaseIsBehind", nil, unapplied, [])
            case .migrationsDirectoryIsBehind(let missing): ("migrationsDirectoryIsBehind", nil, [], missing)
            case .diverged(let lastCommon, let unapplied, let missing): ("historiesDiverge", lastCommon, unapplied, missing)
            }
        return [
            "state": .string(state),
            "lastCommonMigration": lastCommon.map(JSONValue.string) ?? .null,
            "unapplied": .array(unapplied.map { .string($0) }),
            "notFoundLocally": .array(missing.map { .string($0) }),
        ]
    }

    static func entry(_ entry: MigrationStatusEntry) -> JSONValue {
        [
            "name": .string(entry.name),
            "state": .string(entry.state.rawValue),
            "local": .bool(entry.isLocal),
            "localChecksum": entry.localChecksum.map(JSONValue.string) ?? .null,
            "recordedChecksum": entry.recordedChecksum.map(JSONValue.string) ?? .null,
            "startedAt": entry.startedAt.map { .string(MigrationTimestamp.iso8601($0)) } ?? .null,
            "finishedAt": entry.finishedAt.map { .string(MigrationTimestamp.iso8601($0)) } ?? .null,
            "rolledBackAttempts": number(entry.rolledBackAttempts),
            "baseline": .bool(entry.isBaseline),
            "logs": entry.logs.map(JSONValue.string) ?? .null,
        ]
    }

    /// Action codes, most urgent first: resolveFailed, restoreEdited, baseline, updateMigrations,
    /// deploy, upgradeFcb.
    static func nextSteps(_ status: MigrationStatus) -> [String] {
        var steps: [String] = []
        if !status.failed.isEmpty { steps.append("resolveFailed") }
        if !status.edited.isEmpty { steps.append("restoreEdited") }
        var deploy = false
        switch status.management {
        case .unmanaged(let tables):
            if !tables.isEmpty, status.localCount > 0 { steps.append("baseline") } else { deploy = status.localCount > 0 }
        case .managed:
            switch status.history {
            case .inSync: break
            case .databaseIsBehind: deploy = true
            case .migrationsDirectoryIsBehind, .diverged: steps.append("updateMigrations")
            }
        }
        if let fcb = status.fcbSchema {
            if let current = fcb.current, current > fcb.latest {
                steps.append("upgradeFcb")
            } else if !fcb.isCurrent {
                deploy = true
            }
        }
        if deploy { steps.append("deploy") }
        return steps
    }

    private static func number(_ value: Int) -> JSONValue { .number(Double(value)) }
}
