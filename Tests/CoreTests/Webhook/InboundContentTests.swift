import Testing

@testable import WhatsAppCloud

/// Text extraction (docs/compatibility.md#inbound-messages): the old backend's `extractUserText`
/// with captions, file names, nfm_reply and template buttons, and stored-only types.
@Suite("Inbound text extraction")
struct InboundContentTests {
    func message(_ json: String) throws -> WebhookMessage {
        let body = #"{"entry":[{"changes":[{"value":{"messages":[\#(json)]}}]}]}"#
        let delivery = try WebhookDelivery(body: Array(body.utf8))
        guard let message = delivery.messageEvents.first?.message else {
            throw WebhookExamples.ExampleError("no message decoded: \(delivery.issues)")
        }
        return message
    }

    func content(_ json: String) throws -> InboundContent { try message(json).inboundContent }

    @Test(arguments: [
        ("text-hola.json", "hola", true),
        ("interactive-button-reply.json", "Envíos a domicilio", true),
        ("interactive-list-reply.json", "Medios de pago", true),
        ("interactive-nfm-reply.json", "Sent", true),
        ("button-template-quick-reply.json", "Confirmar turno", true),
        ("image.json", "Así llegó la caja", true),
        ("video.json", "El ruido que hace", true),
        ("audio-voice.json", "[audio]", true),
        ("document.json", "Factura de diciembre", true),
        ("sticker.json", "[sticker]", true),
        ("location.json", "[location]", true),
        ("contacts.json", "[contacts]", true),
        ("reaction.json", "[reaction]", false),
        ("order.json", "[order]", true),
        ("system-user-changed-number.json", "[system]", false),
        ("unsupported.json", "[unsupported]", false),
        ("text-bsuid-only.json", "hola, ¿siguen abiertos?", true),
        ("text-meta-style-escaped.json", "¿Tienen envíos a Córdoba? 🚚 https://ferreteria.example/envios", true),
    ])
    func examples(name: String, text: String, runsFlows: Bool) throws {
        let content = try WebhookExamples.message(name).inboundContent
        #expect(content.text == text)
        #expect(content.runsFlows == runsFlows)
    }

