import DriftlineCore
import Foundation
import SystemPackage
import Yams

/// Reads a composed YAML tree against a schema, collecting a diagnostic for every problem
/// instead of stopping at the first, so a user sees everything wrong with a file at once.
///
/// Each reading method returns `nil` (and records why) when the node does not fit; callers go on
/// reading the rest of the file with a default in its place.
struct NodeReader {
    /// The file named in diagnostics.
    let file: String
    /// The directory relative paths in the file are resolved against; absolute.
    let baseDirectory: String
    /// One key of a mapping, where it is written, and its value.
    typealias Pair = (key: String, keyMark: Mark?, value: Node)

    /// Every problem recorded so far.
    private(set) var diagnostics: [TopologyError.Diagnostic] = []

    init(file: String, baseDirectory: String) {
        self.file = file
        self.baseDirectory = NodeReader.normalized(
            path: baseDirectory, against: FileManager.default.currentDirectoryPath)
    }

    /// Records a problem at `mark` (the file as a whole when `nil`).
    mutating func report(_ code: TopologyError.Code, at mark: Mark?, _ message: String) {
        diagnostics.append(
            .init(code: code, file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, message: message))
    }

    /// The recorded problems as an error, or `nil` when there are none.
    var error: TopologyError? {
        diagnostics.isEmpty ? nil : TopologyError(diagnostics: diagnostics)
    }

    // MARK: - Shapes

