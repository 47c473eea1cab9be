import FlowEngine
import HTTPTypes
import Hummingbird

/// Small JSON answers of the server's own routes (`{"status":"ok"}`, `{"error":"Not Found"}`).
enum JSONResponse {
    static let contentType = "application/json; charset=utf-8"

    static func make(_ status: HTTPResponse.Status, _ object: JSONObject, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = contentType
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: JSONValue.object(object).serialized())))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) -> Response {
        make(status, ["error": .string(message)], headers: headers)
    }
}

extension Response {
    /// A framework-free answer (status, lower-case header names, bytes) as Hummingbird's
    /// response; headers in name order, names HTTP cannot carry dropped.
    static func from(status: Int, headers: [String: String], body: [UInt8]) -> Response {
        var fields = HTTPFields()
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            guard let fieldName = HTTPField.Name(name) else { continue }
            fields[fieldName] = value
        }
        return Response(status: .init(code: status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
