/// Meta's documented limits for interactive messages (docs/compatibility.md#interactive-limits),
/// shared by the executor (fitting options), the renderer (refusing) and the validator (reporting).
package enum WhatsAppLimits {
    package static let maxButtons = 3
    package static let buttonTitle = 20
    package static let buttonId = 256
    package static let body = 1024
    package static let listButton = 20
    package static let maxSections = 10
    package static let maxRows = 10
    package static let sectionTitle = 24
    package static let rowTitle = 24
    package static let rowDescription = 72
    package static let rowId = 200
    package static let headerFooter = 60
    package static let flowCTA = 20
}
