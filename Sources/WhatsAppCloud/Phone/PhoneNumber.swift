/// A contact's phone number as the Cloud API takes it in `to` and gives it in `from`/`wa_id`:
/// digits only, no `+`, no spaces.
package enum PhoneNumber {
    /// Digits only (`+54 9 11-1234` → `549111234`); nil when nothing remains. Only ASCII `0`–`9`
    /// count: other Unicode digits (full-width `１`, Arabic-Indic `٣`) are dropped like any other
    /// non-digit, as JavaScript's `replace(/\D/g, "")` does in the dashboard.
    package static func normalize(_ raw: String) -> String? {
        var digits = String.UnicodeScalarView()
        for scalar in raw.unicodeScalars where ("0"..."9").contains(scalar) {
            digits.append(scalar)
        }
        return digits.isEmpty ? nil : String(digits)
    }
}
