import Foundation
import SystemPackage
import Yams

extension NodeReader {
    /// The text of the file at `path`, decoded as UTF-8.
    static func readFile(path: String) throws(TopologyError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "it is not readable UTF-8 text" : "no such file"
            throw TopologyError(diagnostics: [
                .init(code: .unreadableFile, file: path, line: 0, column: 0, message: "cannot read the file: \(reason)")
            ])
        }
    }

    /// The directory holding the file at `path`, absolute.
    static func directory(of path: String) -> String {
        FilePath(normalized(path: path, against: FileManager.default.currentDirectoryPath)).removingLastComponent()
            .string
    }

    /// The root node of `yaml`'s first document; YAML syntax errors and an empty document become
    /// diagnostics against `file`.
    static func compose(yaml: String, file: String) throws(TopologyError) -> Node {
        func failure(_ code: TopologyError.Code, _ place: (line: Int, column: Int)?, _ message: String) -> TopologyError
        {
            TopologyError(diagnostics: [
                .init(code: code, file: file, line: place?.line ?? 0, column: place?.column ?? 0, message: message)
            ])
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml, .default, .default, .utf8)
        } catch let error as YamlError {
            switch error {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
                .composer(let context, let problem, let mark, _):
                let during = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
                throw failure(.syntax, (mark.line, mark.column), "invalid YAML: \(problem)\(during)")
            case .duplicatedKeysInMapping(let duplicates, let context):
                let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
                throw failure(
                    .duplicateKey, (context.mark.line, context.mark.column),
                    "duplicate key \(names) in one mapping; write each key once")
            case .reader(let problem, let offset, _, _):
                throw failure(.syntax, offset.map { place(at: $0, in: yaml) }, "invalid text: \(problem)")
            default:
                throw failure(.syntax, nil, "invalid YAML: \(error)")
            }
        } catch {
            throw failure(.syntax, nil, "invalid YAML: \(error)")
        }
        guard let root, !isNull(root) else {
            throw failure(.missingKey, (1, 1), "the file is empty")
        }
        return root
    }

    /// The line and column of the UTF-8 byte `offset` in `text`.
    private static func place(at offset: Int, in text: String) -> (line: Int, column: Int) {
        let prefix = text.utf8.prefix(offset)
        let line = prefix.count(where: { $0 == UInt8(ascii: "\n") }) + 1
        let lineStart = prefix.lastIndex(of: UInt8(ascii: "\n")).map { prefix.index(after: $0) } ?? prefix.startIndex
        let column = (String(prefix[lineStart...]) ?? "").unicodeScalars.count + 1
        return (line, column)
    }
}
