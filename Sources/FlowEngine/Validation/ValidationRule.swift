/// The catalogue of `fcb validate-flow` rules: stable ids for suppression, SARIF and docs.
package struct ValidationRule: Sendable, Hashable {
    package let id: String
    package let severity: Severity
    package let summary: String

    package static let jsonSyntax = ValidationRule(id: "json-syntax", severity: .error, summary: "The file is not valid UTF-8 JSON, or nests too deeply.")
    package static let flowShape = ValidationRule(
        id: "flow-shape", severity: .error,
        summary: "The definition cannot be loaded by the executor (wrong top-level shape, node id/type, edge id/source/target).")
    package static let nodeData = ValidationRule(
        id: "node-data", severity: .error, summary: "A node's data breaks the dashboard's schema for its type (types, lengths, required fields).")
    package static let noTrigger = ValidationRule(id: "no-trigger", severity: .error, summary: "No trigger node with a keyword: the flow can never start.")
    package static let duplicateNodeId = ValidationRule(
        id: "duplicate-node-id", severity: .error, summary: "Two nodes share an id; at run time the last one wins.")
    package static let duplicateEdgeId = ValidationRule(
        id: "duplicate-edge-id", severity: .warning, summary: "Two edges share an id; the flow builder cannot tell them apart.")
    package static let duplicateTriggerKeyword = ValidationRule(
        id: "duplicate-trigger-keyword", severity: .warning,
        summary: "Two triggers have the same keyword (after trimming, lower-casing and removing accents); only the first is ever used.")
    package static let triggerShadowed = ValidationRule(
        id: "trigger-shadowed", severity: .warning,
        summary: "An earlier trigger's keyword is contained in this one's, so every message that matches this trigger matches the earlier one first.")
    package static let danglingEdge = ValidationRule(id: "dangling-edge", severity: .error, summary: "An edge's source or target is not a node of the flow.")
    package static let unknownHandle = ValidationRule(
        id: "unknown-handle", severity: .error, summary: "An edge leaves a handle the source node type does not have.")
    package static let missingOptionEdge = ValidationRule(
        id: "missing-option-edge", severity: .warning, summary: "An options node has no edge for one of its options or for no-match.")
    package static let missingConditionBranch = ValidationRule(
        id: "missing-condition-branch", severity: .warning, summary: "A condition node lacks its true or false edge; that branch ends the conversation.")
    package static let extraEdge = ValidationRule(
        id: "extra-edge", severity: .warning, summary: "Only the first outgoing edge of this node type is followed; later edges are ignored.")
    package static let deadEnd = ValidationRule(
        id: "dead-end", severity: .warning, summary: "A node other than end has no way out; the session completes there silently.")
    package static let unreachableNode = ValidationRule(id: "unreachable-node", severity: .warning, summary: "No trigger leads to this node.")
    package static let gotoTarget = ValidationRule(id: "goto-target", severity: .error, summary: "A goto node's target is empty, unknown or the node itself.")
    package static let loopWithoutWait = ValidationRule(
        id: "loop-without-wait", severity: .error, summary: "A cycle with no options or handoff node: a run can only end in the loop guard (session Errored).")
    package static let optionsAsList = ValidationRule(
        id: "options-as-list", severity: .info, summary: "More than 3 options are sent as an interactive list, not buttons.")
    package static let tooManyOptions = ValidationRule(
        id: "too-many-options", severity: .error, summary: "More than 10 options: WhatsApp lists hold at most 10 rows.")
    package static let optionTitleTruncated = ValidationRule(
        id: "option-title-truncated", severity: .warning,
        summary: "An option title is longer than WhatsApp allows (20 for buttons, 24 for list rows) and will be cut.")
    package static let duplicateOptionTitle = ValidationRule(
        id: "duplicate-option-title", severity: .error, summary: "Two option titles are equal after truncation; Meta rejects duplicates (error 131009).")
    package static let emptyInteractiveBody = ValidationRule(
        id: "empty-interactive-body", severity: .error, summary: "An options node has no text; interactive messages need a body.")
    package static let bodyTooLong = ValidationRule(
        id: "body-too-long", severity: .error, summary: "An interactive message body is longer than 1024 characters.")
    package static let headerFooterTooLong = ValidationRule(
        id: "header-footer-too-long", severity: .error, summary: "An interactive header or footer is longer than 60 characters.")
    package static let flowCTATooLong = ValidationRule(
        id: "flow-cta-too-long", severity: .error, summary: "A WhatsApp Flow call-to-action is longer than 20 characters.")
    package static let templateIncomplete = ValidationRule(
        id: "template-incomplete", severity: .error, summary: "A template message lacks its template name or language.")
    package static let mediaMissingSource = ValidationRule(
        id: "media-missing-source", severity: .error, summary: "A media node has neither a URL nor a media id.")
    package static let delayCapped = ValidationRule(
        id: "delay-capped", severity: .warning, summary: "A delay is longer than the runtime cap (60 s by default) and will be shortened.")
    package static let expressionSyntax = ValidationRule(
        id: "expression-syntax", severity: .error, summary: "A condition is not valid in fcb's expression language; it would always be false.")
    package static let unknownFunction = ValidationRule(
        id: "unknown-function", severity: .error, summary: "A condition calls a function, method or identifier fcb's expression language does not have.")
    package static let unresolvablePlaceholder = ValidationRule(
        id: "unresolvable-placeholder", severity: .warning, summary: "A {{…}} placeholder can never resolve and is sent literally.")

    package static let all: [ValidationRule] = [
        .jsonSyntax, .flowShape, .nodeData, .noTrigger, .duplicateNodeId, .duplicateEdgeId,
        .duplicateTriggerKeyword, .triggerShadowed, .danglingEdge, .unknownHandle, .missingOptionEdge,
        .missingConditionBranch, .extraEdge, .deadEnd, .unreachableNode, .gotoTarget, .loopWithoutWait,
        .optionsAsList, .tooManyOptions, .optionTitleTruncated, .duplicateOptionTitle, .emptyInteractiveBody,
        .bodyTooLong, .headerFooterTooLong, .flowCTATooLong, .templateIncomplete, .mediaMissingSource,
        .delayCapped, .expressionSyntax, .unknownFunction, .unresolvablePlaceholder,
    ]

    package static func named(_ id: String) -> ValidationRule? { all.first { $0.id == id } }
}
