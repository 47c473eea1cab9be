import Testing

@testable import FlowEngine
@testable import WhatsAppCloud

@Suite("Cloud API request bodies")
struct CloudAPIRendererTests {
    static let to = "5491112345678"

    func render(_ message: OutboundMessage, to: String = CloudAPIRendererTests.to) throws -> String {
        try CloudAPIRenderer.body(for: message, to: to).serialized()
    }

    func failure(_ message: OutboundMessage) -> CloudAPIRenderError? {
        do {
            _ = try CloudAPIRenderer.body(for: message, to: Self.to)
            return nil
        } catch {
            return error
        }
    }

    func bad(_ text: String) -> CloudAPIRenderError { CloudAPIRenderError(status: 400, message: text) }

    func buttons(_ titles: [String], body: String = "Elegí") -> OutboundMessage {
        .buttons(body: body, buttons: titles.enumerated().map { .init(id: "opt-\($0.offset + 1)", title: $0.element) })
    }

    func rows(_ count: Int, prefix: String = "r") -> [OutboundMessage.ListRow] {
        (1...count).map { .init(id: "\(prefix)\($0)", title: "Row \($0)") }
    }

    // MARK: - Phone numbers

    @Test func normalizesPhoneNumbersToAsciiDigits() {
        #expect(PhoneNumber.normalize("+54 9 11 1234-5678") == "5491112345678")
        #expect(PhoneNumber.normalize("+54 9 11-1234") == "549111234")
        #expect(PhoneNumber.normalize("(011) 4321") == "0114321")
        #expect(PhoneNumber.normalize("5491112345678") == "5491112345678")
        #expect(PhoneNumber.normalize("abc") == nil)
        #expect(PhoneNumber.normalize("") == nil)
        #expect(PhoneNumber.normalize(" +-() ") == nil)
    }

    @Test func ignoresNonAsciiDigits() {
        #expect(PhoneNumber.normalize("１２３４") == nil)  // full-width
        #expect(PhoneNumber.normalize("٣٤٥") == nil)  // Arabic-Indic
        #expect(PhoneNumber.normalize("+54 １１ 9") == "549")
    }

    // MARK: - Text

    @Test func textBodyWithMessagingProductLast() throws {
        #expect(
            try render(.text(body: "Hola"))
                == #"{"to":"5491112345678","type":"text","text":{"body":"Hola"},"messaging_product":"whatsapp"}"#)
    }

    @Test func textWithLinkHasNoPreviewUrl() throws {
        #expect(
            try render(.text(body: "Mirá https://example.com y http://a.b"))
                == #"{"to":"5491112345678","type":"text","text":{"body":"Mirá https://example.com y http://a.b"},"messaging_product":"whatsapp"}"#)
    }

    @Test func nonAsciiIsEmittedRawAndControlCharactersEscaped() throws {
        #expect(
            try render(.text(body: "¡Hola, ñandú! 👋🏽 \"ok\"\nline\u{1}"))
                == #"{"to":"5491112345678","type":"text","text":{"body":"¡Hola, ñandú! 👋🏽 \"ok\"\nline\u0001"},"messaging_product":"whatsapp"}"#)
    }

    @Test func usesTheGivenDestination() throws {
        #expect(try render(.text(body: "x"), to: "1") == #"{"to":"1","type":"text","text":{"body":"x"},"messaging_product":"whatsapp"}"#)
    }

    // MARK: - Reply buttons

