import DriftlineTestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why generated lines could not be written.
struct OutputError: Error, CustomStringConvertible {
    /// The kind of failure.
    struct Code: Hashable, Sendable {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The output file could not be created.
        static let cannotOpen = Code("cannotOpen")
        /// Writing failed (disk full, closed pipe, …).
        static let cannotWrite = Code("cannotWrite")
    }

    var code: Code
    var message: String
    var description: String { message }
}

/// Writes a generator's lines to a file or standard output in large chunks.
struct OutputFile {
    private static let chunkBytes = 1 << 20

    /// Writes every line of `generator` to `path` (`-` for standard output); returns the line count.
    static func write(_ generator: inout TelemetryGenerator, to path: String) throws -> Int {
        let stream: UnsafeMutablePointer<FILE>
        if path == "-" {
            guard let standardOutput = fdopen(STDOUT_FILENO, "wb") else {
                throw OutputError(code: .cannotOpen, message: "cannot write to standard output")
            }
            stream = standardOutput
        } else {
            guard let opened = fopen(path, "wb") else {
                throw OutputError(
                    code: .cannotOpen, message: "cannot create \(path): \(String(cString: strerror(errno)))")
            }
            stream = opened
        }
        defer {
            if path != "-" { fclose(stream) }
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(chunkBytes + 4096)
        var lines = 0
        while true {
            let added = generator.fill(&buffer, upToBytes: chunkBytes)
            lines += added
            if !buffer.isEmpty {
                let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, stream) }
                guard written == buffer.count else {
                    throw OutputError(
                        code: .cannotWrite, message: "cannot write \(path): \(String(cString: strerror(errno)))")
                }
                buffer.removeAll(keepingCapacity: true)
            }
            if added == 0 { break }
        }
        guard fflush(stream) == 0 else {
            throw OutputError(code: .cannotWrite, message: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        return lines
    }
}
