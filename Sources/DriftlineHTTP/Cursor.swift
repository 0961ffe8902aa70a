import DriftlineStore
import Foundation

/// The opaque `cursor` of a page: base64url (no padding) of a small JSON object holding the
/// query kind and the order key of the page's last row.
enum Cursor {
    private struct Token: Codable {
        var kind: String
        var key: [Value]
    }

    private enum Value: Codable {
        case integer(Int64)
        case text(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int64.self) {
                self = .integer(number)
            } else {
                self = .text(try container.decode(String.self))
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .integer(let number): try container.encode(number)
            case .text(let text): try container.encode(text)
            }
        }
    }

    /// The cursor of `position`.
    static func encode(_ position: StoreQuery.Position) -> String {
        let key = position.values.map { value -> Value in
            switch value {
            case .integer(let number): .integer(number)
            case .text(let text): .text(text)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(Token(kind: position.kind.rawValue, key: key))) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The position `text` encodes for a query of `kind`; nil when it is no cursor of such a query.
    static func decode(_ text: String, kind: StoreQuery.Kind) -> StoreQuery.Position? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let token = try? JSONDecoder().decode(Token.self, from: data),
            token.kind == kind.rawValue, token.key.count == kind.orderKey.count
        else { return nil }
        var values: [StoreQuery.Position.Value] = []
        for (value, column) in zip(token.key, kind.orderKey) {
            switch (value, column.isInteger) {
            case (.integer(let number), true): values.append(.integer(number))
            case (.text(let text), false): values.append(.text(text))
            default: return nil
            }
        }
        return StoreQuery.Position(kind: kind, values: values)
    }
}
