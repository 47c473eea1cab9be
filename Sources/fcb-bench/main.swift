import FlowEngine
// Benchmarks for fcb's foundation (run in release: `bench/run.sh`). Never part of the tests:
// timings on a shared 2-core machine are reported side by side, not asserted.
import Foundation

/// A realistic flow of `count` nodes: trigger → (message → options → condition → assign → api
/// → media → delay …) chains, every node connected, conditions and placeholders included.
func generateFlow(nodes count: Int) -> String {
    var nodes: [String] = []
    var edges: [String] = []
    var edgeNumber = 0
    func addEdge(_ source: String, _ target: String, _ handle: String? = nil) {
        edgeNumber += 1
        let h = handle.map { "\"\($0)\"" } ?? "null"
        edges.append(#"    {"id": "e\#(edgeNumber)", "source": "\#(source)", "target": "\#(target)", "sourceHandle": \#(h), "targetHandle": null}"#)
    }
    func add(_ id: String, _ type: String, _ data: String, _ i: Int) {
        nodes.append(
            #"    {"id": "\#(id)", "type": "\#(type)", "position": {"x": \#(i % 40 * 250), "y": \#(i / 40 * 180)}, "data": \#(data), "width": 220, "height": 96}"#
        )
    }
    var i = 0
    var chain = 0
    while i < count {
        let p = "c\(chain)-"
        add(p + "trigger", "trigger", #"{"name": "Inicio \#(chain)", "keyword": "palabra\#(chain)x"}"#, i)
        var previous = p + "trigger"
        i += 1
        var step = 0
        while i < count - 1 && step < 40 {
            let id = p + "n\(step)"
            switch step % 8 {
            case 0:
                add(
                    id, "message", #"{"name": "Saludo", "text": "Hola {{contact.name}}, bienvenido a la tienda número \#(chain). ¿En qué te ayudamos hoy?"}"#, i
                )
            case 1:
                add(id, "options", #"{"name": "Menú", "text": "Elegí una opción:", "options": ["Ver productos", "Estado de pedido", "Hablar con alguien"]}"#, i)
            case 2:
                add(
                    id, "condition",
                    #"{"name": "¿Cliente?", "expression": "context.lastSelectedOptionIndex === 0 && Number(context.total) > 100 || context.input?.toLowerCase?.().includes('ok')"}"#,
                    i)
            case 3: add(id, "assign", #"{"name": "Guardar", "key": "pedido.estado", "value": "{{lastUserMessageTrimmed}}"}"#, i)
            case 4:
                add(
                    id, "api",
                    #"{"name": "Consultar", "url": "https://api.example.com/orders/{{pedido.id}}", "method": "GET", "headers": {"Authorization": "Bearer {{token}}"}, "assignTo": "order"}"#,
                    i)
            case 5:
                add(
                    id, "media",
                    #"{"name": "Catálogo", "mediaType": "document", "url": "https://cdn.example.com/catalogo.pdf", "caption": "Catálogo {{mes}}"}"#, i)
            case 6: add(id, "delay", #"{"name": "Pausa", "seconds": 2}"#, i)
            default: add(id, "message", #"{"name": "Aviso", "text": "Tu pedido {{order.id}} está {{order.status}}."}"#, i)
            }
            let previousIsOptions = step % 8 == 2
            let previousIsCondition = step % 8 == 3
            if previousIsOptions {
                addEdge(previous, id, "opt-0")
                addEdge(previous, id, "opt-1")
                addEdge(previous, id, "opt-2")
                addEdge(previous, id, "no-match")
            } else if previousIsCondition {
                addEdge(previous, id, "true")
                addEdge(previous, id, "false")
            } else {
                addEdge(previous, id)
            }
            previous = id
            i += 1
            step += 1
        }
        if i < count {
            add(p + "end", "end", #"{"reason": "fin"}"#, i)
            if step % 8 == 2 {
                addEdge(previous, p + "end", "opt-0")
                addEdge(previous, p + "end", "opt-1")
                addEdge(previous, p + "end", "opt-2")
                addEdge(previous, p + "end", "no-match")
            } else if step % 8 == 3 {
                addEdge(previous, p + "end", "true")
                addEdge(previous, p + "end", "false")
            } else {
                addEdge(previous, p + "end")
            }
            i += 1
        }
        chain += 1
    }
    return "{\n  \"nodes\": [\n" + nodes.joined(separator: ",\n") + "\n  ],\n  \"edges\": [\n" + edges.joined(separator: ",\n") + "\n  ]\n}\n"
}

func measure(_ runs: Int, _ body: () -> Void) -> (median: Double, min: Double) {
    var samples: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    samples.sort()
    return (samples[samples.count / 2], samples[0])
}

let arguments = CommandLine.arguments
if arguments.count > 1, arguments[1] == "store" {
    let items = arguments.count > 2 ? Int(arguments[2]) ?? 2000 : 2000
    for line in await benchmarkStore(items: items) { print(line) }
    exit(0)
}
if arguments.count > 1, arguments[1] == "socketio" {
    do {
        let options = try SocketIOOptions(arguments.dropFirst(2))
        exit(await benchmarkSocketIO(options) ? 0 : 1)
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n\(SocketIOOptions.usage)\n".utf8))
        exit(2)
    }
}
if arguments.count > 1, arguments[1] == "pipeline" {
    do {
        let options = try PipelineOptions(arguments.dropFirst(2))
        exit(await benchmarkPipeline(options) ? 0 : 1)
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n\(PipelineOptions.usage)\n".utf8))
        exit(2)
    }
}
if arguments.count > 1, arguments[1] == "executor" {
    let runs = arguments.count > 2 ? Int(arguments[2]) ?? 20 : 20
    for line in await benchmarkExecutor(runs: runs) { print(line) }
    exit(0)
}
let nodeCount = arguments.count > 1 ? Int(arguments[1]) ?? 5000 : 5000
let runs = arguments.count > 2 ? Int(arguments[2]) ?? 15 : 15
if arguments.contains("--write") {
    FileHandle.standardOutput.write(Data(generateFlow(nodes: nodeCount).utf8))
    exit(0)
}

let text = generateFlow(nodes: nodeCount)
let bytes = Array(text.utf8)
let data = Data(bytes)
var sink = 0

// Warm up every path once.
_ = try? JSONParser().parse(bytes)
_ = FlowValidator().validate(bytes: bytes)

let foundation = measure(runs) { sink &+= ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any])?.count ?? 0 }
let positioned = measure(runs) { sink &+= (try? JSONParser().parse(bytes))?.members?.count ?? 0 }
let plain = measure(runs) { sink &+= (try? JSONValue(parsing: bytes))?.objectValue?.count ?? 0 }
var findings = 0
let validation = measure(runs) { findings = FlowValidator().validate(bytes: bytes).count }

func row(_ name: String, _ m: (median: Double, min: Double), limit: String, ratio: String) -> String {
    name.padding(toLength: 44, withPad: " ", startingAt: 0)
        + String(format: "%9.1f ms %9.1f ms", m.median, m.min) + "  " + limit.padding(toLength: 18, withPad: " ", startingAt: 0) + ratio
}

print("validate-flow on a generated \(nodeCount)-node flow (\(bytes.count / 1024) KiB, \(findings) findings), \(runs) runs each")
print("measurement".padding(toLength: 44, withPad: " ", startingAt: 0) + "   median       min  limit             ratio")
print(row("parse only: Foundation JSONSerialization", foundation, limit: "", ratio: "1.00× (baseline)"))
print(row("parse only: fcb JSONParser (positions)", positioned, limit: "", ratio: String(format: "%.2f× Foundation", positioned.median / foundation.median)))
print(row("parse only: fcb JSONValue", plain, limit: "", ratio: String(format: "%.2f× Foundation", plain.median / foundation.median)))
print(row("validate-flow (parse + all rules)", validation, limit: "≤ 200 ms", ratio: String(format: "%.2f× of limit", validation.median / 200)))
print(row("validate-flow vs parse (Foundation)", validation, limit: "≤ 3× parse", ratio: String(format: "%.2f× parse", validation.median / foundation.median)))
print(
    row("validate-flow vs parse (fcb JSONParser)", validation, limit: "≤ 3× parse", ratio: String(format: "%.2f× parse", validation.median / positioned.median))
)
appendSummary([
    (
        "validate-flow, \(nodeCount) nodes (in process)", String(format: "%.1f ms", validation.median), "≤ 200 ms",
        String(format: "%.2f× of limit", validation.median / 200)
    ),
    (
        "validate-flow vs parse (Foundation)", String(format: "%.2f× parse", validation.median / foundation.median), "≤ 3× parse",
        String(format: "%.2f× of limit", validation.median / foundation.median / 3)
    ),
    (
        "validate-flow vs parse (fcb JSONParser)", String(format: "%.2f× parse", validation.median / positioned.median), "≤ 3× parse",
        String(format: "%.2f× of limit", validation.median / positioned.median / 3)
    ),
])
if sink == 42 { print("") }
