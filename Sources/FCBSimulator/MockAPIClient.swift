import FlowEngine
import Foundation

/// Answers `api` nodes from fixtures instead of the network (`fcb simulate --mock-api FILE`).
///
/// The file is a JSON array of fixtures, tried in order; the first that matches wins:
/// ```json
/// [
///   { "method": "GET", "url": "https://api.example.com/orders/1*", "status": 200, "body": {"status": "shipped"} },
///   { "urlRegex": "^https://api\\.example\\.com/orders/9\\d+$", "status": 404, "body": "not found" },
///   { "url": "https://api.example.com/slow", "error": "timeout" }
/// ]
/// ```
/// - `method` (optional, any case): matches every method when absent.
/// - `url`: the whole interpolated URL, where `*` stands for any run of characters; or
///   `urlRegex`: a regular expression searched in the URL (anchor it with `^…$`).
/// - `status` (default 200) and `body`: any JSON value; a string body is parsed as JSON when it
///   is JSON (as the live client does with response text), else kept as text.
/// - `error` instead of a response: `"timeout"`, or any other text for a network error.
///
/// Nothing matches: the call fails like a network error (`no mock for GET url`), so the flow
/// stores `{error: "API call failed"}` exactly as it would live.
package struct MockAPIClient: APIClient {
    package struct Fixture: Sendable {
        package enum URLPattern: Sendable {
            case glob(String)
            case regex(String)
        }
        package enum Answer: Sendable, Equatable {
            case response(APIResponse)
            case failure(APIClientError)
        }
        package var method: String?
        package var url: URLPattern
        package var answer: Answer

        package init(method: String? = nil, url: URLPattern, answer: Answer) {
            self.method = method
            self.url = url
            self.answer = answer
        }

        func matches(_ request: APIRequest) -> Bool {
            if let method, method.uppercased() != request.method.uppercased() { return false }
            switch url {
            case .glob(let pattern): return MockAPIClient.glob(pattern, matches: request.url)
            case .regex(let pattern):
                guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
                let range = NSRange(request.url.startIndex..<request.url.endIndex, in: request.url)
                return regex.firstMatch(in: request.url, range: range) != nil
            }
        }
    }

    package let fixtures: [Fixture]

    package init(fixtures: [Fixture]) {
        self.fixtures = fixtures
    }

    package func perform(_ request: APIRequest) async throws(APIClientError) -> APIResponse {
        guard let fixture = fixtures.first(where: { $0.matches(request) }) else {
            throw .network("no mock for \(request.method) \(request.url)")
        }
        switch fixture.answer {
        case .response(let response): return response
        case .failure(let error): throw error
        }
    }

    /// Reads a fixtures file; every problem names the file and the fixture.
    package static func load(path: String) throws(SimulatorError) -> MockAPIClient {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SimulatorError("--mock-api \(path): cannot read file (missing, unreadable or a directory)")
        }
        return try parse(bytes: [UInt8](data), source: path)
    }

    package static func parse(bytes: [UInt8], source: String) throws(SimulatorError) -> MockAPIClient {
        let root: JSONValue
        do {
            root = try JSONValue(parsing: bytes)
        } catch {
            let location = SourceText(bytes: bytes).location(ofOffset: error.offset)
            throw SimulatorError("--mock-api \(source):\(location.line):\(location.column): not valid JSON: \(error.message)")
        }
        guard case .array(let items) = root else {
            throw SimulatorError(
                "--mock-api \(source): expected a JSON array of fixtures like [{\"url\": \"https://api.example.com/*\", \"status\": 200, \"body\": {}}]")
        }
        var fixtures: [Fixture] = []
        for (index, item) in items.enumerated() {
            func fail(_ message: String) -> SimulatorError {
                SimulatorError("--mock-api \(source): fixture \(index + 1) (/\(index)): \(message)")
            }
            guard case .object(let object) = item else { throw fail("expected an object, got \(item.typeName)") }
            let known: Set<String> = ["method", "url", "urlRegex", "status", "body", "error", "comment"]
            if let unknown = object.keys.first(where: { !known.contains($0) }) {
                throw fail("unknown key \"\(unknown)\" (allowed: method, url, urlRegex, status, body, error, comment)")
            }
            var method: String?
            if let value = object["method"] {
                guard let text = value.stringValue, !text.trimmingJSWhitespace().isEmpty else { throw fail("\"method\" must be a non-empty string") }
                method = text.trimmingJSWhitespace()
            }
            let pattern: Fixture.URLPattern
            switch (object["url"], object["urlRegex"]) {
            case (.string(let url)?, nil):
                pattern = .glob(url)
            case (nil, .string(let regex)?):
                do {
                    _ = try NSRegularExpression(pattern: regex)
                } catch {
                    throw fail("\"urlRegex\" is not a valid regular expression: \(regex)")
                }
                pattern = .regex(regex)
            case (nil, nil):
                throw fail("needs \"url\" (with * wildcards) or \"urlRegex\"")
            case (.some, .some):
                throw fail("give either \"url\" or \"urlRegex\", not both")
            default:
                throw fail("\"url\" and \"urlRegex\" must be strings")
            }
            let answer: Fixture.Answer
            if let error = object["error"] {
                guard let text = error.stringValue, !text.isEmpty else { throw fail("\"error\" must be \"timeout\" or a message") }
                if object["status"] != nil || object["body"] != nil { throw fail("\"error\" cannot be combined with \"status\" or \"body\"") }
                answer = .failure(text == "timeout" ? .timeout : .network(text))
            } else {
                var status = 200
                if let value = object["status"] {
                    guard let number = value.numberValue, number.rounded() == number, number >= 100, number <= 599 else {
                        throw fail("\"status\" must be an HTTP status code (100–599)")
                    }
                    status = Int(number)
                }
                var body: JSONValue = .string("")
                if let value = object["body"] {
                    if case .string(let text) = value, let parsed = try? JSONValue(parsing: text) {
                        body = parsed
                    } else {
                        body = value
                    }
                }
                answer = .response(APIResponse(status: status, body: body))
            }
            fixtures.append(Fixture(method: method, url: pattern, answer: answer))
        }
        return MockAPIClient(fixtures: fixtures)
    }

    /// Whole-string match where `*` is any run of characters (including none and `/`).
    package static func glob(_ pattern: String, matches text: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return pattern == text }
        guard let first = parts.first, let last = parts.last, text.hasPrefix(first) else { return false }
        var rest = Substring(text.dropFirst(first.count))
        for middle in parts.dropFirst().dropLast() where !middle.isEmpty {
            guard let range = rest.range(of: middle) else { return false }
            rest = rest[range.upperBound...]
        }
        return rest.count >= last.count && rest.hasSuffix(last)
    }
}
