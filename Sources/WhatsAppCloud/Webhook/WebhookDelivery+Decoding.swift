import FlowEngine

extension WebhookDelivery {
    /// Decodes the raw body bytes: size limit, UTF-8 and JSON syntax first (these throw), then
    /// the structure (these become issues).
    package init(body: [UInt8], maxBytes: Int = WebhookDelivery.maxBodyBytes) throws(WebhookPayloadError) {
        if body.count > maxBytes { throw .tooLarge(bytes: body.count, limit: maxBytes) }
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { throw .empty }
        let node: JSONNode
        do {
            node = try JSONParser().parse(body)
        } catch {
            let location = SourceText(bytes: body).location(ofOffset: error.offset)
            throw .syntax(message: error.message, line: location.line, column: location.column)
        }
        try self.init(value: node.jsonValue)
    }

    /// Decodes an already parsed delivery.
    package init(value: JSONValue) throws(WebhookPayloadError) {
        guard case .object(let root) = value else {
            throw .notAnObject(found: WebhookFieldReader.describe(value))
        }
        var decoder = DeliveryDecoder()
        let top = WebhookFieldReader.Located(object: root, pointer: .root)
        object = decoder.reader.string("object", in: top)
        entries = (decoder.reader.objects("entry", in: top) ?? []).map { decoder.entry($0) }
        structureIssues = decoder.reader.issues
        invalidItems = decoder.invalidItems
        raw = value
    }
}

/// Walks entries and changes; items are decoded on their own so one bad item stays contained.
private struct DeliveryDecoder {
    var reader = WebhookFieldReader()
    var invalidItems: [WebhookInvalidItem] = []

    mutating func entry(_ located: WebhookFieldReader.Located) -> WebhookEntry {
        let id = reader.stringOrInteger("id", in: located)
        let changes = (reader.objects("changes", in: located) ?? []).map { change($0) }
        return WebhookEntry(id: id, changes: changes, pointer: located.pointer)
    }

    mutating func change(_ located: WebhookFieldReader.Located) -> WebhookChange {
        let field = reader.string("field", in: located)
        var value: WebhookChangeValue?
        if let object = reader.object("value", in: located) {
            value = changeValue(object)
        } else if located.object["value"] == nil || located.object["value"] == .null {
            reader.report(located.pointer / "value", "a change needs a value object")
        }
        return WebhookChange(field: field, value: value, pointer: located.pointer)
    }

    mutating func changeValue(_ located: WebhookFieldReader.Located) -> WebhookChangeValue {
        let product = reader.string("messaging_product", in: located) ?? reader.string("messagingProduct", in: located)
        let metadata = reader.object("metadata", in: located).map { metadata in
            WebhookMetadata(
                displayPhoneNumber: reader.stringOrInteger("display_phone_number", in: metadata),
                phoneNumberId: reader.stringOrInteger("phone_number_id", in: metadata))
        }
        var contacts: [WebhookContact] = []
        for item in items("contacts", in: located) {
            switch Self.contact(item) {
            case .success(let contact): contacts.append(contact)
            case .failure(let invalid): invalidItems.append(invalid)
            }
        }
        var messages: [WebhookMessage] = []
        for item in items("messages", in: located) {
            switch WebhookMessage.decode(item) {
            case .success(let message): messages.append(message)
            case .failure(let invalid): invalidItems.append(invalid)
            }
        }
        var statuses: [WebhookStatus] = []
        for item in items("statuses", in: located) {
            switch WebhookStatus.decode(item) {
            case .success(let status): statuses.append(status)
            case .failure(let invalid): invalidItems.append(invalid)
            }
        }
        return WebhookChangeValue(
            messagingProduct: product, metadata: metadata, contacts: contacts, messages: messages, statuses: statuses,
            errors: reader.errorDetails(in: located), raw: .object(located.object), pointer: located.pointer)
    }

    /// The objects of an array field; a non-object element becomes an invalid item of its kind.
    private mutating func items(_ key: String, in located: WebhookFieldReader.Located) -> [WebhookFieldReader.Located] {
        guard let elements = reader.array(key, in: located) else { return [] }
        var result: [WebhookFieldReader.Located] = []
        for element in elements {
            if case .object(let object) = element.value {
                result.append(.init(object: object, pointer: element.pointer))
            } else {
                let kind: WebhookInvalidItem.Kind = key == "messages" ? .message : key == "statuses" ? .status : .contact
                let issue = WebhookDecodingIssue(
                    pointer: element.pointer, message: "expected an object, found \(WebhookFieldReader.describe(element.value))")
                invalidItems.append(WebhookInvalidItem(kind: kind, pointer: element.pointer, issues: [issue], raw: element.value))
            }
        }
        return result
    }

    private static func contact(_ item: WebhookFieldReader.Located) -> Result<WebhookContact, WebhookInvalidItem> {
        var reader = WebhookFieldReader()
        let profile = reader.object("profile", in: item)
        let contact = WebhookContact(
            waId: reader.stringOrInteger("wa_id", in: item),
            userId: reader.string("user_id", in: item),
            profileName: profile.flatMap { reader.string("name", in: $0) },
            username: profile.flatMap { reader.string("username", in: $0) },
            raw: .object(item.object))
        if !reader.issues.isEmpty {
            return .failure(WebhookInvalidItem(kind: .contact, pointer: item.pointer, issues: reader.issues, raw: .object(item.object)))
        }
        return .success(contact)
    }
}

/// The single-message or single-status change value the inbox stores for an item (fcb's work
/// items, docs/serve.md#work-items), decoded with the delivery's own rules — the stored value
/// itself, not a webhook envelope rebuilt around it.
extension WebhookChangeValue {
    package static func decodeStored(_ value: JSONValue) -> WebhookChangeValue? {
        guard case .object(let object) = value else { return nil }
        // Items that do not decode are left out, as in a delivery (the caller finds no message).
        var decoder = DeliveryDecoder()
        return decoder.changeValue(.init(object: object, pointer: .root))
    }

    /// The stored message item's event (its one message, with its contact).
    package var storedMessageEvent: WebhookMessageEvent? {
        messages.first.map { WebhookMessageEvent(change: WebhookChange(field: "messages", value: self, pointer: .root), value: self, message: $0) }
    }
}
