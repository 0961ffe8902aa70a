import Foundation

/// Log handlers for the Kafka clients.
public enum KafkaLog {
    /// Writes each line to standard error (the default handler).
    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
