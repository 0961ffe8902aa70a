/// The constant bytes of every generated line, escaped and joined once per scenario.
struct FragmentLayout: Sendable {
    /// `{"type":"inference","model":"M","version":"V","ts":"` per model.
    let inferencePrefix: [[UInt8]]
    /// `","request_id":"r-`
    let requestIDKey = Self.bytes(#"","request_id":"r-"#)
    /// `","segment":{"line":"L","device":"D","batch":"` per line and device.
    let segment: [[[UInt8]]]
    /// `"},"features":{`
    let featuresOpen = Self.bytes(#""},"features":{"#)
    /// `"name":` per numeric feature, with a leading comma after the first feature.
    let numericKeys: [[UInt8]]
    /// `,"name":"value"` per categorical feature and category (see `categoryNames`).
    let categoryMembers: [[[UInt8]]]
    /// Per categorical feature: the scenario's categories, then those only drift episodes introduce.
    let categoryNames: [[String]]
    /// `},"prediction":`
    let predictionKey = Self.bytes(#"},"prediction":"#)
    /// The ok and defect classes as JSON values: an integer class id as digits, any other name as a string.
    let okClass: [UInt8]
    let defectClass: [UInt8]
    /// `,"score":`
    let scoreKey = Self.bytes(#","score":"#)
    /// `,"latency_ms":`
    let latencyKey = Self.bytes(#","latency_ms":"#)
    /// `,"label":`
    let inlineLabelKey = Self.bytes(#","label":"#)
    /// `}` and a newline, closing a line.
    let lineEnd = Self.bytes("}\n")
    /// `{"type":"label","model":"M","request_id":"r-` per model.
    let labelPrefix: [[UInt8]]
    /// `","ts":"`
    let tsKey = Self.bytes(#"","ts":""#)
    /// `","label":`
    let labelKey = Self.bytes(#"","label":"#)
    /// `{"type":"resource","model":"M","version":"V","host":"` per model.
    let resourcePrefix: [[UInt8]]
    /// Escaped host names.
    let hosts: [[UInt8]]
    /// `","cpu_pct":`, `,"mem_mb":`, `,"gpu_pct":`, `,"gpu_mem_mb":`
    let cpuKey = Self.bytes(#"","cpu_pct":"#)
    let memKey = Self.bytes(#","mem_mb":"#)
    let gpuKey = Self.bytes(#","gpu_pct":"#)
    let gpuMemKey = Self.bytes(#","gpu_mem_mb":"#)
    /// An upper bound of the length of any line of the scenario.
    let maxLineBytes: Int

    init(_ scenario: TelemetryScenario) {
        let quoted = Self.escaped
        inferencePrefix = scenario.models.map {
            Self.bytes(#"{"type":"inference","model":""#) + quoted($0.name) + Self.bytes(#"","version":""#)
                + quoted($0.version) + Self.bytes(#"","ts":""#)
        }
        segment = scenario.segments.lines.indices.map { lineIndex in
            scenario.segments.devices(ofLine: lineIndex).map { device in
                Self.bytes(#"","segment":{"line":""#) + quoted(scenario.segments.lines[lineIndex])
                    + Self.bytes(#"","device":""#) + quoted(device) + Self.bytes(#"","batch":""#)
            }
        }
        numericKeys = scenario.numericFeatures.indices.map { index in
            (index == 0 ? [] : Self.bytes(",")) + Self.bytes("\"") + quoted(scenario.numericFeatures[index].name)
                + Self.bytes("\":")
        }
        var names: [[String]] = scenario.categoricalFeatures.map { $0.categories.map(\.name) }
        for drift in scenario.drifts {
            guard case .categoryShift(let feature, let proportions) = drift.change,
                let featureIndex = scenario.categoricalFeatures.firstIndex(where: { $0.name == feature })
            else { continue }
            for share in proportions where !names[featureIndex].contains(share.name) {
                names[featureIndex].append(share.name)
            }
        }
        categoryNames = names
        let leadingComma = !scenario.numericFeatures.isEmpty
        categoryMembers = names.indices.map { featureIndex in
            names[featureIndex].map { category in
                (leadingComma || featureIndex > 0 ? Self.bytes(",") : []) + Self.bytes("\"")
                    + quoted(scenario.categoricalFeatures[featureIndex].name) + Self.bytes(#"":""#) + quoted(category)
                    + Self.bytes("\"")
            }
        }
        okClass = Self.classValue(scenario.task.okClass)
        defectClass = Self.classValue(scenario.task.defectClass)
        labelPrefix = scenario.models.map {
            Self.bytes(#"{"type":"label","model":""#) + quoted($0.name) + Self.bytes(#"","request_id":"r-"#)
        }
        resourcePrefix = scenario.models.map {
            Self.bytes(#"{"type":"resource","model":""#) + quoted($0.name) + Self.bytes(#"","version":""#)
                + quoted($0.version) + Self.bytes(#"","host":""#)
        }
        hosts = scenario.resources.hosts.map(quoted)

        let number = LineWriter.maxNumberBytes
        let timestamp = 24
        let classes = max(okClass.count, defectClass.count)
        let inference =
            (inferencePrefix.map(\.count).max() ?? 0) + timestamp + 8 + number
            + (segment.joined().map(\.count).max() ?? 0) + 16 + number + featuresOpen.count
            + numericKeys.reduce(0) { $0 + $1.count + number }
            + categoryMembers.reduce(0) { $0 + ($1.map(\.count).max() ?? 0) }
            + predictionKey.count + classes + scoreKey.count + number + latencyKey.count + number
            + inlineLabelKey.count + classes + lineEnd.count
        let label =
            (labelPrefix.map(\.count).max() ?? 0) + number + tsKey.count + timestamp + labelKey.count
            + classes + lineEnd.count
        let resource =
            (resourcePrefix.map(\.count).max() ?? 0) + (hosts.map(\.count).max() ?? 0) + tsKey.count
            + timestamp + cpuKey.count + memKey.count + gpuKey.count + gpuMemKey.count + 4 * number + lineEnd.count
        maxLineBytes = max(inference, label, resource)
    }

    private static func bytes(_ text: String) -> [UInt8] {
        Array(text.utf8)
    }

    /// A class name as a JSON value: an integer class id (`0`, `7`) as its digits, as classifiers
    /// that emit class ids write it; any other name as a string.
    static func classValue(_ name: String) -> [UInt8] {
        if let id = Int64(name), String(id) == name { return bytes(name) }
        return bytes("\"") + escaped(name) + bytes("\"")
    }

    /// The UTF-8 bytes of `text` escaped for the inside of a JSON string.
    static func escaped(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out += [UInt8(ascii: "\\"), byte]
            case UInt8(ascii: "\n"):
                out += Array(#"\n"#.utf8)
            case 0..<0x20:
                out += Array(#"\u00"#.utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xf)]]
            default:
                out.append(byte)
            }
        }
        return out
    }
}
