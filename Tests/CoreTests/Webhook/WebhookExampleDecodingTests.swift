import Testing

@testable import FlowEngine
@testable import WhatsAppCloud

@Suite("Webhook examples decode")
struct WebhookExampleDecodingTests {
    @Test func everyExampleDecodesWithoutIssues() throws {
        let names = WebhookExamples.names
        #expect(names.count == 23)
        for name in names {
            let delivery = try WebhookExamples.delivery(name)
            #expect(delivery.issues.isEmpty, "\(name): \(delivery.issues)")
            #expect(delivery.invalidItems.isEmpty, "\(name)")
            #expect(delivery.isWhatsAppBusinessAccount, "\(name)")
            #expect(delivery.phoneNumberIds == ["106540352242922"], "\(name)")
            #expect(delivery.messageEvents.count + delivery.statusEvents.count >= 1, "\(name)")
            for event in delivery.messageEvents {
                #expect(event.isMessagesField)
                #expect(event.metadata?.displayPhoneNumber == "15550783881")
                #expect(event.message.id.hasPrefix("wamid."))
                #expect(event.contact != nil, "\(name): every example message has its contacts[] entry")
            }
        }
    }

    @Test func textHola() throws {
        let delivery = try WebhookExamples.delivery("text-hola.json")
        let event = try #require(delivery.messageEvents.first)
        #expect(event.message.kind == .text)
        #expect(event.message.text?.body == "hola")
        #expect(event.message.from == "5491155550000")
        #expect(event.message.timestamp == "1767225660")
        #expect(event.contact?.profileName == "Lucía Gómez")
        #expect(event.contact?.waId == "5491155550000")
        #expect(delivery.entries.first?.id == "102290129340398")
        let content = event.message.inboundContent
        #expect(content.text == "hola")
        #expect(content.runsFlows)
        #expect(content.inbound == InboundMessage(text: "hola", type: "text", rawText: "hola"))
    }

