import FlowEngine

/// An entry of Meta's `errors[]` (on a message, a status or a whole change value):
/// `{code, title, message, error_data:{details}, href}`.
package struct WebhookErrorDetail: Sendable, Equatable {
    package var code: Int?
    package var title: String?
    package var message: String?
    /// `error_data.details`, Meta's longest explanation.
    package var details: String?
    package var href: String?

    package init(code: Int? = nil, title: String? = nil, message: String? = nil, details: String? = nil, href: String? = nil) {
        self.code = code
        self.title = title
        self.message = message
        self.details = details
        self.href = href
    }
}

extension WebhookFieldReader {
    /// `errors` of an object, or `[]`.
    mutating func errorDetails(in located: Located) -> [WebhookErrorDetail] {
        guard let items = objects("errors", in: located) else { return [] }
        return items.map { item in
            var detail = WebhookErrorDetail()
            if let code = number("code", in: item) {
                if code == code.rounded(), abs(code) < 1e15 {
                    detail.code = Int(code)
                } else {
                    report(item.pointer / "code", "expected an integer error code, found number \(jsNumberString(code))")
                }
            }
            detail.title = string("title", in: item)
            detail.message = string("message", in: item)
            detail.href = string("href", in: item)
            if let data = object("error_data", in: item) {
                detail.details = string("details", in: data)
            }
            return detail
        }
    }
}