    @Test func textIsTrimmedAndBlankIsIgnored() throws {
        #expect(try content(#"{"from":"1","id":"w","type":"text","text":{"body":"  hola \n"}}"#).text == "hola")
        let blank = try content(#"{"from":"1","id":"w","type":"text","text":{"body":"   "}}"#)
        #expect(blank.text == nil)
        #expect(!blank.runsFlows)
        #expect(try content(#"{"from":"1","id":"w","type":"text"}"#).text == nil)
    }

    @Test func buttonReplyUsesTheTitleAndPassesTheId() throws {
        let content = try content(
            #"{"from":"1","id":"w","type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"opción 1","title":" Opción 1 "}}}"#)
        #expect(content.text == "Opción 1")
        #expect(content.inbound.type == "interactive")
        #expect(content.inbound.interactive == .init(type: "button_reply", id: "opción 1", title: " Opción 1 "))
        // rawText: the (untrimmed) interactive title.
        #expect(content.inbound.rawText == " Opción 1 ")
    }

    @Test func replyWithoutTitleFallsBackToListThenNothing() throws {
        let list = try content(
            #"{"from":"1","id":"w","type":"interactive","interactive":{"type":"list_reply","button_reply":{"id":"b","title":" "},"list_reply":{"id":"row-2","title":"Fila 2"}}}"#
        )
        #expect(list.text == "Fila 2")
        #expect(list.inbound.interactive?.id == "b")
        #expect(list.inbound.interactive?.title == " ")
        let none = try content(#"{"from":"1","id":"w","type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"only-id"}}}"#)
        #expect(none.text == nil)
        #expect(!none.runsFlows)
        #expect(none.inbound.interactive == .init(type: "button_reply", id: "only-id", title: nil))
    }

    @Test func flowResponseIsParsedAndExposed() throws {
        let content = try WebhookExamples.message("interactive-nfm-reply.json").inboundContent
        #expect(
            content.inbound.flowResponse == [
                "flow_token": "turno-5491155550000", "fecha": "2026-01-05", "sucursal": "palermo", "comentario": "Llego 10 min tarde",
            ])
        #expect(content.inbound.interactive == .init(type: "nfm_reply", id: nil, title: nil))
        let named = try self.content(
            #"{"from":"1","id":"w","type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":{"name":"address_message","response_json":"not json"}}}"#)
        #expect(named.text == "address_message")
        #expect(named.inbound.flowResponse == "not json")
        let bare = try self.content(#"{"from":"1","id":"w","type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":{}}}"#)
        #expect(bare.text == "[nfm_reply]")
        #expect(bare.inbound.flowResponse == nil)
    }

    @Test func templateButtonFallsBackToPayload() throws {
        #expect(try content(#"{"from":"1","id":"w","type":"button","button":{"payload":"YES"}}"#).text == "YES")
        #expect(try content(#"{"from":"1","id":"w","type":"button"}"#).text == "[button]")
    }

    @Test func mediaCaptionsAndFileNames() throws {
        #expect(try content(#"{"from":"1","id":"w","type":"image","image":{"id":"1"}}"#).text == "[image]")
        #expect(try content(#"{"from":"1","id":"w","type":"video","video":{"id":"1","caption":" "}}"#).text == "[video]")
        #expect(try content(#"{"from":"1","id":"w","type":"document","document":{"id":"1","filename":"a.pdf"}}"#).text == "a.pdf")
        #expect(try content(#"{"from":"1","id":"w","type":"document","document":{"id":"1"}}"#).text == "[document]")
        // Audio has no caption in Meta's format; a stray one is not used.
        #expect(try content(#"{"from":"1","id":"w","type":"audio","audio":{"id":"1","caption":"x"}}"#).text == "[audio]")
        let image = try WebhookExamples.message("image.json").inboundContent.inbound
        #expect(image.type == "image")
        #expect(image.image?["id"] == "1391672281955937")
        #expect(image.rawText == "Así llegó la caja")
        #expect(image.video == nil)
    }

    @Test func otherAndMissingTypes() throws {
        #expect(try content(#"{"from":"1","id":"w","type":"ephemeral"}"#).text == "[ephemeral]")
        let missing = try content(#"{"from":"1","id":"w"}"#)
        #expect(missing.text == "[unknown]")
        #expect(missing.inbound.type == "text")
        let unknown = try content(#"{"from":"1","id":"w","type":"unknown"}"#)
        #expect(unknown.text == "[unknown]")
        #expect(!unknown.runsFlows)
    }

    @Test func commandFieldsFromTheDashboard() throws {
        let command = try content(#"{"from":"1","id":"w","type":"command","command":{"button_label":" Menú ","command_id":"menu-1"}}"#)
        #expect(command.text == "Menú")
        #expect(command.inbound.interactive == .init(type: "command", id: "menu-1", title: "Menú"))
        #expect(command.inbound.type == "command")
        let interactiveCommand = try content(#"{"from":"1","id":"w","type":"interactive","interactive":{"type":"command","command":{"id":"x"}}}"#)
        #expect(interactiveCommand.text == "x")
        let bodyOnly = try content(#"{"from":"1","id":"w","type":"interactive","text":{"body":" hi "},"interactive":{"type":"command","command":{}}}"#)
        #expect(bodyOnly.text == "hi")
        let nothing = try content(#"{"from":"1","id":"w","type":"interactive","interactive":{"type":"command","command":{}}}"#)
        #expect(nothing.text == "[command]")
        let empty = try content(#"{"from":"1","id":"w","type":"interactive","text":{"body":""},"interactive":{"type":"command"}}"#)
        #expect(empty.text == "")
        #expect(!empty.runsFlows)
        // A text message with a command label and no body.
        #expect(try content(#"{"from":"1","id":"w","type":"text","command":{"title":"Ayuda"}}"#).text == "Ayuda")
        // An image with a command label uses the label before the caption (a quirk of the old
        // backend's current webhook path).
        #expect(try content(#"{"from":"1","id":"w","type":"image","image":{"caption":"c"},"command":{"name":"n"}}"#).text == "n")
    }
}