    @Test func rawItemIsKeptExactly() throws {
        let message = try WebhookExamples.message("text-hola.json")
        #expect(
            message.raw.serialized()
                == #"{"from":"5491155550000","id":"wamid.HBgNNTQ5MTE1NTU1MDAwMBUCABIYFjNFQjA0001QzE2MUYzMUI0QTlEOTcA","timestamp":"1767225660","text":{"body":"hola"},"type":"text"}"#
        )
        #expect(message.pointer.description == "/entry/0/changes/0/value/messages/0")
    }

    @Test func metaStyleEscapesDecode() throws {
        let message = try WebhookExamples.message("text-meta-style-escaped.json")
        #expect(message.text?.body == "¿Tienen envíos a Córdoba? 🚚 https://ferreteria.example/envios")
        let delivery = try WebhookExamples.delivery("text-meta-style-escaped.json")
        #expect(delivery.messageEvents.first?.contact?.profileName == "Lucía Gómez")
    }

    @Test func interactiveReplies() throws {
        let button = try WebhookExamples.message("interactive-button-reply.json")
        #expect(button.kind == .interactive)
        #expect(button.interactive?.type == "button_reply")
        #expect(button.interactive?.buttonReply == .init(id: "envios", title: "Envíos a domicilio", description: nil))
        #expect(button.context?.id == "wamid.HBgNNTQ5MTE1NTU1MDAwMBUCABEYEjQ1QjI0QTU0RTRGMTEzM0FFOQA=")
        #expect(button.context?.from == "15550783881")
        let list = try WebhookExamples.message("interactive-list-reply.json")
        #expect(list.interactive?.listReply == .init(id: "medios_de_pago", title: "Medios de pago", description: "Tarjeta, transferencia o efectivo"))
        let flow = try WebhookExamples.message("interactive-nfm-reply.json")
        #expect(flow.interactive?.nfmReply?.name == "flow")
        #expect(flow.interactive?.nfmReply?.body == "Sent")
        #expect(flow.interactive?.nfmReply?.responseJSON?.hasPrefix(#"{"flow_token":"turno-5491155550000""#) == true)
    }

    @Test func templateButtonAndMedia() throws {
        let button = try WebhookExamples.message("button-template-quick-reply.json")
        #expect(button.kind == .button)
        #expect(button.button == .init(payload: "CONFIRMAR_TURNO", text: "Confirmar turno"))
        let image = try WebhookExamples.message("image.json")
        #expect(image.kind == .image)
        #expect(image.image?.caption == "Así llegó la caja")
        #expect(image.image?.mimeType == "image/jpeg")
        #expect(image.image?.id == "1391672281955937")
        #expect(try WebhookExamples.message("video.json").video?.mimeType == "video/mp4")
        let audio = try WebhookExamples.message("audio-voice.json")
        #expect(audio.audio?.voice == true)
        #expect(audio.audio?.caption == nil)
        let document = try WebhookExamples.message("document.json")
        #expect(document.document?.filename == "factura-A-0001-00012345.pdf")
        #expect(document.document?.caption == "Factura de diciembre")
        #expect(try WebhookExamples.message("sticker.json").sticker?.animated == false)
    }

    @Test func locationContactsReactionOrderSystemUnsupported() throws {
        let location = try WebhookExamples.message("location.json").location
        #expect(
            location
                == .init(
                    latitude: -34.5884918, longitude: -58.4107284, name: "Alto Palermo", address: "Av. Santa Fe 3253, C1425 CABA, Argentina",
                    url: "https://maps.app.goo.gl/x8Z1Gq9o7yZ2"))
        let contacts = try #require(try WebhookExamples.message("contacts.json").contacts)
        #expect(contacts.count == 1)
        #expect(contacts.first?.formattedName == "Martín Pérez")
        #expect(contacts.first?.phones == [.init(phone: "+54 9 11 5555-0101", waId: "5491155550101", type: "CELL")])
        let reaction = try WebhookExamples.message("reaction.json")
        #expect(reaction.reaction == .init(messageId: "wamid.HBgNNTQ5MTE1NTU1MDAwMBUCABEYEjQ1QjI0QTU0RTRGMTEzM0FFOQA=", emoji: "👍"))
        let order = try #require(try WebhookExamples.message("order.json").order)
        #expect(order.catalogId == "889823116543210")
        #expect(
            order.items == [
                .init(productRetailerId: "taladro-percutor-650w", quantity: 1, itemPrice: 89999.99, currency: "ARS"),
                .init(productRetailerId: "mechas-widia-x5", quantity: 2, itemPrice: 12500, currency: "ARS"),
            ])
        let system = try WebhookExamples.message("system-user-changed-number.json")
        #expect(
            system.system
                == .init(
                    body: "Lucía Gómez changed their phone number to a new number 5491155550099", type: "user_changed_number", waId: "5491155550099",
                    userId: nil))
        let unsupported = try WebhookExamples.message("unsupported.json")
        #expect(unsupported.kind == .unsupported)
        #expect(
            unsupported.errors == [
                .init(code: 131051, title: "Message type unknown", message: "Message type unknown", details: "Message type is currently not supported.")
            ])
    }

    @Test func bsuidOnlySender() throws {
        let delivery = try WebhookExamples.delivery("text-bsuid-only.json")
        let event = try #require(delivery.messageEvents.first)
        #expect(event.message.from == nil)
        #expect(event.message.fromUserId == "AR.1083295216478315")
        #expect(
            event.contact
                == WebhookContact(waId: nil, userId: "AR.1083295216478315", profileName: "Lu", username: "@lucia.gomez", raw: event.contact?.raw ?? .null))
        #expect(event.message.inboundContent.text == "hola, ¿siguen abiertos?")
    }

    @Test func statuses() throws {
        let sent = try #require(try WebhookExamples.delivery("status-sent.json").statusEvents.first?.status)
        #expect(sent.deliveryStatus == .sent)
        #expect(sent.recipientId == "5491155550000")
        #expect(sent.conversation == .init(id: "8f2c7a0b4d9e1f3a6b5c2d7e9f0a1b3c", expirationTimestamp: "1767315600", originType: "service"))
        #expect(sent.pricing == .init(billable: false, pricingModel: "PMP", category: "service", type: "free_customer_service"))
        #expect(sent.date?.timeIntervalSince1970 == 1_767_225_661)
        let delivered = try #require(try WebhookExamples.delivery("status-delivered.json").statusEvents.first?.status)
        #expect(delivered.deliveryStatus == .delivered)
        #expect(delivered.recipientUserId == "AR.1083295216478315")
        #expect(try WebhookExamples.delivery("status-read.json").statusEvents.first?.status.deliveryStatus == .read)
        let failed = try #require(try WebhookExamples.delivery("status-failed.json").statusEvents.first?.status)
        #expect(failed.deliveryStatus == .failed)
        #expect(failed.errors.first?.code == 131047)
        #expect(failed.errorText == "Message failed to send because more than 24 hours have passed since the customer last replied to this number.")
    }

    @Test func batchWithTwoContactsAndAStatus() throws {
        let delivery = try WebhookExamples.delivery("batch-two-contacts-and-a-status.json")
        #expect(delivery.changes.count == 2)
        #expect(delivery.messageEvents.map(\.message.text?.body) == ["quiero hablar con alguien", "hola"])
        #expect(delivery.messageEvents.map(\.contact?.profileName) == ["Lucía Gómez", "Jorge Ramírez"])
        #expect(delivery.statusEvents.map(\.status.status) == ["delivered"])
    }
}
