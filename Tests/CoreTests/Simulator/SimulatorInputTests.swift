import Foundation
import Testing

@testable import FCBSimulator
@testable import FlowEngine

@Suite("Simulator input: commands, durations, choices")
struct SimulatorInputTests {
    @Test func messagesAndBlankLines() {
        #expect(SimulatorInput.parse("") == .empty)
        #expect(SimulatorInput.parse("   ") == .empty)
        #expect(SimulatorInput.parse("hola") == .message("hola"))
        #expect(SimulatorInput.parse("  2 ") == .message("  2 "))
    }

    @Test func commands() {
        #expect(SimulatorInput.parse("/help") == .command(.help))
        #expect(SimulatorInput.parse("/vars") == .command(.vars(all: false)))
        #expect(SimulatorInput.parse("/vars all") == .command(.vars(all: true)))
        #expect(SimulatorInput.parse("/VARS ALL") == .command(.vars(all: true)))
        #expect(SimulatorInput.parse("/node") == .command(.node))
        #expect(SimulatorInput.parse("/history") == .command(.history))
        #expect(SimulatorInput.parse("/reset") == .command(.reset))
        #expect(SimulatorInput.parse("/timeout") == .command(.timeout))
        #expect(SimulatorInput.parse("/advance 1h30m") == .command(.advance(milliseconds: 5_400_000)))
        #expect(SimulatorInput.parse("/click 2") == .command(.click(2)))
        #expect(SimulatorInput.parse("/text 2") == .command(.text("2")))
        #expect(SimulatorInput.parse("/text /start") == .command(.text("/start")))
        #expect(SimulatorInput.parse("/save out.transcript") == .command(.save(path: "out.transcript")))
        #expect(SimulatorInput.parse("/quit") == .command(.quit))
        #expect(SimulatorInput.parse("/exit") == .command(.quit))
        #expect(SimulatorInput.parse("/send-media image") == .command(.sendMedia(SimulatedMedia(kind: .image))))
    }

    @Test func badCommandsExplainThemselves() {
        func message(_ line: String) -> String? {
            if case .invalid(let text) = SimulatorInput.parse(line) { return text }
            return nil
        }
        #expect(message("/start")?.contains("unknown command /start") == true)
        #expect(message("/start")?.contains("/text /start") == true)
        #expect(message("/advance")?.hasPrefix("usage: /advance DURATION") == true)
        #expect(message("/advance soon")?.contains("cannot read \"soon\" as a duration") == true)
        #expect(message("/click")?.hasPrefix("usage: /click N") == true)
        #expect(message("/click 0")?.hasPrefix("usage: /click N") == true)
        #expect(message("/vars everything")?.hasPrefix("usage: /vars [all]") == true)
        #expect(message("/send-media")?.hasPrefix("usage: /send-media") == true)
        #expect(message("/send-media gif x")?.contains("unknown media type \"gif\"") == true)
        #expect(message("/save")?.hasPrefix("usage: /save FILE") == true)
        #expect(message("/text")?.hasPrefix("usage: /text MESSAGE") == true)
        #expect(SimulatorCommand.help.isRecorded == false)
        #expect(SimulatorCommand.save(path: "x").isRecorded == false)
        #expect(SimulatorCommand.quit.isRecorded == false)
        #expect(SimulatorCommand.vars(all: false).isRecorded)
        #expect(SimulatorCommand.advance(milliseconds: 1).isRecorded)
    }

    @Test(arguments: [
        ("30s", 30_000), ("5m", 300_000), ("2h", 7_200_000), ("1d", 86_400_000), ("250ms", 250), ("1h30m", 5_400_000),
        ("1.5h", 5_400_000), ("90", 90_000), ("1d 2h", 93_600_000), ("25h", 90_000_000), ("2 hours", 7_200_000),
    ])
    func durations(text: String, milliseconds: Int) {
        #expect(SimulatorDuration.parse(text) == milliseconds)
    }

