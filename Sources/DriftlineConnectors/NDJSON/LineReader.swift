#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads newline-delimited records (NDJSON) from a file or standard input in large chunks and
/// hands out each line's bytes in place, without copying or allocating per line.
///
/// A final line without a newline is still a record; a `\r` before the newline is dropped.
public final class LineReader {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8]
    /// Valid bytes are `buffer[start..<end]`.
    private var start = 0
    private var end = 0
    private var atEOF = false
    /// Number of the next line, counting from 1.
    public private(set) var lineNumber = 1
    /// Where the records come from, for error messages and dead letters.
    public let name: String

    /// Opens `path` for reading.
    public init(path: String, chunkSize: Int = 1 << 20) throws(ConnectorError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw ConnectorError(.cannotOpen, "\(path): \(String(cString: strerror(errno)))")
        }
        descriptor = fd
        ownsDescriptor = true
        name = path
        buffer = Array(repeating: 0, count: chunkSize)
    }

    /// Reads standard input.
    public init(standardInputWithChunkSize chunkSize: Int = 1 << 20) {
        descriptor = 0
        ownsDescriptor = false
        name = "stdin"
        buffer = Array(repeating: 0, count: chunkSize)
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// Calls `body` with up to `maxLines` lines (bytes without the line break, and the line's
    /// number); returns false once the input has ended and every line was handed out.
    public func nextBatch(
        maxLines: Int, _ body: (UnsafeRawBufferPointer, Int) throws -> Void
    ) throws -> Bool {
        var delivered = 0
        while delivered < maxLines {
            if let newline = findNewline() {
                try deliver(upTo: newline, skip: 1, body)
                delivered += 1
                continue
            }
            if atEOF {
                if start < end {
                    try deliver(upTo: end, skip: 0, body)
                    delivered += 1
                }
                return start < end
            }
            // Only when nothing was handed out yet may the buffer be refilled (the bytes of earlier
            // lines must stay valid for `body`, which has returned by now, so refilling is safe).
            try fill()
        }
        return true
    }

    private func findNewline() -> Int? {
        guard start < end else { return nil }
        return buffer.withUnsafeBytes { bytes in
            guard let found = memchr(bytes.baseAddress! + start, 0x0A, end - start) else { return nil }
            return bytes.baseAddress!.distance(to: UnsafeRawPointer(found))
        }
    }

    private func deliver(upTo lineEnd: Int, skip: Int, _ body: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        var contentEnd = lineEnd
        if contentEnd > start && buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }
        let number = lineNumber
        lineNumber += 1
        let from = start
        start = lineEnd + skip
        try buffer.withUnsafeBytes { bytes in
            try body(UnsafeRawBufferPointer(rebasing: bytes[from..<contentEnd]), number)
        }
    }

    private func fill() throws(ConnectorError) {
        if start > 0 {
            buffer.withUnsafeMutableBytes { bytes in
                _ = memmove(bytes.baseAddress!, bytes.baseAddress! + start, end - start)
            }
            end -= start
            start = 0
        }
        if end == buffer.count {
            // One line longer than the buffer: make room for it.
            buffer.append(contentsOf: repeatElement(0, count: buffer.count))
        }
        let count = buffer.withUnsafeMutableBytes { bytes in
            read(descriptor, bytes.baseAddress! + end, bytes.count - end)
        }
        if count < 0 {
            if errno == EINTR { return }
            throw ConnectorError(.readFailed, "\(name): \(String(cString: strerror(errno)))")
        }
        if count == 0 { atEOF = true } else { end += count }
    }
}
