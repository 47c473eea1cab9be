import Foundation

@testable import FlowEngine

/// Builds a flow document with one node or edge per line, so line numbers are predictable:
/// node i is on line 3 + i; edge j on line 5 + nodes.count + j.
func flowText(_ nodes: [String], _ edges: [String] = []) -> String {
    "{\n\"nodes\": [\n" + nodes.joined(separator: ",\n") + "\n],\n\"edges\": [\n" + edges.joined(separator: ",\n") + "\n]\n}\n"
}

func validate(_ text: String, options: ValidationOptions = .init()) -> [Finding] {
    FlowValidator(options: options).validate(bytes: Array(text.utf8))
}

func node(_ id: String, _ type: String, _ data: String = "{}") -> String {
    #"{"id":"\#(id)","type":"\#(type)","position":{"x":0,"y":0},"data":\#(data)}"#
}

func edge(_ id: String, _ source: String, _ target: String, handle: String? = nil) -> String {
    let h = handle.map { #""\#($0)""# } ?? "null"
    return #"{"id":"\#(id)","source":"\#(source)","target":"\#(target)","sourceHandle":\#(h)}"#
}

let triggerHola = node("t", "trigger", #"{"keyword":"hola"}"#)

/// The repository root, found from this file's location.
let repositoryRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

extension Array where Element == Finding {
    func with(rule: String) -> [Finding] { filter { $0.rule == rule } }
    var rules: Set<String> { Set(map(\.rule)) }
}
