/// The fcb release version, shown by `fcb --version` and in reports.
package enum FCBVersion {
    package static let current = "0.1.0"
}
