import Foundation

@testable import DriftlineCore

/// A parsed JSON value in a form two parsers can be compared by: strings as UTF-8 bytes (so no
/// Unicode normalisation hides a difference), numbers as bit patterns, objects with the last of
/// any repeated member.
indirect enum JSONTree: Equatable, CustomStringConvertible {
    case object([[UInt8]: JSONTree])
    case array([JSONTree])
    case string([UInt8])
    case number(UInt64)
    case bool(Bool)
    case null

    var description: String {
        switch self {
        case .object(let members):
            "{"
                + members.map { "\(String(decoding: $0.key, as: UTF8.self)): \($0.value)" }.sorted().joined(
                    separator: ", ") + "}"
        case .array(let elements): "[" + elements.map(\.description).joined(separator: ", ") + "]"
        case .string(let bytes): "\"\(String(decoding: bytes, as: UTF8.self))\""
        case .number(let bits): "\(Double(bitPattern: bits))"
        case .bool(let flag): "\(flag)"
        case .null: "null"
        }
    }

    /// Parses `bytes` with `JSONScanner` (any top-level value).
    static func scan(_ bytes: [UInt8]) -> Result<JSONTree, JSONScanner.Failure> {
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count + 1)
        defer { scratch.deallocate() }
        return bytes.withUnsafeBytes { buffer in
            var scanner = JSONScanner(buffer, scratch: scratch)
            do throws(JSONScanner.Failure) {
                scanner.skipByteOrderMark()
                let tree = try value(&scanner)
                try scanner.expectEnd()
                return .success(tree)
            } catch {
                return .failure(error)
            }
        }
    }

    private static func value(_ s: inout JSONScanner) throws(JSONScanner.Failure) -> JSONTree {
        switch try s.valueStart() {
        case .object:
            var members: [[UInt8]: JSONTree] = [:]
            guard try s.beginObject() else { return .object(members) }
            repeat {
                let key = Array(try s.readKey())
                members[key] = try value(&s)
            } while try s.nextMember()
            return .object(members)
        case .array:
            var elements: [JSONTree] = []
            guard try s.beginArray() else { return .array(elements) }
            repeat { elements.append(try value(&s)) } while try s.nextElement()
            return .array(elements)
        case .string:
            return .string(Array(try s.readString()))
        case .number:
            let number = try s.readNumber()
            // Foundation reads an integer -0 as the integer 0 (see `foundation(_:)`).
            return .number(number.isInteger && number.value == 0 ? 0 : number.value.bitPattern)
        case .literal:
            return try s.readLiteral().map { .bool($0) } ?? .null
        }
    }

    /// Parses `bytes` with Foundation's `JSONSerialization` (fragments allowed); nil if it rejects them.
    ///
    /// Foundation hands numbers it cannot hold exactly in an integer or a short decimal as
    /// `NSDecimalNumber`, whose `doubleValue` is not always correctly rounded (`0.30000000000000004`
    /// comes back one ulp off); for those the reference is Swift's correctly rounded
    /// `Double(String)` of the same text, which Foundation's `NSDecimalNumber.stringValue` gives.
    /// An integer `-0` comes back as the integer 0, so it is compared as +0.
    static func foundation(_ bytes: [UInt8]) -> JSONTree? {
        guard let any = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else {
            return nil
        }
        return convert(any)
    }

    private static func convert(_ any: Any) -> JSONTree {
        switch any {
        case let dictionary as [String: Any]:
            var members: [[UInt8]: JSONTree] = [:]
            for (key, value) in dictionary { members[Array(key.utf8)] = convert(value) }
            return .object(members)
        case let array as [Any]:
            return .array(array.map(convert))
        case let string as String:
            return .string(Array(string.utf8))
        case is NSNull:
            return .null
        case let decimal as NSDecimalNumber:
            return .number(Double(decimal.stringValue)!.bitPattern)
        case let number as NSNumber:
            if String(describing: type(of: number)) == "__NSCFBoolean" { return .bool(number.boolValue) }
            return .number(number.doubleValue.bitPattern)
        default:
            fatalError("unexpected Foundation value \(any)")
        }
    }
}