    @Test func replyButtonsBody() throws {
        let message = OutboundMessage.buttons(
            body: "¿Qué querés?", buttons: [.init(id: "opción 1", title: "Opción 1"), .init(id: "opt-2", title: "Ver más 👀")])
        #expect(
            try render(message)
                == #"{"to":"5491112345678","type":"interactive","interactive":{"type":"button","body":{"text":"¿Qué querés?"},"action":{"buttons":[{"type":"reply","reply":{"id":"opción 1","title":"Opción 1"}},{"type":"reply","reply":{"id":"opt-2","title":"Ver más 👀"}}]}},"messaging_product":"whatsapp"}"#
        )
    }

    @Test func oneAndThreeButtonsAreAllowed() throws {
        #expect(
            try render(buttons(["Sí"]))
                == #"{"to":"5491112345678","type":"interactive","interactive":{"type":"button","body":{"text":"Elegí"},"action":{"buttons":[{"type":"reply","reply":{"id":"opt-1","title":"Sí"}}]}},"messaging_product":"whatsapp"}"#
        )
        #expect(
            try render(buttons(["A", "B", "C"]))
                == #"{"to":"5491112345678","type":"interactive","interactive":{"type":"button","body":{"text":"Elegí"},"action":{"buttons":[{"type":"reply","reply":{"id":"opt-1","title":"A"}},{"type":"reply","reply":{"id":"opt-2","title":"B"}},{"type":"reply","reply":{"id":"opt-3","title":"C"}}]}},"messaging_product":"whatsapp"}"#
        )
    }

    @Test func buttonCountLimits() {
        #expect(failure(buttons([])) == bad("Reply buttons message must have 1 to 3 buttons (got 0)"))
        #expect(failure(buttons(["A", "B", "C", "D"])) == bad("Reply buttons message must have 1 to 3 buttons (got 4)"))
    }

    @Test func buttonTitleLimitsCountCharacters() throws {
        #expect(failure(buttons(["A", ""])) == bad("Reply button 2 title is empty"))
        #expect(failure(buttons(["  "])) == bad("Reply button 1 title is empty"))
        #expect(failure(buttons([String(repeating: "x", count: 21)])) == bad("Reply button 1 title must be at most 20 characters (got 21)"))
        #expect(failure(buttons([String(repeating: "ñ", count: 21)])) == bad("Reply button 1 title must be at most 20 characters (got 21)"))
        // 20 user-perceived characters pass even when each is several UTF-16 units / scalars.
        let family = String(repeating: "👨‍👩‍👧", count: 20)
        #expect(try render(buttons([family])).contains(#""title":"\#(family)""#))
        #expect(try render(buttons([String(repeating: "x", count: 20)])).contains(#""title":"xxxxxxxxxxxxxxxxxxxx""#))
    }

    @Test func buttonTitlesMustBeUnique() {
        #expect(
            failure(buttons(["Sí", "No", "Sí"]))
                == bad(#"Reply button 3 title "Sí" is used by an earlier button; titles must be unique"#))
    }

    @Test func buttonIdLimits() throws {
        let empty = OutboundMessage.buttons(body: "b", buttons: [.init(id: "", title: "A")])
        #expect(failure(empty) == bad("Reply button 1 id is empty"))
        let long = OutboundMessage.buttons(body: "b", buttons: [.init(id: "a", title: "A"), .init(id: String(repeating: "i", count: 257), title: "B")])
        #expect(failure(long) == bad("Reply button 2 id must be at most 256 characters (got 257)"))
        let max = OutboundMessage.buttons(body: "b", buttons: [.init(id: String(repeating: "i", count: 256), title: "A")])
        #expect(try render(max).contains(String(repeating: "i", count: 256)))
    }

    @Test func buttonBodyLimits() throws {
        #expect(failure(buttons(["A"], body: "")) == bad("Interactive message body is empty"))
        #expect(failure(buttons(["A"], body: " \n ")) == bad("Interactive message body is empty"))
        #expect(
            failure(buttons(["A"], body: String(repeating: "é", count: 1025)))
                == bad("Interactive message body must be at most 1024 characters (got 1025)"))
        #expect(try render(buttons(["A"], body: String(repeating: "😀", count: 1024))).contains("😀"))
    }

    // MARK: - Lists

    @Test func listWithOneUntitledSection() throws {
        let message = OutboundMessage.list(body: "Menú", button: "Ver opciones", sections: [.init(rows: rows(4))])
        #expect(
            try render(message)
                == #"{"to":"5491112345678","type":"interactive","interactive":{"type":"list","body":{"text":"Menú"},"action":{"button":"Ver opciones","sections":[{"rows":[{"id":"r1","title":"Row 1"},{"id":"r2","title":"Row 2"},{"id":"r3","title":"Row 3"},{"id":"r4","title":"Row 4"}]}]}},"messaging_product":"whatsapp"}"#
        )
    }

    @Test func listWithTitlesAndDescriptions() throws {
        let message = OutboundMessage.list(
            body: "Elegí un plato", button: "Platos",
            sections: [
                .init(
                    title: "Entradas",
                    rows: [.init(id: "e1", title: "Empanada", description: "De carne, cortada a cuchillo"), .init(id: "e2", title: "Provoleta")]),
                .init(title: "Postres", rows: [.init(id: "p1", title: "Flan", description: "Con dulce de leche 🍮")]),
            ])
        #expect(
            try render(message)
                == #"{"to":"5491112345678","type":"interactive","interactive":{"type":"list","body":{"text":"Elegí un plato"},"action":{"button":"Platos","sections":[{"title":"Entradas","rows":[{"id":"e1","title":"Empanada","description":"De carne, cortada a cuchillo"},{"id":"e2","title":"Provoleta"}]},{"title":"Postres","rows":[{"id":"p1","title":"Flan","description":"Con dulce de leche 🍮"}]}]}},"messaging_product":"whatsapp"}"#
        )
    }

    @Test func singleSectionTitleIsOptionalAndBlankOnesAndEmptyDescriptionsAreOmitted() throws {
        let titled = OutboundMessage.list(body: "b", button: "Ver", sections: [.init(title: "Todo", rows: [.init(id: "a", title: "A", description: "")])])
        #expect(
            try render(titled)
                == #"{"to":"5491112345678","type":"interactive","interactive":{"type":"list","body":{"text":"b"},"action":{"button":"Ver","sections":[{"title":"Todo","rows":[{"id":"a","title":"A"}]}]}},"messaging_product":"whatsapp"}"#
        )
        let blank = OutboundMessage.list(body: "b", button: "Ver", sections: [.init(title: "  ", rows: [.init(id: "a", title: "A")])])
        #expect(
            try render(blank)
                == #"{"to":"5491112345678","type":"interactive","interactive":{"type":"list","body":{"text":"b"},"action":{"button":"Ver","sections":[{"rows":[{"id":"a","title":"A"}]}]}},"messaging_product":"whatsapp"}"#
        )
    }

    @Test func listButtonAndBodyLimits() {
        let sections = [OutboundMessage.ListSection(rows: rows(4))]
        #expect(failure(.list(body: "b", button: "", sections: sections)) == bad("List button text is empty"))
        #expect(
            failure(.list(body: "b", button: String(repeating: "v", count: 21), sections: sections))
                == bad("List button text must be at most 20 characters (got 21)"))
        #expect(failure(.list(body: "", button: "Ver", sections: sections)) == bad("Interactive message body is empty"))
        #expect(
            failure(.list(body: String(repeating: "x", count: 1025), button: "Ver", sections: sections))
                == bad("Interactive message body must be at most 1024 characters (got 1025)"))
    }

    @Test func listSectionAndRowCountLimits() throws {
        #expect(failure(.list(body: "b", button: "Ver", sections: [])) == bad("List message must have 1 to 10 sections (got 0)"))
        let eleven = (1...11).map { OutboundMessage.ListSection(title: "S\($0)", rows: [.init(id: "r\($0)", title: "R")]) }
        #expect(failure(.list(body: "b", button: "Ver", sections: eleven)) == bad("List message must have 1 to 10 sections (got 11)"))
        let tooMany = [OutboundMessage.ListSection(title: "A", rows: rows(6, prefix: "a")), .init(title: "B", rows: rows(5, prefix: "b"))]
        #expect(failure(.list(body: "b", button: "Ver", sections: tooMany)) == bad("List message must have 1 to 10 rows in total (got 11)"))
        #expect(failure(.list(body: "b", button: "Ver", sections: [.init(rows: [])])) == bad("List message must have 1 to 10 rows in total (got 0)"))
        let emptySection = [OutboundMessage.ListSection(title: "A", rows: rows(2)), .init(title: "B", rows: [])]
        #expect(failure(.list(body: "b", button: "Ver", sections: emptySection)) == bad("List section 2 has no rows; every section needs at least one"))
        let ten = [OutboundMessage.ListSection(title: "A", rows: rows(5, prefix: "a")), .init(title: "B", rows: rows(5, prefix: "b"))]
        #expect(try render(.list(body: "b", button: "Ver", sections: ten)).contains(#"{"id":"b5","title":"Row 5"}"#))
    }

    @Test func sectionTitlesRequiredWithMoreThanOneSection() {
        let untitled = [OutboundMessage.ListSection(title: "A", rows: rows(2, prefix: "a")), .init(rows: rows(2, prefix: "b"))]
        #expect(
            failure(.list(body: "b", button: "Ver", sections: untitled))
                == bad("List section 2 has no title; Meta requires a title on every section when a list has more than one"))
        let blank = [OutboundMessage.ListSection(title: " ", rows: rows(2, prefix: "a")), .init(title: "B", rows: rows(2, prefix: "b"))]
        #expect(
            failure(.list(body: "b", button: "Ver", sections: blank))
                == bad("List section 1 has no title; Meta requires a title on every section when a list has more than one"))
        let long = [OutboundMessage.ListSection(title: String(repeating: "t", count: 25), rows: rows(4))]
        #expect(failure(.list(body: "b", button: "Ver", sections: long)) == bad("List section 1 title must be at most 24 characters (got 25)"))
    }

    @Test func listRowLimits() throws {
        func one(_ row: OutboundMessage.ListRow) -> OutboundMessage {
            .list(body: "b", button: "Ver", sections: [.init(title: "S", rows: rows(2) + [row])])
        }
        #expect(failure(one(.init(id: "x", title: ""))) == bad("List section 1 row 3 title is empty"))
        #expect(
            failure(one(.init(id: "x", title: String(repeating: "t", count: 25))))
                == bad("List section 1 row 3 title must be at most 24 characters (got 25)"))
        #expect(try render(one(.init(id: "x", title: String(repeating: "ü", count: 24)))).contains(String(repeating: "ü", count: 24)))
        #expect(
            failure(one(.init(id: "x", title: "T", description: String(repeating: "d", count: 73))))
                == bad("List section 1 row 3 description must be at most 72 characters (got 73)"))
        #expect(try render(one(.init(id: "x", title: "T", description: String(repeating: "d", count: 72)))).contains(String(repeating: "d", count: 72)))
        #expect(failure(one(.init(id: "", title: "T"))) == bad("List section 1 row 3 id is empty"))
        #expect(
            failure(one(.init(id: String(repeating: "i", count: 201), title: "T")))
                == bad("List section 1 row 3 id must be at most 200 characters (got 201)"))
        #expect(try render(one(.init(id: String(repeating: "i", count: 200), title: "T"))).contains(String(repeating: "i", count: 200)))
    }

    @Test func listRowIdsMustBeUniqueAcrossSections() {
        let sections = [OutboundMessage.ListSection(title: "A", rows: rows(2)), .init(title: "B", rows: [.init(id: "r2", title: "Otra")])]
        #expect(
            failure(.list(body: "b", button: "Ver", sections: sections))
                == bad(#"List section 2 row 1 id "r2" is used by an earlier row; row ids must be unique"#))
    }

    // MARK: - Media

    @Test func imageByIdWithCaption() throws {
        #expect(
            try render(.media(.init(kind: .image, id: "MEDIA_ID", caption: "Nuestro menú")))
                == #"{"to":"5491112345678","type":"image","image":{"id":"MEDIA_ID","caption":"Nuestro menú"},"messaging_product":"whatsapp"}"#)
    }

    @Test func videoByUrlIsSentAsLink() throws {
        #expect(
            try render(.media(.init(kind: .video, url: "https://cdn.example.com/v.mp4")))
                == #"{"to":"5491112345678","type":"video","video":{"link":"https://cdn.example.com/v.mp4"},"messaging_product":"whatsapp"}"#)
    }

    @Test func idWinsOverUrl() throws {
        #expect(
            try render(.media(.init(kind: .image, id: "ID", url: "https://x/y.png")))
                == #"{"to":"5491112345678","type":"image","image":{"id":"ID"},"messaging_product":"whatsapp"}"#)
    }

    @Test func blankIdFallsBackToUrlAndValuesAreTrimmed() throws {
        #expect(
            try render(.media(.init(kind: .image, id: "  ", url: " https://x/y.png ")))
                == #"{"to":"5491112345678","type":"image","image":{"link":"https://x/y.png"},"messaging_product":"whatsapp"}"#)
        #expect(
            try render(.media(.init(kind: .image, id: " ID\n")))
                == #"{"to":"5491112345678","type":"image","image":{"id":"ID"},"messaging_product":"whatsapp"}"#)
    }

    @Test func emptyCaptionIsOmitted() throws {
        #expect(
            try render(.media(.init(kind: .image, id: "ID", caption: "")))
                == #"{"to":"5491112345678","type":"image","image":{"id":"ID"},"messaging_product":"whatsapp"}"#)
    }

    @Test func videoWithCaption() throws {
        #expect(
            try render(.media(.init(kind: .video, url: "https://x/v.mp4", caption: "Mirá 🎬")))
                == #"{"to":"5491112345678","type":"video","video":{"link":"https://x/v.mp4","caption":"Mirá 🎬"},"messaging_product":"whatsapp"}"#)
    }

    @Test func audioDropsCaptionAndFilename() throws {
        #expect(
            try render(.media(.init(kind: .audio, id: "AUDIO", caption: "escuchá", filename: "a.ogg")))
                == #"{"to":"5491112345678","type":"audio","audio":{"id":"AUDIO"},"messaging_product":"whatsapp"}"#)
    }

    @Test func documentWithCaptionAndFilename() throws {
        #expect(
            try render(.media(.init(kind: .document, url: "https://x/f.pdf", caption: "Tu factura", filename: "factura-ñ.pdf")))
                == #"{"to":"5491112345678","type":"document","document":{"link":"https://x/f.pdf","caption":"Tu factura","filename":"factura-ñ.pdf"},"messaging_product":"whatsapp"}"#
        )
        #expect(
            try render(.media(.init(kind: .document, id: "DOC", filename: "f.pdf")))
                == #"{"to":"5491112345678","type":"document","document":{"id":"DOC","filename":"f.pdf"},"messaging_product":"whatsapp"}"#)
        #expect(
            try render(.media(.init(kind: .document, id: "DOC", filename: "")))
                == #"{"to":"5491112345678","type":"document","document":{"id":"DOC"},"messaging_product":"whatsapp"}"#)
    }

    @Test func filenameOnlyForDocuments() throws {
        #expect(
            try render(.media(.init(kind: .image, id: "ID", filename: "x.png")))
                == #"{"to":"5491112345678","type":"image","image":{"id":"ID"},"messaging_product":"whatsapp"}"#)
    }

    @Test func mediaNeedsIdOrUrl() {
        let error = bad("Media message must have either an id or a url")
        for kind in OutboundMessage.MediaKind.allCases {
            #expect(failure(.media(.init(kind: kind, caption: "x"))) == error)
        }
        #expect(failure(.media(.init(kind: .image, id: "", url: " "))) == error)
    }

    // MARK: - Templates

    @Test func templateWithoutComponents() throws {
        #expect(
            try render(.template(.init(name: "hello_world", language: "en_US")))
                == #"{"to":"5491112345678","type":"template","template":{"name":"hello_world","language":{"code":"en_US"}},"messaging_product":"whatsapp"}"#)
    }

    @Test func templateComponents() throws {
        let template = OutboundMessage.TemplateMessage(
            name: " pedido_listo ", language: " es_AR ",
            components: [
                .init(type: "header", parameters: ["Ñandú"]),
                .init(type: " BODY ", parameters: ["Juan", ""]),
                .init(type: "button", subType: " QUICK_REPLY ", index: 0, parameters: ["Sí"]),
                .init(type: "button", subType: "url", index: 1, parameters: ["abc?x=1"]),
                .init(type: "footer", parameters: []),
            ])
        let json = try render(.template(template))
        #expect(
            json
                == #"{"to":"5491112345678","type":"template","template":{"name":"pedido_listo","language":{"code":"es_AR"},"components":[{"type":"header","parameters":[{"type":"text","text":"Ñandú"}]},{"type":"body","parameters":[{"type":"text","text":"Juan"},{"type":"text","text":""}]},{"type":"button","sub_type":"quick_reply","index":0,"parameters":[{"type":"text","text":"Sí"}]},{"type":"button","sub_type":"url","index":1,"parameters":[{"type":"text","text":"abc?x=1"}]},{"type":"footer"}]},"messaging_product":"whatsapp"}"#
        )
    }

    @Test func templateDropsTypelessComponentsNonFiniteIndexAndBlankSubType() throws {
        let template = OutboundMessage.TemplateMessage(
            name: "t", language: "es",
            components: [
                .init(type: "  ", parameters: ["lost"]),
                .init(type: "button", subType: "  ", index: .nan, parameters: []),
                .init(type: "button", index: .infinity, parameters: []),
                .init(type: "button", index: 2.5, parameters: []),
            ])
        #expect(
            try render(.template(template))
                == #"{"to":"5491112345678","type":"template","template":{"name":"t","language":{"code":"es"},"components":[{"type":"button"},{"type":"button"},{"type":"button","index":2.5}]},"messaging_product":"whatsapp"}"#
        )
        let allDropped = OutboundMessage.TemplateMessage(name: "t", language: "es", components: [.init(type: "", parameters: ["x"])])
        #expect(
            try render(.template(allDropped))
                == #"{"to":"5491112345678","type":"template","template":{"name":"t","language":{"code":"es"}},"messaging_product":"whatsapp"}"#)
    }

    @Test func templateNeedsNameAndLanguage() {
        let error = bad("Missing template name or language")
        #expect(failure(.template(.init(name: "", language: "es"))) == error)
        #expect(failure(.template(.init(name: "  ", language: "es"))) == error)
        #expect(failure(.template(.init(name: "t", language: ""))) == error)
        #expect(failure(.template(.init(name: "t", language: "\t"))) == error)
    }

    // MARK: - WhatsApp Flows

    @Test func minimalFlow() throws {
        #expect(
            try render(.flow(.init(flowId: "123", cta: "Abrir", body: "")))
                == #"{"to":"5491112345678","type":"interactive","interactive":{"type":"flow","action":{"name":"flow","parameters":{"flow_message_version":"3","flow_id":"123","flow_cta":"Abrir"}}},"messaging_product":"whatsapp"}"#
        )
    }

    @Test func fullFlowInMetaDocumentedOrder() throws {
        let flow = OutboundMessage.FlowMessage(
            flowId: "1234567890", flowToken: "tok-1", cta: "Reservar", header: "Turnos", body: "Elegí día y hora 📅", footer: "Gratis",
            mode: "draft", action: "navigate", actionPayload: ["screen": "BOOKING", "data": ["name": "Ana", "n": 2]])
        #expect(
            try render(.flow(flow))
                == #"{"to":"5491112345678","type":"interactive","interactive":{"type":"flow","header":{"type":"text","text":"Turnos"},"body":{"text":"Elegí día y hora 📅"},"footer":{"text":"Gratis"},"action":{"name":"flow","parameters":{"flow_message_version":"3","flow_id":"1234567890","flow_cta":"Reservar","flow_token":"tok-1","mode":"draft","flow_action":"navigate","flow_action_payload":{"screen":"BOOKING","data":{"name":"Ana","n":2}}}}},"messaging_product":"whatsapp"}"#
        )
    }

    @Test func flowTrimsTextAndOmitsBlankParts() throws {
        let flow = OutboundMessage.FlowMessage(
            flowId: " 42 ", flowToken: " ", cta: " Abrir ", header: "  ", body: " Hola ", footer: "\n", mode: "", action: "data_exchange",
            actionPayload: .null)
        #expect(
            try render(.flow(flow))
                == #"{"to":"5491112345678","type":"interactive","interactive":{"type":"flow","body":{"text":"Hola"},"action":{"name":"flow","parameters":{"flow_message_version":"3","flow_id":"42","flow_cta":"Abrir","flow_action":"data_exchange"}}},"messaging_product":"whatsapp"}"#
        )
    }

    @Test func flowHeaderAndFooterEachOnTheirOwn() throws {
        #expect(
            try render(.flow(.init(flowId: "1", cta: "Go", header: "H", body: "")))
                == #"{"to":"5491112345678","type":"interactive","interactive":{"type":"flow","header":{"type":"text","text":"H"},"action":{"name":"flow","parameters":{"flow_message_version":"3","flow_id":"1","flow_cta":"Go"}}},"messaging_product":"whatsapp"}"#
        )
        #expect(
            try render(.flow(.init(flowId: "1", flowToken: "t", cta: "Go", body: "", footer: "F")))
                == #"{"to":"5491112345678","type":"interactive","interactive":{"type":"flow","footer":{"text":"F"},"action":{"name":"flow","parameters":{"flow_message_version":"3","flow_id":"1","flow_cta":"Go","flow_token":"t"}}},"messaging_product":"whatsapp"}"#
        )
    }

    @Test func flowNeedsIdAndCta() {
        let error = bad("Missing WhatsApp Flow ID or CTA")
        #expect(failure(.flow(.init(flowId: "", cta: "Go", body: "b"))) == error)
        #expect(failure(.flow(.init(flowId: "  ", cta: "Go", body: "b"))) == error)
        #expect(failure(.flow(.init(flowId: "1", cta: "", body: "b"))) == error)
        #expect(failure(.flow(.init(flowId: "1", cta: " \t", body: "b"))) == error)
    }

    // MARK: - Error value

    @Test func errorDescribesItselfWithItsMessage() {
        let error = CloudAPIRenderError(status: 400, message: "Missing template name or language")
        #expect(error.description == "Missing template name or language")
        #expect(error.status == 400)
        #expect(error != CloudAPIRenderError(status: 500, message: "Missing template name or language"))
    }
}
