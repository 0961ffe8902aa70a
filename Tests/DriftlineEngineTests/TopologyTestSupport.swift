import DriftlineEngine
import Testing

/// Loads `yaml` as `t.yaml` in `/plant/topologies`, expecting it to fail, and returns every diagnostic.
func topologyDiagnostics(
    _ yaml: String, sourceLocation: SourceLocation = #_sourceLocation
) -> [TopologyError.Diagnostic] {
    do {
        let topology = try TopologyLoader.load(yaml: yaml, file: "t.yaml", baseDirectory: "/plant/topologies")
        Issue.record("expected errors, loaded \(topology)", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.diagnostics
    }
}

/// Loads `yaml` as `t.yaml` in `/plant/topologies`.
func loadTopology(_ yaml: String) throws(TopologyError) -> Topology {
    try TopologyLoader.load(yaml: yaml, file: "t.yaml", baseDirectory: "/plant/topologies")
}
