import Foundation
import Logging

/// swift-log for `fcb serve` (docs/configuration.md#logs-and-metrics): human-readable lines on a
/// terminal, JSON lines otherwise or with `--log-format json`. The CLI calls `bootstrap` once per
/// process; tests build handlers with `makeHandler` instead.
package enum FCBLogging {
    /// `auto` becomes `text` on a terminal and `json` otherwise.
    package static func resolve(_ format: ServeConfiguration.LogFormat, isTerminal: Bool) -> ServeConfiguration.LogFormat {
        format == .auto ? (isTerminal ? .text : .json) : format
    }

    package static func makeHandler(
        label: String, format: ServeConfiguration.LogFormat, level: Logger.Level, isTerminal: Bool,
        metadataProvider: Logger.MetadataProvider? = nil
    ) -> any LogHandler {
        switch resolve(format, isTerminal: isTerminal) {
        case .json:
            return JSONLogHandler(label: label, level: level, metadataProvider: metadataProvider)
        case .text, .auto:
            var handler = StreamLogHandler.standardError(label: label, metadataProvider: metadataProvider)
            handler.logLevel = level
            return handler
        }
    }

    /// Once per process (a second call traps in swift-log): logs go to standard error.
    package static func bootstrap(format: ServeConfiguration.LogFormat, level: Logger.Level) {
        let isTerminal = isatty(STDERR_FILENO) == 1
        LoggingSystem.bootstrap { label in
            makeHandler(label: label, format: format, level: level, isTerminal: isTerminal)
        }
    }
}
