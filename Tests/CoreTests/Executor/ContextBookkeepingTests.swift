import Foundation
import Testing

@testable import FCBSupport

@Suite("executor: context and history the dashboard reads")
struct ContextBookkeepingTests {
    static let flow = flowJSON(
        [
            node("t", "trigger", #"{"keyword":"hola"}"#), node("m", "message", #"{"text":"Hola {{name}}"}"#),
            node("o", "options", #"{"text":"¿Seguimos?","options":["Sí","No"]}"#), node("e", "end", #"{"reason":"listo"}"#),
        ],
        [edge("e1", "t", "m"), edge("e2", "m", "o"), edge("e3", "o", "e", handle: "opt-0"), edge("e4", "o", "e", handle: "opt-1")])

    static let t = "2025-11-28T14:03:07.123Z"

    @Test func timestampsAreJavaScriptISOStrings() {
        #expect(ISOTimestamp.string(Date(timeIntervalSince1970: 1_764_338_587.123)) == Self.t)
        #expect(ISOTimestamp.string(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(ISOTimestamp.string(Date(timeIntervalSince1970: -0.001)) == "1969-12-31T23:59:59.999Z")
    }

    @Test func firstRunWritesEveryKeyInTheReferenceOrder() async throws {
        let h = Harness(Self.flow)
        let outcome = try await h.send("Hola")
        #expect(outcome.result == .paused(nodeId: "o"))
        let t = Self.t
        let inPayload =
            #"{"text":"Hola","interactiveId":null,"interactiveType":null,"interactiveTitle":null,"image":null,"video":null,"audio":null,"document":null,"sticker":null}"#
        let expected =
            #"{"triggerMessage":"Hola","_meta":{"history":["#
            + #"{"direction":"in","type":"text","timestamp":"\#(t)","payload":\#(inPayload)},"#
            + #"{"direction":"out","type":"text","timestamp":"\#(t)","payload":{"text":"Hola "}},"#
            + #"{"direction":"out","type":"options","timestamp":"\#(t)","payload":{"text":"¿Seguimos?","options":["Sí","No"]}}]},"#
            + #""lastInteractionAt":"\#(t)","lastInboundAt":"\#(t)","lastInboundType":"text","lastUserMessage":"Hola","#
            + #""lastUserMessageTrimmed":"Hola","lastUserMessageNormalized":"hola","lastUserMessageAt":"\#(t)","input":"Hola","#
            + #""lastInput":"Hola","lastInputTrimmed":"Hola","lastInputNormalized":"hola","lastUserMessageRaw":"Hola","#
            + #""lastInteractiveId":null,"lastInteractiveType":null,"lastInteractiveTitle":null,"#
            + #""inputHistory":[{"text":"Hola","timestamp":"\#(t)"}],"messageCount":1,"#
            + #""lastBotMessage":"¿Seguimos?","lastOutboundAt":"\#(t)","lastBotMessageAt":"\#(t)","lastBotMessageType":"options","#
            + #""lastBotOptions":["Sí","No"]}"#
        #expect(await h.context().serialized() == expected)
        let session = try #require(await h.storedSession())
        #expect(session.status == "Paused")
        #expect(session.currentNodeId == "o")
    }

    @Test func optionsResumeRecordsTheSelection() async throws {
        let h = Harness(Self.flow)
        try await h.send("Hola")
        let outcome = try await h.send("  si ")
        #expect(outcome.result == .completed)
        let context = await h.context()
        let history = try #require(context["_meta"]?["history"]?.arrayValue)
        #expect(history.count == 4)
        #expect(
            history[3].serialized()
                == #"{"direction":"in","type":"option-selection","timestamp":"\#(Self.t)","payload":{"text":"  si ","optionIndex":0,"matchedOption":"Sí","interactiveId":null,"interactiveType":null,"interactiveTitle":null,"image":null,"video":null,"audio":null,"document":null,"sticker":null}}"#
        )
        #expect(context["lastInboundType"] == "option-selection")
        #expect(context["lastSelectedOptionIndex"] == 0)
        #expect(context["lastSelectedOption"] == "Sí")
        #expect(context["lastOptionMatched"] == true)
        #expect(context["lastUserMessageTrimmed"] == "si")
        #expect(context["messageCount"] == 2)
        #expect(context["endReason"] == "listo")
        #expect(context["inputHistory"]?.arrayValue?.count == 2)
        // The keys first written by the resume come last, in the reference's order.
        let keys = try #require(context.objectValue?.keys.suffix(4))
        #expect(Array(keys) == ["lastSelectedOptionIndex", "lastSelectedOption", "lastOptionMatched", "endReason"])
    }

    @Test func twoRunsAreByteIdentical() async throws {
        func transcript() async throws -> String {
            let h = Harness(Self.flow)
            try await h.send("Hola")
            try await h.send("No")
            let messages = await h.messages().map { "\($0.id)|\($0.type)|\($0.content ?? "")|\($0.payload?.serialized() ?? "")|\($0.waMessageId ?? "")" }
            return (await h.context().serialized()) + messages.joined(separator: "\n")
        }
        let first = try await transcript()
        let second = try await transcript()
        #expect(first == second)
    }

    @Test func historyKeepsTheLastFiftyEntries() async throws {
        let h = Harness(flowJSON([node("t", "trigger", #"{"keyword":"default"}"#), node("m", "message", #"{"text":"ok"}"#)], [edge("e1", "t", "m")]))
        for i in 0..<30 { try await h.send("mensaje \(i)") }
        let context = await h.context()
        let history = try #require(context["_meta"]?["history"]?.arrayValue)
        #expect(history.count == 50)
        #expect(history.first?["payload"]?["text"] == "mensaje 5")  // entries 11…60 of 60
        #expect(history[1]["payload"]?["text"] == "ok")
        #expect(context["inputHistory"]?.arrayValue?.count == 30)
        #expect(context["messageCount"] == 30)
    }

    @Test func nonObjectContextIsTreatedAsEmpty() async throws {
        let h = Harness(flowJSON([node("t", "trigger", #"{"keyword":"hola"}"#)]))
        _ = try await h.session(context: .array([1, 2]))
        try await h.send("hola")
        #expect(await h.context()["messageCount"] == 1)
        #expect(await h.context()["triggerMessage"] == "hola")
    }

    @Test func messageCountRecoversFromGarbage() async throws {
        let h = Harness(flowJSON([node("t", "trigger", #"{"keyword":"hola"}"#)]))
        _ = try await h.session(context: ["messageCount": "7", "_meta": "broken", "inputHistory": 3])
        try await h.send("hola")
        let context = await h.context()
        #expect(context["messageCount"] == 1)
        #expect(context["_meta"]?["history"]?.arrayValue?.count == 1)
        #expect(context["inputHistory"]?.arrayValue?.count == 1)
    }
}
