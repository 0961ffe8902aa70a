public import Foundation

extension JSONEncoder {
    /// The encoder of contract records: sorted keys, slashes unescaped. The sinks and the store's
    /// rollups both use it, so a rollup's record reads like a window result's.
    public static func contractRecords() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
