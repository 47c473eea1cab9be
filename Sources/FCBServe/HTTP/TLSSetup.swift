import Foundation
import NIOSSL

/// HTTPS from `TLS_CERT` / `TLS_KEY` (PEM): every failure names the file and says what is wrong
/// before the server binds.
package enum TLSSetup {
    package static func serverConfiguration(_ files: ServeConfiguration.TLSFiles) throws(ServeConfigurationError) -> TLSConfiguration {
        let certificateBytes = try read(files.certificatePath, setting: "TLS_CERT")
        let keyBytes = try read(files.keyPath, setting: "TLS_KEY")
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(certificateBytes)
        } catch {
            throw ServeConfigurationError("TLS_CERT \(files.certificatePath): not a valid PEM certificate (\(error))")
        }
        guard !certificates.isEmpty else {
            throw ServeConfigurationError("TLS_CERT \(files.certificatePath): no certificate in the file (expected a -----BEGIN CERTIFICATE----- block)")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: keyBytes, format: .pem)
        } catch {
            if String(decoding: keyBytes, as: UTF8.self).contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
                throw ServeConfigurationError(
                    "TLS_KEY \(files.keyPath): the private key is encrypted; give an unencrypted copy (openssl pkey -in KEY -out PLAIN) and keep it readable only by fcb"
                )
            }
            throw ServeConfigurationError(
                "TLS_KEY \(files.keyPath): not a valid unencrypted PEM private key (expected a -----BEGIN … PRIVATE KEY----- block; \(error))")
        }
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(key))
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw ServeConfigurationError(
                "TLS_CERT \(files.certificatePath) and TLS_KEY \(files.keyPath) cannot be used together (does the key belong to the certificate?): \(error)")
        }
        return configuration
    }

    private static func read(_ path: String, setting: String) throws(ServeConfigurationError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ServeConfigurationError("\(setting) \(path): no such file")
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw ServeConfigurationError("\(setting) \(path): cannot read the file (is it a readable file?)")
        }
        return Array(data)
    }
}
