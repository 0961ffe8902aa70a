import Foundation

/// Encodes output records (window results, alerts, retraining triggers, dead letters) as the
/// contract's JSON, exactly as every sink writes them and the history store keeps them: keys
/// sorted, slashes unescaped, no trailing newline.
public struct ContractEncoder {
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// An encoder of contract records.
    public init() {}

    /// The UTF-8 JSON of `value`.
    public func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        [UInt8](try encoder.encode(value))
    }
}
