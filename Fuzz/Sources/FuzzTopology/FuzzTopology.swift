import DriftlineEngine
import FuzzSupport

/// One fuzzing input: `bytes` is a topology file. Loading either gives a topology or a
/// `TopologyError` with its diagnostics; a crash, a sanitizer report or a diagnostic without a
/// line (a trap) is a finding.
private func fuzzTopology(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), as: UTF8.self)
    do {
        _ = try TopologyLoader.load(yaml: text, file: "fuzz.yaml", baseDirectory: "/nonexistent")
    } catch {
        precondition(!error.diagnostics.isEmpty, "a refused topology says why")
    }
    return 0
}

@main
enum FuzzTopology {
    static func main() { runFuzzer({ data, size in fuzzTopology(data, size) }) }
}
