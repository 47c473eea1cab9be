import Logging
import Testing

@testable import FCBServe

@Suite("fcb serve: Hummingbird's log lines")
struct FrameworkLogFilterTests {
    @Test func aConnectionClosedBeforeItsUpgradeIsNotAnErrorLine() {
        for (level, expected) in [(Logger.Level.info, [String]()), (.debug, ["debug Error handling upgrade result"])] {
            let logs = LogCapture()
            var logger = logs.logger(level: level)
            logger.handler = FrameworkLogFilter(inner: logger.handler)
            logger.error("Error handling upgrade result", metadata: ["error.type": "Inappropriate operation for state"])
            logger.error("Error handling upgrade result", metadata: ["error.type": "Connection reset by peer"])
            logger.error("Waiting on child channel: EMFILE")
            #expect(
                logs.all.map { "\($0.level) \($0.message)" }
                    == expected + ["error Error handling upgrade result", "error Waiting on child channel: EMFILE"])
        }
    }
}
