/// Which of a tenant's active flows handles a message from a contact without an open session
/// (the old backend's `findBestMatchingFlow`, docs/compatibility.md#flow-selection, with its older
/// path's ordering: docs/differences.md#ties-go-to-the-most-recently-updated-flow).
package enum FlowSelector {
    /// The score of one flow: 6 for a keyword match (+2 exact text, +1 exact title, +1 exact
    /// id), 1 for a `default` flow, else 0.
    package static func score(trigger: String?, text: String?, interactiveTitle: String?, interactiveId: String?) -> Int {
        guard let trig = TextNormalization.triggerKey(trigger) else { return 0 }
        let normalizedText = TextNormalization.triggerKey(text)
        let title = TextNormalization.triggerKey(interactiveTitle)
        let id = TextNormalization.triggerKey(interactiveId)
        if trig == "default" { return 1 }
        var candidates: Set<String> = []
        for value in [normalizedText, title, id].compactMap({ $0 }) {
            candidates.insert(value)
            for part in value.split(whereSeparator: { $0.unicodeScalars.allSatisfy(JSCoercion.isWhitespace) }) {
                candidates.insert(String(part))
            }
        }
        let matches =
            candidates.contains(trig) || normalizedText.map { TextNormalization.contains($0, trig) } == true
            || title.map { TextNormalization.contains($0, trig) } == true || id == trig
        guard matches else { return 0 }
        return 6 + (normalizedText == trig ? 2 : 0) + (title == trig ? 1 : 0) + (id == trig ? 1 : 0)
    }

    /// The best flow among `flows` (most recently updated first, as the store returns them):
    /// highest positive score, ties to the most recently updated; when none scores, the most
    /// recently updated flow. Nil only for an empty list.
    package static func best(_ flows: [FlowRecord], text: String?, interactiveTitle: String? = nil, interactiveId: String? = nil) -> FlowRecord? {
        var best: (flow: FlowRecord, score: Int)?
        for flow in flows {
            let s = score(trigger: flow.trigger, text: text, interactiveTitle: interactiveTitle, interactiveId: interactiveId)
            if s > 0, s > (best?.score ?? 0) { best = (flow, s) }
        }
        return best?.flow ?? flows.first
    }
}
