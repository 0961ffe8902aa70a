import DriftlineCore
import Foundation

/// A record the engine could not use, with why, where it came from and its raw bytes.
public struct DeadLetter: Encodable, Sendable {
    /// Stable reason code: a decode error code, `late` or `rejected`.
    public var code: String
    /// What is wrong, for the person who has to fix the producer, the mapping or the topology.
    public var reason: String
    /// The source's name.
    public var source: String
    /// Where in the source: the line number for files.
    public var position: Int
    /// The payload as text when it is valid UTF-8.
    public var raw: String?
    /// The payload in base64 when it is not valid UTF-8.
    public var rawBase64: String?
    /// Processing time, epoch milliseconds.
    public var at: Int64

    /// A dead letter holding a copy of `payload`.
    public init(code: String, reason: String, source: String, position: Int, payload: UnsafeRawBufferPointer, at: Int64)
    {
        self.code = code
        self.reason = reason
        self.source = source
        self.position = position
        self.at = at
        let bytes = Array(payload)
        if let text = String(validating: bytes, as: UTF8.self) {
            raw = text
        } else {
            rawBase64 = Data(bytes).base64EncodedString()
        }
    }

    private enum CodingKeys: String, CodingKey {
        case code, reason, source, position, raw
        case rawBase64 = "raw_base64"
        case at
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(reason, forKey: .reason)
        try c.encode(source, forKey: .source)
        try c.encode(position, forKey: .position)
        try c.encodeIfPresent(raw, forKey: .raw)
        try c.encodeIfPresent(rawBase64, forKey: .rawBase64)
        try c.encode(Timestamp.format(at), forKey: .at)
    }
}
