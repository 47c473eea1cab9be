import Foundation

/// Reads the inputs of `validate-flow`: files, directories (every `*.json` below, sorted) and `-`.
package struct FlowInputs: Sendable {
    package static let maxFileBytes = 128 << 20
    package static let stdinName = "<stdin>"

    package struct Input: Sendable {
        package let path: String
        package let bytes: [UInt8]?
        package let readError: String?
    }

    /// Expands `paths`; `readStandardInput` is called at most once, for `-`.
    package static func collect(_ paths: [String], readStandardInput: () -> [UInt8]) -> [Input] {
        var inputs: [Input] = []
        var stdinRead = false
        for path in paths {
            if path == "-" {
                guard !stdinRead else { continue }
                stdinRead = true
                let bytes = readStandardInput()
                if bytes.count > maxFileBytes {
                    inputs.append(Input(path: stdinName, bytes: nil, readError: "input is larger than \(maxFileBytes >> 20) MiB"))
                } else {
                    inputs.append(Input(path: stdinName, bytes: bytes, readError: nil))
                }
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                inputs.append(Input(path: path, bytes: nil, readError: "no such file or directory"))
                continue
            }
            if isDirectory.boolValue {
                let files = jsonFiles(under: path)
                if files.isEmpty {
                    inputs.append(Input(path: path, bytes: nil, readError: "directory contains no .json files"))
                }
                inputs.append(contentsOf: files.map(read))
            } else {
                inputs.append(read(path))
            }
        }
        return inputs
    }

    static func read(_ path: String) -> Input {
        if let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int, size > maxFileBytes {
            return Input(path: path, bytes: nil, readError: "file is larger than \(maxFileBytes >> 20) MiB")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return Input(path: path, bytes: nil, readError: "cannot read file (permission denied or not a regular file)")
        }
        return Input(path: path, bytes: [UInt8](data), readError: nil)
    }

    /// Every `.json` file below `directory`, skipping hidden entries and `node_modules`, sorted.
    static func jsonFiles(under directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let components = relative.split(separator: "/")
            if components.contains(where: { $0.hasPrefix(".") || $0 == "node_modules" }) { continue }
            guard relative.hasSuffix(".json") else { continue }
            let full = directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                found.append(full)
            }
        }
        return found.sorted()
    }
}

extension FlowValidator {
    /// Validates every input; unreadable inputs become reports with a `readError`.
    package func validate(_ inputs: [FlowInputs.Input]) -> [FileReport] {
        inputs.map { input in
            guard let bytes = input.bytes else { return FileReport(path: input.path, readError: input.readError) }
            return FileReport(path: input.path, findings: validate(bytes: bytes))
        }
    }
}

/// Totals over all reports and the exit status they mean.
package struct ValidationSummary: Sendable, Equatable {
    package let files: Int
    package let errors: Int
    package let warnings: Int
    package let infos: Int
    package let unreadable: Int

    package init(_ reports: [FileReport]) {
        files = reports.count
        errors = reports.reduce(0) { $0 + $1.count(.error) }
        warnings = reports.reduce(0) { $0 + $1.count(.warning) }
        infos = reports.reduce(0) { $0 + $1.count(.info) }
        unreadable = reports.filter { $0.readError != nil }.count
    }

    /// 2 when an input could not be read, 1 for errors (or warnings with `strict`, or more
    /// warnings than `maxWarnings`), else 0.
    package func exitCode(strict: Bool, maxWarnings: Int? = nil) -> Int32 {
        if unreadable > 0 { return 2 }
        if errors > 0 { return 1 }
        if strict && warnings > 0 { return 1 }
        if let maxWarnings, warnings > maxWarnings { return 1 }
        return 0
    }
}