    @Test func invalidDurations() {
        for text in ["", "h", "5x", "-5s", "1h-", "abc", "9999d", "nan"] {
            #expect(SimulatorDuration.parse(text) == nil, "\(text)")
        }
    }

    @Test func durationFormatting() {
        #expect(SimulatorDuration.format(milliseconds: 250) == "250ms")
        #expect(SimulatorDuration.format(milliseconds: 3000) == "3s")
        #expect(SimulatorDuration.format(milliseconds: 1500) == "1.5s")
        #expect(SimulatorDuration.format(milliseconds: 90_000) == "1m 30s")
        #expect(SimulatorDuration.format(milliseconds: 86_400_000) == "24h")
        #expect(SimulatorDuration.format(milliseconds: 90_000_000) == "25h")
        #expect(SimulatorDuration.format(milliseconds: 2 * 86_400_000 + 3_600_000) == "2d 1h")
    }

    static let list = OutboundMessage.list(
        body: "Elegí", button: "Ver temas",
        sections: [.init(rows: [.init(id: "horarios", title: "Horarios"), .init(id: "envios", title: "Envíos a domicilio")])])

    @Test func choicesOfButtonsAndLists() throws {
        let buttons = OutboundMessage.buttons(body: "¿Seguimos?", buttons: [.init(id: "si", title: "Sí"), .init(id: "no", title: "No")])
        let buttonChoices = try #require(SimulatorChoice.choices(in: buttons))
        #expect(buttonChoices.map(\.replyType) == ["button_reply", "button_reply"])
        let listChoices = try #require(SimulatorChoice.choices(in: Self.list))
        #expect(listChoices.map(\.number) == [1, 2])
        #expect(listChoices.map(\.replyType) == ["list_reply", "list_reply"])
        #expect(SimulatorChoice.choices(in: .text(body: "hola")) == nil)
    }

    @Test func typedNumberOrTitleBecomesAnInteractiveReply() throws {
        let choices = try #require(SimulatorChoice.choices(in: Self.list))
        #expect(SimulatorChoice.match("2", in: choices)?.id == "envios")
        #expect(SimulatorChoice.match(" envios a DOMICILIO ", in: choices)?.id == "envios")
        #expect(SimulatorChoice.match("Horarios", in: choices)?.id == "horarios")
        #expect(SimulatorChoice.match("3", in: choices) == nil)
        #expect(SimulatorChoice.match("envios", in: choices) == nil)
        let inbound = try #require(SimulatorChoice.match("2", in: choices)).inbound
        #expect(inbound.text == "Envíos a domicilio")
        #expect(inbound.type == "interactive")
        #expect(inbound.interactive == InboundMessage.Interactive(type: "list_reply", id: "envios", title: "Envíos a domicilio"))
    }

    @Test func mediaInbound() throws {
        guard case .command(.sendMedia(let image)) = SimulatorInput.parse("/send-media image https://x.test/a.png mirá esto") else {
            Issue.record("not parsed")
            return
        }
        #expect(image == SimulatedMedia(kind: .image, url: "https://x.test/a.png", caption: "mirá esto"))
        let message = image.inbound(generatedId: "1")
        #expect(message.type == "image")
        #expect(message.text == "mirá esto")
        #expect(message.image == ["link": "https://x.test/a.png", "mime_type": "image/png", "caption": "mirá esto"])

        let document = SimulatedMedia(kind: .document, url: "https://x.test/precios.pdf").inbound(generatedId: "1")
        #expect(document.text == "precios.pdf")
        #expect(document.document?["filename"] == "precios.pdf")

        guard case .command(.sendMedia(let audio)) = SimulatorInput.parse("/send-media audio 123456") else {
            Issue.record("not parsed")
            return
        }
        #expect(audio.id == "123456")
        let voice = audio.inbound(generatedId: "9")
        #expect(voice.text == "[audio]")
        #expect(voice.audio == ["id": "123456", "mime_type": "audio/ogg; codecs=opus"])

        let video = SimulatedMedia(kind: .video).inbound(generatedId: "777")
        #expect(video.text == "[video]")
        #expect(video.video?["id"] == "777")
    }
}