    /// The key/value pairs of a mapping whose keys are free (segment dimensions), or `nil` if
    /// `node` is not a mapping. Keys that are not plain strings are reported and skipped.
    mutating func pairs(_ node: Node, path: String) -> [Pair]? {
        guard let mapping = node.mapping else {
            report(.wrongType, at: node.mark, "\(Self.name(path)) must be a mapping, not \(Self.describe(node))")
            return nil
        }
        var result: [Pair] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string, !Self.isNull(key) else {
                report(.wrongType, at: key.mark, "keys in \(Self.name(path)) must be words, not \(Self.describe(key))")
                continue
            }
            result.append((name, key.mark, value))
        }
        return result
    }

    /// A mapping checked against a schema: unknown keys are reported (with the closest allowed
    /// key as a suggestion), and so is every absent `required` key, at the mapping's own mark.
    mutating func fields(_ node: Node, path: String, allowed: [String], required: [String] = []) -> Fields? {
        guard let pairs = pairs(node, path: path) else { return nil }
        var fields = Fields(path: path)
        for pair in pairs {
            guard allowed.contains(pair.key) else {
                let place = path.isEmpty ? "at the top level" : "in \(path)"
                let hint =
                    Self.closest(to: pair.key, in: allowed).map { "did you mean '\($0)'?" }
                    ?? "expected one of: \(allowed.joined(separator: ", "))"
                report(.unknownKey, at: pair.keyMark, "unknown key '\(pair.key)' \(place); \(hint)")
                continue
            }
            fields.values[pair.key] = pair.value
        }
        for key in required where fields.values[key] == nil {
            let place = path.isEmpty ? "at the top level" : "in \(path)"
            report(.missingKey, at: node.mark, "missing required key '\(key)' \(place)")
        }
        return fields
    }

    /// The items of a sequence, or `nil` if `node` is not one.
    mutating func sequence(_ node: Node, path: String) -> [Node]? {
        guard let sequence = node.sequence else {
            report(.wrongType, at: node.mark, "\(Self.name(path)) must be a list, not \(Self.describe(node))")
            return nil
        }
        return Array(sequence)
    }

    // MARK: - Scalars

    /// The text of a non-null, non-empty scalar.
    mutating func string(_ node: Node, path: String) -> String? {
        guard let scalar = node.scalar, !Self.isNull(node) else {
            report(
                .wrongType, at: node.mark,
                "\(Self.name(path)) must be a word or a quoted string, not \(Self.describe(node))")
            return nil
        }
        guard !scalar.string.isEmpty else {
            report(.invalidValue, at: node.mark, "\(Self.name(path)) must not be empty")
            return nil
        }
        return scalar.string
    }

    /// A string that may be a secret: `${env:NAME}` is the environment variable NAME, `${file:PATH}`
    /// the contents of the file at PATH (resolved like other paths; one trailing line break
    /// dropped), anything else itself. Diagnostics name the variable or file, never a value.
    mutating func secret(_ node: Node, path: String) -> String? {
        guard let text = string(node, path: path) else { return nil }
        guard text.hasPrefix("${"), text.hasSuffix("}"), let colon = text.firstIndex(of: ":") else { return text }
        let scheme = text[text.index(text.startIndex, offsetBy: 2)..<colon]
        let reference = String(text[text.index(after: colon)..<text.index(before: text.endIndex)])
        switch scheme {
        case "env":
            guard let value = ProcessInfo.processInfo.environment[reference], !value.isEmpty else {
                report(
                    .missingSecret, at: node.mark,
                    "\(Self.name(path)) takes its value from the environment variable \(reference), which is not set")
                return nil
            }
            return value
        case "file":
            let file = absolutePath(reference)
            do {
                return try SecretFile.read(file)
            } catch {
                report(
                    .missingSecret, at: node.mark, "\(Self.name(path)) takes its value from '\(file)', which \(error)")
                return nil
            }
        default:
            report(
                .invalidValue, at: node.mark,
                "\(Self.name(path)) refers to '${\(scheme):…}'; a secret is written ${env:NAME} or ${file:PATH}")
            return nil
        }
    }

    /// A name that can stand in ids and file names: letters, digits, `_`, `-` and `.`.
    mutating func identifier(_ node: Node, path: String) -> String? {
        guard let text = string(node, path: path) else { return nil }
        guard text.unicodeScalars.allSatisfy({ Self.identifierScalars.contains($0) }) else {
            report(
                .invalidValue, at: node.mark,
                "\(Self.name(path)) '\(text)' may hold only letters, digits, '_', '-' and '.'")
            return nil
        }
        return text
    }

    /// A whole number no smaller than `minimum`; `_` may group digits (`1_000_000`).
    mutating func int(_ node: Node, path: String, minimum: Int) -> Int? {
        guard let text = number(node, path: path, kind: "a whole number") else { return nil }
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
            report(.wrongType, at: node.mark, "\(Self.name(path)) must be a whole number, not '\(text)'")
            return nil
        }
        guard value >= minimum else {
            report(.invalidValue, at: node.mark, "\(Self.name(path)) must be at least \(minimum), not \(value)")
            return nil
        }
        return value
    }

    /// A finite number.
    mutating func double(_ node: Node, path: String) -> Double? {
        guard let text = number(node, path: path, kind: "a number") else { return nil }
        guard let value = Double(text.replacingOccurrences(of: "_", with: "")), value.isFinite else {
            report(.wrongType, at: node.mark, "\(Self.name(path)) must be a number, not '\(text)'")
            return nil
        }
        return value
    }

    /// A number greater than zero.
    mutating func positiveDouble(_ node: Node, path: String) -> Double? {
        guard let value = double(node, path: path) else { return nil }
        guard value > 0 else {
            report(.invalidValue, at: node.mark, "\(Self.name(path)) must be greater than 0, not \(value)")
            return nil
        }
        return value
    }

    /// `true` or `false`.
    mutating func bool(_ node: Node, path: String) -> Bool? {
        switch node.scalar?.string.lowercased() {
        case "true" where node.scalar?.style == .plain: return true
        case "false" where node.scalar?.style == .plain: return false
        default:
            report(.wrongType, at: node.mark, "\(Self.name(path)) must be true or false, not \(Self.describe(node))")
            return nil
        }
    }

    /// A duration in milliseconds (see `DurationText`), greater than zero when `positive`.
    mutating func duration(_ node: Node, path: String, positive: Bool) -> Int64? {
        guard let text = number(node, path: path, kind: "a duration such as 30s") else { return nil }
        guard let value = DurationText.milliseconds(text) else {
            report(
                .invalidDuration, at: node.mark,
                "invalid duration '\(text)' for \(path); write a whole number and a unit "
                    + "(ms, s, m, h or d), e.g. 500ms, 30s, 5m")
            return nil
        }
        guard !positive || value > 0 else {
            report(.invalidValue, at: node.mark, "\(Self.name(path)) must be longer than 0")
            return nil
        }
        return value
    }

    /// One of `cases`, by raw value; an unknown word is reported with the closest known one.
    mutating func word<Word: RawRepresentable>(_ node: Node, path: String, among cases: [Word]) -> Word?
    where Word.RawValue == String {
        guard let text = string(node, path: path) else { return nil }
        if let word = cases.first(where: { $0.rawValue == text }) { return word }
        reportUnknownWord(text, at: node.mark, path: path, known: cases.map(\.rawValue))
        return nil
    }

    /// Reports `text` as not one of `known`, suggesting the closest.
    mutating func reportUnknownWord(_ text: String, at mark: Mark?, path: String, known: [String]) {
        let list = known.joined(separator: ", ")
        let hint =
            Self.closest(to: text, in: known).map { "did you mean '\($0)'? (one of: \(list))" }
            ?? "expected one of: \(list)"
        report(.invalidValue, at: mark, "unknown value '\(text)' for \(path); \(hint)")
    }

    /// An absolute path: `text` resolved against `baseDirectory` when relative, with `.` and
    /// `..` components removed.
    func absolutePath(_ text: String) -> String {
        Self.normalized(path: text, against: baseDirectory)
    }

    // MARK: - Helpers

    /// The text of a scalar that should hold a number or a duration, reporting any other node.
    private mutating func number(_ node: Node, path: String, kind: String) -> String? {
        guard let scalar = node.scalar, !Self.isNull(node), !scalar.string.isEmpty else {
            report(.wrongType, at: node.mark, "\(Self.name(path)) must be \(kind), not \(Self.describe(node))")
            return nil
        }
        return scalar.string
    }

    private static let identifierScalars = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_-."))

    /// Whether `node` is a plain `null`, `~` or empty scalar.
    static func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// How a node reads in a message: "a mapping", "a list", "nothing", "'text'".
    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar where isNull(node): "nothing (null)"
        case .scalar(let scalar): "'\(scalar.string)'"
        case .alias: "an alias"
        }
    }

    /// A path as the subject of a sentence.
    private static func name(_ path: String) -> String {
        path.isEmpty ? "the file" : path
    }

    /// The candidate closest to `word` by edit distance, if one is close enough to be a typo.
    static func closest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { (candidate: $0, distance: editDistance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        let limit = max(1, min(word.count, best.candidate.count) / 3)
        return best.distance <= limit ? best.candidate : nil
    }

    /// Levenshtein distance between two strings, counted in characters.
    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// `path` made absolute against `directory`, without `.`, `..` or empty components.
    static func normalized(path: String, against directory: String) -> String {
        FilePath(directory).pushing(FilePath(path)).lexicallyNormalized().string
    }
}
