/// Reads and checks topology files.
///
/// Every problem in a file is reported in one `TopologyError`, each with its file, line and
/// column, so `driftline validate` can show them all at once. Relative paths in the file
/// (sources, sinks, baselines) are resolved against the directory of the file.
public enum TopologyLoader {
    /// The topology in the YAML file at `path`.
    public static func load(path: String) throws(TopologyError) -> Topology {
        let text = try NodeReader.readFile(path: path)
        return try load(yaml: text, file: path, baseDirectory: NodeReader.directory(of: path))
    }

    /// The topology in `yaml`, naming `file` in diagnostics and resolving relative paths against
    /// `baseDirectory` (itself resolved against the working directory when relative).
    public static func load(yaml: String, file: String, baseDirectory: String) throws(TopologyError) -> Topology {
        let root = try NodeReader.compose(yaml: yaml, file: file)
        var parser = TopologyParser(reader: NodeReader(file: file, baseDirectory: baseDirectory))
        let topology = parser.topology(from: root)
        if let error = parser.reader.error { throw error }
        guard let topology else { preconditionFailure("a topology that failed to load has diagnostics") }
        return topology
    }
}
