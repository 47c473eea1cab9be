import Testing

@testable import FlowEngine

@Suite("JSON parser with positions")
struct JSONParserTests {
    func parse(_ text: String) throws -> JSONNode { try JSONParser().parse(text) }

    func syntaxError(_ bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) -> (message: String, line: Int, column: Int)? {
        do {
            _ = try JSONParser(maxDepth: maxDepth).parse(bytes)
            return nil
        } catch {
            let location = SourceText(bytes: bytes).location(ofOffset: error.offset)
            return (error.message, location.line, location.column)
        }
    }

    func syntaxError(_ text: String) -> (message: String, line: Int, column: Int)? { syntaxError(Array(text.utf8)) }

    @Test func parsesEveryValueKind() throws {
        let value = try JSONValue(parsing: #"{"a":[1,-2.5e3,true,false,null,"x\n\u00e4\ud83d\ude00"],"b":{}}"#)
        #expect(value == ["a": [1, -2500, true, false, nil, "x\nä😀"], "b": [:]])
    }

    @Test func keepsKeyOrderAndLastDuplicateWins() throws {
        let value = try JSONValue(parsing: #"{"z":1,"a":2,"z":3}"#)
        #expect(value.serialized() == #"{"z":3,"a":2}"#)
        let node = try parse(#"{"z":1,"a":2,"z":3}"#)
        #expect(node.members?.count == 3)
        #expect(node["z"]?.number == 3)
    }

    @Test func recordsOffsetsOfValuesAndKeys() throws {
        let text = "{\n  \"nodes\": [\n    {\"id\": \"n1\"}\n  ]\n}"
        let node = try parse(text)
        let source = SourceText(bytes: Array(text.utf8))
        let id = try #require(node.resolve(JSONPointer(["nodes", "0", "id"])))
        #expect(source.location(ofOffset: id.offset) == .init(line: 3, column: 12))
        let nodes = try #require(node.resolve(JSONPointer(["nodes"])))
        #expect(source.location(ofOffset: nodes.offset) == .init(line: 2, column: 12))
        #expect(node.members?.first?.keyOffset == 4)
    }

    @Test func columnsCountUTF16Units() throws {
        let text = "{\"é😀\": 1, \"k\": 2}"
        let node = try parse(text)
        let k = try #require(node["k"])
        // { " é 😀(2 units) " : space 1 , space " k " : space → the 2 is at UTF-16 column 17
        #expect(SourceText(bytes: Array(text.utf8)).location(ofOffset: k.offset).column == 17)
    }

    @Test(arguments: [
        ("", "empty input: expected a JSON value", 1, 1),
        ("   ", "empty input: expected a JSON value", 1, 4),
        ("{", "unexpected end of input: expected a string key in double quotes", 1, 2),
        ("[1,]", "unexpected ']': expected a value", 1, 4),
        ("{\"a\" 1}", "unexpected '1': expected ':' after object key", 1, 6),
        ("{'a': 1}", "unexpected \"'\": expected a string key in double quotes", 1, 2),
        ("[1 2]", "unexpected '2': expected ',' or ']' in array", 1, 4),
        ("{\"a\":1,}", "unexpected '}': expected a string key in double quotes", 1, 8),
        ("[01]", "leading zeros are not allowed in numbers", 1, 3),
        ("[1.]", "unexpected ']': expected a digit after '.'", 1, 4),
        ("[-]", "unexpected ']': expected a digit", 1, 3),
        ("[1e]", "unexpected ']': expected a digit in the exponent", 1, 4),
        ("[tru]", "unexpected 't': expected a value", 1, 2),
        ("[NaN]", "unexpected 'N': expected a value", 1, 2),
        ("\"abc", "unterminated string", 1, 1),
        ("\"a\tb\"", "control character U+0009 must be escaped in a string", 1, 3),
        ("\"\\x41\"", "invalid escape sequence '\\x' in string", 1, 2),
        ("\"\\u12G4\"", "invalid \\u escape: expected four hex digits", 1, 6),
        ("{}\n{}", "unexpected '{': expected end of input after the JSON value", 2, 1),
        ("[\n1,\n  x]", "unexpected 'x': expected a value", 3, 3),
    ])
    func rejectsInvalidJSONWithPosition(input: String, message: String, line: Int, column: Int) {
        let error = syntaxError(input)
        #expect(error?.message == message)
        #expect(error?.line == line)
        #expect(error?.column == column)
    }

    @Test func rejectsDeepNestingWithoutOverflow() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let error = syntaxError(deep)
        #expect(error?.message == "nesting deeper than 512 levels")
        #expect(error?.column == 513)
        let objects = String(repeating: "{\"a\":", count: 100_000)
        #expect(syntaxError(objects)?.message == "nesting deeper than 512 levels")
    }

    @Test func acceptsNestingUpToTheLimit() throws {
        let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(syntaxError(ok) == nil)
        #expect(syntaxError(Array(ok.utf8), maxDepth: 511)?.message == "nesting deeper than 511 levels")
    }

    @Test func rejectsInvalidUTF8() {
        let bytes: [UInt8] = Array("{\"a\": \"".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
        let error = syntaxError(bytes)
        #expect(error?.message == "input is not valid UTF-8: byte 0x28 at offset 8 cannot start or continue a character")
        #expect(error?.line == 1 && error?.column == 9)
        #expect(syntaxError([0xFF, 0xFE, 0x7B, 0x00])?.message == "input is UTF-16 (byte-order mark found); save it as UTF-8")
        #expect(syntaxError([0xED, 0xA0, 0x80])?.message.hasPrefix("input is not valid UTF-8") == true)  // encoded surrogate
        #expect(syntaxError([0xC0, 0xAF])?.message.hasPrefix("input is not valid UTF-8") == true)  // overlong
        #expect(syntaxError([0x22, 0xE2, 0x82])?.message.hasPrefix("input is not valid UTF-8") == true)  // truncated
    }

    @Test func skipsUTF8ByteOrderMark() throws {
        let value = try JSONValue(parsing: [0xEF, 0xBB, 0xBF] + Array("[1]".utf8))
        #expect(value == [1])
    }

    @Test func loneSurrogateEscapesBecomeReplacementCharacters() throws {
        #expect(try JSONValue(parsing: #""\ud800x""#) == "\u{FFFD}x")
        #expect(try JSONValue(parsing: #""\udc00""#) == "\u{FFFD}")
    }

    @Test func numbersFollowJavaScript() throws {
        #expect(try JSONValue(parsing: "1e400") == .number(.infinity))
        #expect(try JSONValue(parsing: "-0") == .number(-0.0))
        #expect(try JSONValue(parsing: "12345678901234567890") == .number(12_345_678_901_234_567_168))
    }
}

@Suite("JSON output as JavaScript writes it")
struct JSONSerializationTests {
    @Test(arguments: [
        (1.0, "1"), (-1.5, "-1.5"), (0.1 + 0.2, "0.30000000000000004"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
        (123456789012345680000.0, "123456789012345680000"), (0.000001, "0.000001"), (1e-7, "1e-7"), (-0.0, "0"),
        (Double.nan, "NaN"), (Double.infinity, "Infinity"), (-Double.infinity, "-Infinity"), (1.5e-10, "1.5e-10"),
        (2.5e+25, "2.5e+25"), (100.0, "100"), (0.5, "0.5"), (123.456, "123.456"), (Double.leastNonzeroMagnitude, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
    ])
    func numberToString(value: Double, expected: String) {
        #expect(jsNumberString(value) == expected)
    }

    @Test func stringifyMatchesJSONStringify() throws {
        let value: JSONValue = ["b": "q\"\\/\u{08}\u{0C}\n\r\t\u{01}\u{1F}ä\u{2028}😀", "a": [1.5, nil, true, .number(.nan)], "c": [:], "d": []]
        #expect(value.serialized() == #"{"b":"q\"\\/\b\f\n\r\t\u0001\u001fä"# + "\u{2028}" + #"😀","a":[1.5,null,true,null],"c":{},"d":[]}"#)
        #expect(JSONValue(["a": [1, [:]]]).serialized(indent: 2) == "{\n  \"a\": [\n    1,\n    {}\n  ]\n}")
    }

    @Test func roundTripsThroughTheParser() throws {
        let text = #"{"nodes":[{"id":"n1","data":{"text":"Hola {{name}} ñ 😀","n":-12.5e-3}}],"edges":[]}"#
        let value = try JSONValue(parsing: text)
        #expect(value.serialized() == #"{"nodes":[{"id":"n1","data":{"text":"Hola {{name}} ñ 😀","n":-0.0125}}],"edges":[]}"#)
        #expect(try JSONValue(parsing: value.serialized()) == value)
    }
}

extension JSONValue {
    fileprivate init(_ value: JSONValue) { self = value }
}
