import Foundation

/// ISO-8601 with milliseconds in UTC, as JavaScript's `Date.toISOString()` writes it.
package enum ISOTimestamp {
    /// JavaScript's Date range: ±8.64e15 ms (±100,000,000 days) around the epoch.
    package static let maxSeconds: Double = 8.64e12

    /// Dates outside JavaScript's range are clamped to it (never a trap on external data).
    package static func string(_ date: Date) -> String {
        let raw = date.timeIntervalSince1970
        let clamped = raw.isFinite ? min(max(raw, -maxSeconds), maxSeconds) : 0
        let millis = Int64((clamped * 1000 + 0.000_5).rounded(.down))  // tolerate float error below 1 µs
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let ms = Int(millis - seconds * 1000)
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let year = Int32(parts.tm_year) + 1900
        let yearText = year >= 0 && year <= 9999 ? pad(year, 4) : (year < 0 ? "-" + pad(-year, 6) : "+" + pad(year, 6))
        return
            "\(yearText)-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(ms), 3))Z"
    }
}

extension ISOTimestamp {
    /// Reads what ``string(_:)`` writes — `YYYY-MM-DDTHH:MM:SS.mmmZ`, with 0–9 fraction digits —
    /// plus PostgreSQL's text form (`YYYY-MM-DD HH:MM:SS[.fff]`, taken as UTC). `nil` otherwise.
    package static func date(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 19, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x20, b[13] == 0x3A, b[16] == 0x3A
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                let digit = Int(b[i]) - 0x30
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < b.count, b[index] == 0x2E {
            index += 1
            var scale = 0.1
            let start = index
            while index < b.count, (0x30...0x39).contains(b[index]) {
                fraction += Double(b[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        if index < b.count, b[index] == 0x5A { index += 1 }
        guard index == b.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Double(days * 86_400 + hour * 3_600 + minute * 60 + second)
        // Round to whole milliseconds so a value read back equals the one written.
        return Date(timeIntervalSince1970: ((seconds + fraction) * 1000).rounded() / 1000)
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
