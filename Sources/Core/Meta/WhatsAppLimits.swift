/// Meta's documented limits for interactive messages (peers-and-limits "Interactive limits"),
/// shared by the executor (fitting options), the renderer (refusing) and the validator (reporting).
public enum WhatsAppLimits {
    public static let maxButtons = 3
    public static let buttonTitle = 20
    public static let buttonId = 256
    public static let body = 1024
    public static let listButton = 20
    public static let maxSections = 10
    public static let maxRows = 10
    public static let sectionTitle = 24
    public static let rowTitle = 24
    public static let rowDescription = 72
    public static let rowId = 200
    public static let headerFooter = 60
    public static let flowCTA = 20
}
