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
