import Yams

/// The values of a mapping whose keys `NodeReader.fields` has checked against a schema.
struct Fields {
    /// The mapping's path in the file, e.g. `windows` or `sources[0]`.
    let path: String
    /// The values of the allowed keys present.
    var values: [String: Node] = [:]

    /// The value of `key`, if present.
    subscript(key: String) -> Node? { values[key] }

    /// The path of `key` inside this mapping, for messages.
    func path(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }
}
