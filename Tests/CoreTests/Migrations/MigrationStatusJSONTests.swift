import Testing

@testable import FCBStore

@Suite("migrate-status --json")
struct MigrationStatusJSONTests {
    func render(_ status: MigrationStatus) -> String {
        MigrationStatusJSON.render(status, migrationsPath: "prisma/migrations", version: "0.1.0")
    }

    @Test func divergedHistoryInFull() {
        #expect(
            render(MigrationScenario.diverged) == """
                {
                  "tool": "fcb migrate-status",
                  "version": "0.1.0",
                  "migrationsDirectory": "prisma/migrations",
                  "inSync": false,
                  "exitCode": 1,
                  "database": {
                    "managed": true,
                    "records": 6,
                    "existingTables": null
                  },
                  "summary": {
                    "local": 6,
                    "applied": 5,
                    "pending": 1,
                    "failed": 0,
                    "rolledBack": 0,
                    "editedAfterApply": 0,
                    "missingLocally": 1
                  },
                  "history": {
                    "state": "historiesDiverge",
                    "lastCommonMigration": "20250917000000_add_meta_phone_pin",
                    "unapplied": [
                      "20251201000000_complete_shared_schema"
                    ],
                    "notFoundLocally": [
                      "20251115000000_dashboard_adds_y"
                    ]
                  },
                  "migrations": [
                    {
                      "name": "20250822040913_add_channel_to_flow",
                      "state": "applied",
                      "local": true,
                      "localChecksum": "779103ae3e8225b3b4fd4f51f75f3eb719a1a8e5c0b278cf06f5d260795ecfc5",
                      "recordedChecksum": "779103ae3e8225b3b4fd4f51f75f3eb719a1a8e5c0b278cf06f5d260795ecfc5",
                      "startedAt": "2025-12-01T10:00:00.000Z",
                      "finishedAt": "2025-12-01T10:00:01.000Z",
                      "rolledBackAttempts": 0,
                      "baseline": false,
                      "logs": null
                    },
                    {
                      "name": "20250822041259_add_meta_settings_to_user",
                      "state": "applied",
                      "local": true,
                      "localChecksum": "8f9d2e2c9cb04b5ede9270706c3c0d67419dbcd2dffb5eaa31e7b300c763861b",
                      "recordedChecksum": "8f9d2e2c9cb04b5ede9270706c3c0d67419dbcd2dffb5eaa31e7b300c763861b",
                      "startedAt": "2025-12-01T10:01:00.000Z",
                      "finishedAt": "2025-12-01T10:01:01.000Z",
                      "rolledBackAttempts": 0,
                      "baseline": false,
                      "logs": null
                    },
                    {
                      "name": "20250905043046_add_session_model",
                      "state": "applied",
                      "local": true,
                      "localChecksum": "5a13e0442e239204171a1434436a909259bab3f922d0ef58ec1773bc0dd34250",
                      "recordedChecksum": "5a13e0442e239204171a1434436a909259bab3f922d0ef58ec1773bc0dd34250",
                      "startedAt": "2025-12-01T10:02:00.000Z",
                      "finishedAt": "2025-12-01T10:02:01.000Z",
                      "rolledBackAttempts": 0,
                      "baseline": false,
                      "logs": null
                    },
                    {
                      "name": "20250915000000_drop_flow_phone_number",
                      "state": "applied",
                      "local": true,
                      "localChecksum": "71c9d6045db43e0772c78dd8c942634de5e862ce3fbbd37be6a99ee6fa9685b2",
                      "recordedChecksum": "71c9d6045db43e0772c78dd8c942634de5e862ce3fbbd37be6a99ee6fa9685b2",
                      "startedAt": "2025-12-01T10:03:00.000Z",
                      "finishedAt": "2025-12-01T10:03:01.000Z",
                      "rolledBackAttempts": 0,
                      "baseline": false,
                      "logs": null
                    },
                    {
                      "name": "20250917000000_add_meta_phone_pin",
                      "state": "applied",
                      "local": true,
                      "localChecksum": "730c48e505e1fdbeba20f9131ce21341b6309f86e67cbce802262af4bd2e9978",
                      "recordedChecksum": "730c48e505e1fdbeba20f9131ce21341b6309f86e67cbce802262af4bd2e9978",
                      "startedAt": "2025-12-01T10:04:00.000Z",
                      "finishedAt": "2025-12-01T10:04:01.000Z",
                      "rolledBackAttempts": 0,
                      "baseline": false,
                      "logs": null
                    },
                    {
                      "name": "20251115000000_dashboard_adds_y",
                      "state": "missingLocally",
                      "local": false,
                      "localChecksum": null,
                      "recordedChecksum": "66ca9253a80fafbd46a9ff6c2c6ff3b1fb74b5c9c4da952f2bf852c6be093b60",
                      "startedAt": "2025-12-01T10:08:00.000Z",
                      "finishedAt": "2025-12-01T10:08:01.000Z",
                      "rolledBackAttempts": 0,
                      "baseline": false,
                      "logs": null
                    },
                    {
                      "name": "20251201000000_complete_shared_schema",
                      "state": "pending",
                      "local": true,
                      "localChecksum": "b7857018738e119a7b6b9f8932ef16497b7b635f2c15de0ae2836eec1882b35b",
                      "recordedChecksum": null,
                      "startedAt": null,
                      "finishedAt": null,
                      "rolledBackAttempts": 0,
                      "baseline": false,
                      "logs": null
                    }
                  ],
                  "fcbSchema": null,
                  "nextSteps": [
                    "updateMigrations"
                  ],
                  "baselineMigration": null
                }

                """)
    }

    @Test func failedMigrationWithFcbSchemaCompact() {
        typealias F = MigrationFixture
        let status = MigrationStatus.compute(
            local: [F.first, F.second], database: .managed([F.applied(F.first, minute: 0), F.failed(F.second, minute: 1, logs: "oops")]),
            fcbSchema: FCBSchemaVersion(current: 1, latest: 2))
        let json = MigrationStatusJSON.value(status, migrationsPath: "m", version: "9.9.9")
        #expect(
            json.serialized()
                == #"{"tool":"fcb migrate-status","version":"9.9.9","migrationsDirectory":"m","inSync":false,"exitCode":1,"#
                + #""database":{"managed":true,"records":2,"existingTables":null},"#
                + #""summary":{"local":2,"applied":1,"pending":0,"failed":1,"rolledBack":0,"editedAfterApply":0,"missingLocally":0},"#
                + #""history":{"state":"inSync","lastCommonMigration":null,"unapplied":[],"notFoundLocally":[]},"#
                + #""migrations":[{"name":"20250101000000_init","state":"applied","local":true,"#
                + #""localChecksum":"\#(F.first.checksum.hex)","recordedChecksum":"\#(F.first.checksum.hex)","#
                + #""startedAt":"2025-12-01T10:00:00.000Z","finishedAt":"2025-12-01T10:00:01.000Z","rolledBackAttempts":0,"baseline":false,"logs":null},"#
                + #"{"name":"20250201000000_add_b","state":"failed","local":true,"#
                + #""localChecksum":"\#(F.second.checksum.hex)","recordedChecksum":"\#(F.second.checksum.hex)","#
                + #""startedAt":"2025-12-01T10:01:00.000Z","finishedAt":null,"rolledBackAttempts":0,"baseline":false,"logs":"oops"}],"#
                + #""fcbSchema":{"current":1,"latest":2},"nextSteps":["resolveFailed","deploy"],"baselineMigration":null}"#)
    }

    @Test func unmanagedDatabaseWithTablesSuggestsTheBaseline() {
        let json = MigrationStatusJSON.value(MigrationScenario.dbPush, migrationsPath: "prisma/migrations", version: "0.1.0")
        #expect(json["database"] == ["managed": false, "records": nil, "existingTables": .array(MigrationScenario.dbPushTables.map { .string($0) })])
        #expect(json["history"]?["state"] == "databaseIsBehind")
        #expect(json["nextSteps"] == ["baseline"])
        #expect(json["baselineMigration"] == "20250917000000_add_meta_phone_pin")
        #expect(json["inSync"] == false)
    }

    @Test func nextStepCodes() {
        func steps(_ status: MigrationStatus) -> [String] { MigrationStatusJSON.nextSteps(status) }
        #expect(steps(MigrationScenario.inSync) == [])
        #expect(steps(MigrationScenario.pending) == ["deploy"])
        #expect(steps(MigrationScenario.empty) == ["deploy"])
        #expect(steps(MigrationScenario.edited) == ["restoreEdited"])
        #expect(steps(MigrationScenario.missingLocally) == ["updateMigrations"])
        #expect(steps(MigrationScenario.rolledBackOnly) == ["deploy"])
        var newer = MigrationScenario.inSync
        newer.fcbSchema = FCBSchemaVersion(current: 5, latest: 1)
        #expect(steps(newer) == ["upgradeFcb"])
    }
}
