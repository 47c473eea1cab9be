import FlowEngine

extension WebhookMessage {
    /// Decodes one `messages[]` item; nil (with issues recorded) when a field has the wrong
    /// type or the item lacks what every message must have (an id and a sender).
    static func decode(_ item: WebhookFieldReader.Located) -> Result<WebhookMessage, WebhookInvalidItem> {
        var reader = WebhookFieldReader()
        let id = reader.string("id", in: item)
        let from = reader.stringOrInteger("from", in: item)
        let fromUserId = reader.string("from_user_id", in: item)
        let message = WebhookMessage(
            id: id ?? "",
            from: from,
            fromUserId: fromUserId,
            timestamp: reader.stringOrInteger("timestamp", in: item),
            type: reader.string("type", in: item),
            text: reader.object("text", in: item).map { Text(body: reader.string("body", in: $0)) },
            interactive: reader.object("interactive", in: item).map { reader.interactive($0) },
            button: reader.object("button", in: item).map {
                Button(payload: reader.string("payload", in: $0), text: reader.string("text", in: $0))
            },
            image: reader.object("image", in: item).map { reader.media($0) },
            video: reader.object("video", in: item).map { reader.media($0) },
            audio: reader.object("audio", in: item).map { reader.media($0) },
            document: reader.object("document", in: item).map { reader.media($0) },
            sticker: reader.object("sticker", in: item).map { reader.media($0) },
            location: reader.object("location", in: item).map { reader.location($0) },
            contacts: reader.objects("contacts", in: item).map { $0.map { reader.sharedContact($0) } },
            reaction: reader.object("reaction", in: item).map {
                Reaction(messageId: reader.string("message_id", in: $0), emoji: reader.string("emoji", in: $0))
            },
            order: reader.object("order", in: item).map { reader.order($0) },
            system: reader.object("system", in: item).map { reader.system($0) },
            context: reader.object("context", in: item).map { reader.context($0) },
            referral: item.object["referral"],
            errors: reader.errorDetails(in: item),
            raw: .object(item.object),
            pointer: item.pointer
        )
        if id?.isEmpty ?? Self.isAbsent("id", in: item) {
            reader.report(item.pointer / "id", "a message needs a non-empty id (wamid.…)")
        }
        if from == nil && fromUserId == nil && Self.isAbsent("from", in: item) && Self.isAbsent("from_user_id", in: item) {
            reader.report(item.pointer, "a message needs a sender: neither from nor from_user_id is present")
        }
        if !reader.issues.isEmpty {
            return .failure(WebhookInvalidItem(kind: .message, pointer: item.pointer, issues: reader.issues, raw: .object(item.object)))
        }
        return .success(message)
    }

    /// Missing or null (a wrong type is reported by the reader instead).
    static func isAbsent(_ key: String, in item: WebhookFieldReader.Located) -> Bool {
        item.object[key]?.isNull ?? true
    }
}

extension WebhookFieldReader {
    fileprivate mutating func interactive(_ located: Located) -> WebhookMessage.Interactive {
        WebhookMessage.Interactive(
            type: string("type", in: located),
            buttonReply: object("button_reply", in: located).map { reply($0) },
            listReply: object("list_reply", in: located).map { reply($0) },
            nfmReply: object("nfm_reply", in: located).map {
                WebhookMessage.FlowReply(
                    name: string("name", in: $0), body: string("body", in: $0), responseJSON: string("response_json", in: $0))
            }
        )
    }

    fileprivate mutating func reply(_ located: Located) -> WebhookMessage.Reply {
        WebhookMessage.Reply(
            id: string("id", in: located), title: string("title", in: located), description: string("description", in: located))
    }

    fileprivate mutating func media(_ located: Located) -> WebhookMessage.Media {
        WebhookMessage.Media(
            id: string("id", in: located),
            mimeType: string("mime_type", in: located),
            sha256: string("sha256", in: located),
            caption: string("caption", in: located),
            filename: string("filename", in: located),
            url: string("url", in: located),
            voice: bool("voice", in: located),
            animated: bool("animated", in: located),
            raw: .object(located.object)
        )
    }

    fileprivate mutating func location(_ located: Located) -> WebhookMessage.Location {
        WebhookMessage.Location(
            latitude: numeric("latitude", in: located),
            longitude: numeric("longitude", in: located),
            name: string("name", in: located),
            address: string("address", in: located),
            url: string("url", in: located)
        )
    }

    fileprivate mutating func sharedContact(_ located: Located) -> WebhookMessage.SharedContact {
        let name = object("name", in: located)
        let phones = objects("phones", in: located) ?? []
        return WebhookMessage.SharedContact(
            formattedName: name.flatMap { string("formatted_name", in: $0) },
            phones: phones.map {
                WebhookMessage.SharedContact.Phone(
                    phone: string("phone", in: $0), waId: stringOrInteger("wa_id", in: $0), type: string("type", in: $0))
            },
            raw: .object(located.object)
        )
    }

    fileprivate mutating func order(_ located: Located) -> WebhookMessage.Order {
        let items = objects("product_items", in: located) ?? []
        return WebhookMessage.Order(
            catalogId: string("catalog_id", in: located),
            text: string("text", in: located),
            items: items.map {
                WebhookMessage.Order.Item(
                    productRetailerId: string("product_retailer_id", in: $0),
                    quantity: numeric("quantity", in: $0),
                    itemPrice: numeric("item_price", in: $0),
                    currency: string("currency", in: $0))
            }
        )
    }

    fileprivate mutating func system(_ located: Located) -> WebhookMessage.System {
        let waId = stringOrInteger("wa_id", in: located)
        let newWaId = stringOrInteger("new_wa_id", in: located)
        return WebhookMessage.System(
            body: string("body", in: located),
            type: string("type", in: located),
            waId: waId ?? newWaId,
            userId: string("user_id", in: located)
        )
    }

    fileprivate mutating func context(_ located: Located) -> WebhookMessage.Context {
        WebhookMessage.Context(
            from: stringOrInteger("from", in: located),
            id: string("id", in: located),
            forwarded: bool("forwarded", in: located),
            frequentlyForwarded: bool("frequently_forwarded", in: located),
            referredProductRetailerId: object("referred_product", in: located).flatMap { string("product_retailer_id", in: $0) }
        )
    }
}
