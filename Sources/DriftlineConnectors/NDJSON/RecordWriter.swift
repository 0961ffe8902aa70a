import Foundation
import SystemPackage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes NDJSON lines (one JSON object per line) to a file or standard output, buffered and
/// flushed when asked (once per processed batch) and when closed.
public final class RecordWriter {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var pending: [UInt8] = []
    /// Where the records go, for error messages.
    public let name: String
    /// Records written so far.
    public private(set) var count = 0

    /// Creates the file at `path`, making its directory if needed; an existing file is truncated,
    /// or written on at its end when `appending`.
    public init(path: String, appending: Bool = false) throws(ConnectorError) {
        let directory = FilePath(path).removingLastComponent()
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory.string, withIntermediateDirectories: true)
        }
        let fd = open(path, O_WRONLY | O_CREAT | (appending ? O_APPEND : O_TRUNC), 0o644)
        guard fd >= 0 else {
            throw ConnectorError(.cannotOpen, "\(path): \(String(cString: strerror(errno)))")
        }
        descriptor = fd
        ownsDescriptor = true
        name = path
    }

    /// Writes to standard output.
    public init(standardOutput: Void = ()) {
        descriptor = 1
        ownsDescriptor = false
        name = "stdout"
    }

    deinit {
        try? flush()
        if ownsDescriptor { close(descriptor) }
    }

    /// Appends one line (the newline is added).
    public func write(_ line: [UInt8]) {
        pending.append(contentsOf: line)
        pending.append(0x0A)
        count += 1
    }

    /// Writes out everything appended so far.
    public func flush() throws(ConnectorError) {
        var offset = 0
        while offset < pending.count {
            let written = pending.withUnsafeBytes { bytes in
                Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw ConnectorError(.writeFailed, "\(name): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        pending.removeAll(keepingCapacity: true)
    }
}
