/// The twelve node types of a flow, in the dashboard's enum order.
package enum NodeType: String, CaseIterable, Sendable, Codable {
    case trigger
    case message
    case options
    case delay
    case condition
    case api
    case assign
    case media
    case whatsappFlow = "whatsapp_flow"
    case handoff
    case goto
    case end

    /// Nodes without effects outside the run (no send, no HTTP call, no wait): evaluating one
    /// again after a crash changes nothing, so the session need not be written before it.
    package var isPure: Bool { self == .trigger || self == .assign || self == .condition || self == .goto }

    /// Nodes where a run stops and waits for the contact's next message.
    package var waitsForInput: Bool { self == .options || self == .handoff }

    /// The source handles the flow builder draws for this type; `nil` means the unnamed handle.
    /// Options handles depend on the option count, see ``FlowNode/validSourceHandles``.
    package var fixedSourceHandles: [String]? {
        switch self {
        case .condition: ["true", "false"]
        case .options: nil
        default: []
        }
    }
}
