import Foundation

/// UTC renderings of `_prisma_migrations` timestamps, built from calendar fields so they do not
/// depend on the machine's locale or time zone.
enum MigrationTimestamp {
    /// `2025-12-01 10:00:00 UTC`: the text report.
    static func text(_ date: Date) -> String {
        let (fields, _) = split(date)
        return "\(fields) UTC"
    }

    /// `2025-12-01T10:00:00.000Z`: JSON output (ISO 8601, milliseconds).
    static func iso8601(_ date: Date) -> String {
        let (fields, micros) = split(date)
        return fields.replacingOccurrences(of: " ", with: "T") + "." + pad(micros / 1000, 3) + "Z"
    }

    /// What chrono prints for a `DateTime<Utc>` (Prisma's P3009 message): fractional seconds only
    /// when non-zero, in groups of 3 or 6 digits (PostgreSQL keeps microseconds).
    static func chrono(_ date: Date) -> String {
        let (fields, micros) = split(date)
        let fraction: String
        if micros == 0 {
            fraction = ""
        } else if micros % 1000 == 0 {
            fraction = "." + pad(micros / 1000, 3)
        } else {
            fraction = "." + pad(micros, 6)
        }
        return "\(fields)\(fraction) UTC"
    }

    /// `yyyy-MM-dd HH:mm:ss` and the microseconds, rounded to the nearest microsecond.
    private static func split(_ date: Date) -> (String, Int) {
        let totalMicros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        var seconds = Int((totalMicros / 1_000_000).rounded(.down))
        var micros = Int(totalMicros - Double(seconds) * 1_000_000)
        if micros >= 1_000_000 {
            seconds += 1
            micros -= 1_000_000
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        let text =
            "\(pad(c.year ?? 0, 4))-\(pad(c.month ?? 0, 2))-\(pad(c.day ?? 0, 2)) "
            + "\(pad(c.hour ?? 0, 2)):\(pad(c.minute ?? 0, 2)):\(pad(c.second ?? 0, 2))"
        return (text, micros)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
