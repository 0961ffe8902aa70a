import DriftlineConnectors
public import DriftlineCore
import Foundation
import SystemPackage

/// Loads the baselines a topology names: files, or directories of `*.json` baseline files.
public enum BaselineCatalog {
    /// Every baseline under `paths`; a file that is not a valid baseline is an error naming it.
    public static func load(paths: [String]) throws -> [Baseline] {
        var baselines: [Baseline] = []
        var seen: [String: String] = [:]
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ConnectorError(.cannotOpen, "\(path): no such baseline file or directory")
            }
            let files: [String]
            if isDirectory.boolValue {
                files = try FileManager.default.contentsOfDirectory(atPath: path)
                    .filter { $0.hasSuffix(".json") }.sorted().map { FilePath(path).appending($0).string }
            } else {
                files = [path]
            }
            for file in files {
                let baseline = try BaselineFiles.load(from: URL(fileURLWithPath: file))
                let id = "\(baseline.model) \(baseline.version)"
                if let other = seen[id] {
                    throw ConnectorError(.invalidData, "\(file): a second baseline for \(id) (the first is \(other))")
                }
                seen[id] = file
                baselines.append(baseline)
            }
        }
        return baselines
    }
}
