/// The migrations fcb ships in `prisma/migrations`: the dashboard's five, copied byte for byte,
/// then fcb's own migration that completes the shared schema (docs/migrations.md).
package enum SharedMigrations {
    /// The dashboard's committed migrations, oldest first.
    package static let dashboard = [
        "20250822040913_add_channel_to_flow",
        "20250822041259_add_meta_settings_to_user",
        "20250905043046_add_session_model",
        "20250915000000_drop_flow_phone_number",
        "20250917000000_add_meta_phone_pin",
    ]

    /// fcb's migration creating everything the dashboard's migrations lack; idempotent, so it
    /// also runs cleanly on a database that `prisma db push` already brought up to date.
    package static let completeSharedSchema = "20251201000000_complete_shared_schema"

    /// The migration to baseline an unmanaged, non-empty database with: the newest dashboard
    /// migration present locally, so fcb's idempotent migration still runs and repairs whatever
    /// `db push` left out; otherwise the first local migration (what Prisma suggests).
    package static func suggestedBaseline(localNames: [String]) -> String? {
        let names = Set(localNames)
        return dashboard.last(where: names.contains) ?? localNames.first
    }
}
