import FuzzSupport

@testable import FCBPipeline
@testable import FCBStore
@testable import FlowEngine
@testable import WhatsAppCloud

/// Webhook decoding (`Sources/WhatsAppCloud/Webhook`) and splitting (`Sources/FCBPipeline/DeliverySplitter.swift`):
/// the body bytes go through `WebhookDelivery(body:)` exactly as `POST /webhook` does; a
/// decoded delivery is split into inbox items with every `phone_number_id` it names routed to
/// a tenant (so the message/status paths run, not only the unrouted one), and each item's
/// payload is serialised as the store would.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let delivery: WebhookDelivery
    do {
        delivery = try WebhookDelivery(body: bytes)
    } catch {
        _ = error.description
        return 0
    }
    _ = delivery.issues.map(\.description)
    _ = delivery.messageEvents
    _ = delivery.statusEvents
    var tenants: [String: String] = [:]
    for id in delivery.phoneNumberIds { tenants[id.trimmingJSWhitespace()] = "tenant-1" }
    for item in DeliverySplitter(tenants: tenants).items(for: delivery) {
        _ = item.payload.serialized()
    }
    return 0
}

// `<module>_main`: SwiftPM's entry point for this executable, handed to libFuzzer (FuzzSupport).
@_cdecl("FuzzWebhook_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
