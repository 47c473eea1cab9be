/// The fcb release version, shown by `fcb --version` and in reports.
public enum FCBVersion {
    public static let current = "0.1.0"
}
