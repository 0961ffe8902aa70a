import Foundation
import Testing

/// The `kcat` command-line client (built on librdkafka, not on this project): an outside producer
/// and consumer for the tests.
struct Kcat {
    static let path = ["/usr/bin/kcat", "/usr/local/bin/kcat", "/opt/homebrew/bin/kcat"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// A record as kcat printed it.
    struct Record: Hashable {
        var partition: Int32
        var offset: Int64
        var key: String
        var value: String
    }

    let bootstrapServers: String

    /// Produces `records` (key, value), letting librdkafka's default partitioner place them by key.
    func produce(topic: String, _ records: [(key: String, value: String)]) throws {
        let input = records.map { "\($0.key)\t\($0.value)\n" }.joined()
        let (status, _) = try run(["-P", "-b", bootstrapServers, "-t", topic, "-K", "\t", "-q"], input: input)
        #expect(status == 0, "kcat -P exited with \(status)")
    }

    /// Reads `topic` from the beginning to its end.
    func consumeAll(topic: String) throws -> [Record] {
        let (status, output) = try run(
            ["-C", "-b", bootstrapServers, "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%p\t%o\t%k\t%s\n"],
            input: nil)
        #expect(status == 0, "kcat -C exited with \(status)")
        return output.split(separator: "\n").map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Record(partition: Int32(fields[0])!, offset: Int64(fields[1])!, key: fields[2], value: fields[3])
        }
    }

    private func run(_ arguments: [String], input: String?) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Kcat.path!)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
