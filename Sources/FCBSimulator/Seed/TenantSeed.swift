import FCBStore
import FCBSupport
import FlowEngine
import Foundation

/// A tenant and its flows from a JSON file (`fcb serve --seed FILE`, `--demo`): what the
/// dashboard would have stored, so a fresh database answers webhooks at once.
///
/// ```json
/// {"user": {"id": "c…", "email": "…", "metaPhoneNumberId": "…", "metaAppSecret": "…",
///           "metaVerifyToken": "…", "metaAccessToken": "…"},
///  "flows": ["flows/seed-options.json", …]}   // paths relative to the seed file
/// ```
package struct TenantSeed: Sendable {
    package var user: UserRecord
    package var flows: [SimulatedFlow]

    package struct Problem: Error, Sendable, CustomStringConvertible {
        package let description: String
    }

    package static func load(path: String, now: Date = Date()) throws(Problem) -> TenantSeed {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "cannot read seed file \(path)")
        }
        let root: JSONValue
        do {
            root = try JSONValue(parsing: Array(data))
        } catch {
            throw Problem(description: "\(path): not valid JSON: \(error.message)")
        }
        guard case .object(let user)? = root["user"] else { throw Problem(description: "\(path): \"user\" must be an object") }
        func field(_ key: String) throws(Problem) -> String? {
            switch user[key] {
            case nil, .null?: return nil
            case .string(let value)?: return value
            case let other?: throw Problem(description: "\(path): user.\(key) must be a string (got \(other.typeName))")
            }
        }
        guard let id = try field("id"), id.hasPrefix("c"), id.count >= 20 else {
            throw Problem(description: "\(path): user.id must be a cuid-style id (c…, 25 characters)")
        }
        guard let email = try field("email"), !email.isEmpty else { throw Problem(description: "\(path): user.email is required") }
        let record = UserRecord(
            id: id, email: email, name: try field("name"), createdAt: now, updatedAt: now, metaVerifyToken: try field("metaVerifyToken"),
            metaAppSecret: try field("metaAppSecret"), metaAccessToken: try field("metaAccessToken"),
            metaPhoneNumberId: try field("metaPhoneNumberId"), metaBusinessAccountId: try field("metaBusinessAccountId"),
            metaPhonePin: try field("metaPhonePin"))
        let base = (path as NSString).deletingLastPathComponent
        var flows: [SimulatedFlow] = []
        for entry in root["flows"]?.arrayValue ?? [] {
            guard let relative = entry.stringValue else { throw Problem(description: "\(path): flows[] must be file paths") }
            let flowPath = relative.hasPrefix("/") ? relative : (base as NSString).appendingPathComponent(relative)
            guard let bytes = FileManager.default.contents(atPath: flowPath) else {
                throw Problem(description: "\(path): cannot read flow \(flowPath)")
            }
            do {
                flows.append(try SimulatorFlowLoader.load(path: flowPath, bytes: Array(bytes)))
            } catch {
                throw Problem(description: error.description)
            }
        }
        return TenantSeed(user: record, flows: flows)
    }

    /// Flow ids: stable per tenant and file name, so a second start updates instead of adding.
    package func flowId(_ index: Int) -> String {
        "cseed" + CUIDGenerator.pad(UInt64(user.id.hashValue32), 10) + CUIDGenerator.pad(UInt64(index), 10)
    }

    /// Writes the tenant (unless it exists) and its flows (created or updated, all Active).
    /// Returns the number of flows written.
    @discardableResult
    package func apply(to store: any FlowStore & TenantStore, now: Date = Date()) async throws(StoreError) -> Int {
        if try await store.user(id: user.id) == nil {
            try await store.insertUser(user)
        }
        for (index, flow) in flows.enumerated() {
            let id = flowId(index)
            let existing = try await store.flow(id: id)
            try await store.saveFlow(
                FlowRecord(
                    id: id, name: flow.name, trigger: flow.trigger, status: FlowRecord.activeStatus, definition: flow.definition,
                    createdAt: existing?.createdAt ?? now, updatedAt: now, userId: user.id))
        }
        return flows.count
    }
}

extension String {
    /// A hash that is the same in every process (Swift's `hashValue` is seeded per process).
    var hashValue32: Int32 {
        var hash: UInt32 = 2_166_136_261
        for byte in utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int32(bitPattern: hash & 0x7fff_ffff)
    }
}
