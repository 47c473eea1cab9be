/// A unified-style diff of two transcripts' `>` / `<` lines, with the line numbers of both files:
///
/// ```
/// --- expected  examples/transcripts/seed-options.transcript
/// +++ actual    (replayed)
/// @@ -14,3 +14,3 @@
///    14    14   > 1
/// -  15         < bot: You chose option 1
/// +        15   < bot: You chose option 2
///    16    16   < 🏁 ended (completed)
/// ```
package enum TranscriptDiff {
    package enum Operation: Sendable, Equatable {
        case same(Transcript.NumberedLine, Transcript.NumberedLine)
        case removed(Transcript.NumberedLine)
        case added(Transcript.NumberedLine)
    }

    /// Above this many cells the middle part is not aligned line by line but shown as replaced.
    static let maxCells = 4_000_000

    /// The edit script turning `expected` into `actual` (longest common subsequence).
    package static func operations(expected: [Transcript.NumberedLine], actual: [Transcript.NumberedLine]) -> [Operation] {
        var prefix = 0
        while prefix < expected.count, prefix < actual.count, expected[prefix].text == actual[prefix].text { prefix += 1 }
        var suffix = 0
        while suffix < expected.count - prefix, suffix < actual.count - prefix,
            expected[expected.count - 1 - suffix].text == actual[actual.count - 1 - suffix].text
        {
            suffix += 1
        }
        var ops: [Operation] = (0..<prefix).map { .same(expected[$0], actual[$0]) }
        let a = Array(expected[prefix..<(expected.count - suffix)])
        let b = Array(actual[prefix..<(actual.count - suffix)])
        if a.count * b.count > maxCells {
            ops += a.map { .removed($0) } + b.map { .added($0) }
        } else {
            // lengths[i][j] = LCS length of a[i...] and b[j...]
            let width = b.count + 1
            var lengths = [Int32](repeating: 0, count: (a.count + 1) * width)
            if !a.isEmpty && !b.isEmpty {
                for i in stride(from: a.count - 1, through: 0, by: -1) {
                    for j in stride(from: b.count - 1, through: 0, by: -1) {
                        lengths[i * width + j] =
                            a[i].text == b[j].text
                            ? lengths[(i + 1) * width + j + 1] + 1 : max(lengths[(i + 1) * width + j], lengths[i * width + j + 1])
                    }
                }
            }
            var i = 0
            var j = 0
            while i < a.count || j < b.count {
                if i < a.count, j < b.count, a[i].text == b[j].text {
                    ops.append(.same(a[i], b[j]))
                    i += 1
                    j += 1
                } else if j < b.count, i == a.count || lengths[i * width + j + 1] > lengths[(i + 1) * width + j] {
                    ops.append(.added(b[j]))
                    j += 1
                } else {
                    ops.append(.removed(a[i]))
                    i += 1
                }
            }
        }
        let tail = suffix
        ops += (0..<tail).map { k in .same(expected[expected.count - tail + k], actual[actual.count - tail + k]) }
        return ops
    }

    /// The readable diff, or an empty string when the lines are equal.
    package static func unified(
        expected: [Transcript.NumberedLine], actual: [Transcript.NumberedLine], expectedName: String, actualName: String, context: Int = 3
    ) -> String {
        let ops = operations(expected: expected, actual: actual)
        let changed = ops.indices.filter { if case .same = ops[$0] { false } else { true } }
        guard !changed.isEmpty else { return "" }
        let width = max(4, String(max(expected.last?.number ?? 0, actual.last?.number ?? 0)).count)
        func pad(_ n: Int?) -> String {
            let text = n.map(String.init) ?? ""
            return String(repeating: " ", count: width - text.count) + text
        }
        var out = ["--- expected  \(expectedName)", "+++ actual    \(actualName)"]
        // Group changes into hunks with `context` unchanged lines around them.
        var hunks: [Range<Int>] = []
        for index in changed {
            let lower = max(0, index - context)
            let upper = min(ops.count, index + context + 1)
            if let last = hunks.last, lower <= last.upperBound {
                hunks[hunks.count - 1] = last.lowerBound..<max(last.upperBound, upper)
            } else {
                hunks.append(lower..<upper)
            }
        }
        for hunk in hunks {
            let slice = ops[hunk]
            var expectedNumbers: [Int] = []
            var actualNumbers: [Int] = []
            for op in slice {
                switch op {
                case .same(let e, let a):
                    expectedNumbers.append(e.number)
                    actualNumbers.append(a.number)
                case .removed(let e): expectedNumbers.append(e.number)
                case .added(let a): actualNumbers.append(a.number)
                }
            }
            let e = expectedNumbers.first.map { "\($0),\(expectedNumbers.count)" } ?? "0,0"
            let a = actualNumbers.first.map { "\($0),\(actualNumbers.count)" } ?? "0,0"
            out.append("@@ -\(e) +\(a) @@")
            for op in slice {
                switch op {
                case .same(let e, let a): out.append(" \(pad(e.number)) \(pad(a.number))   \(e.text)")
                case .removed(let e): out.append("-\(pad(e.number)) \(pad(nil))   \(e.text)")
                case .added(let a): out.append("+\(pad(nil)) \(pad(a.number))   \(a.text)")
                }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }
}
