/// Maps byte offsets of a source document to 1-based line and column numbers. Columns count
/// UTF-16 code units, the unit SARIF and most editors use.
package struct SourceText: Sendable {
    package let bytes: [UInt8]
    private let lineStarts: [Int]

    package init(bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
        self.lineStarts = starts
    }

    package struct Location: Sendable, Hashable, Codable {
        package let line: Int
        package let column: Int
        package init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
    }

    package func location(ofOffset offset: Int) -> Location {
        let clamped = max(0, min(offset, bytes.count))
        // Binary search for the last line start <= offset.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
        }
        let lineStart = lineStarts[low]
        var column = 1
        var i = lineStart
        while i < clamped {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                column += 1
                continue
            }
            let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
            column += length == 4 ? 2 : 1  // astral characters are two UTF-16 units
            i += length
        }
        return Location(line: low + 1, column: column)
    }
}
