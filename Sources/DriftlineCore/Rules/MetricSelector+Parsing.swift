extension MetricSelector {
    /// Why a text is not a selector, with what a reader needs to word the problem.
    public enum ParseFailure: Error, Equatable, Sendable {
        /// The first part names no metric; `known` lists what it could be.
        case unknownFamily(String, known: [String])
        /// A later part (`p98` in `latency.p98`) is not one of `known`; `family` is the part before it.
        case unknownPart(String, family: String, known: [String])
        /// The text has the wrong shape; `reason` says how to write it.
        case malformed(String)
    }

    /// The first parts a selector may start with.
    public static let families = ["psi", "missing_rate", "accuracy", "labelled", "latency", "resources", "throughput"]

    /// The names earlier topologies used for metrics, and the selectors they stand for.
    public static let legacyNames: [String: MetricSelector] = {
        var names: [String: MetricSelector] = ["accuracy_gap": .accuracyGap]
        for statistic in [LatencyStatistic.p50, .p95, .p99, .max] {
            names["latency_\(statistic.rawValue)"] = .latency(statistic)
        }
        for field in ResourceField.allCases { names["\(field.rawValue)_mean"] = .resource(field, .mean) }
        return names
    }()

    /// Reads a selector. `psi` and `missing_rate` alone mean every feature (`[*]`); the legacy names
    /// (`accuracy_gap`, `latency_p99`, `cpu_pct_mean`, …) read as the selectors they stand for.
    public static func parse(_ text: String) -> Result<MetricSelector, ParseFailure> {
        if let bracket = text.firstIndex(of: "[") {
            let head = String(text[..<bracket])
            guard text.hasSuffix("]"), text.index(after: bracket) < text.index(before: text.endIndex) else {
                return .failure(.malformed("a feature is written inside brackets: \(head)[NAME] or \(head)[*]"))
            }
            let inner = String(text[text.index(after: bracket)..<text.index(before: text.endIndex)])
            guard !inner.contains("["), !inner.contains("]") else {
                return .failure(.malformed("a feature name may not hold '[' or ']'"))
            }
            let features: Features = inner == "*" ? .all : .named(inner)
            switch head {
            case "psi": return .success(.psi(features))
            case "missing_rate": return .success(.missingRate(features))
            default:
                guard families.contains(head) || legacyNames[head] != nil else {
                    return .failure(.unknownFamily(head, known: ["psi", "missing_rate"]))
                }
                return .failure(.malformed("only psi and missing_rate take a feature in brackets, not \(head)"))
            }
        }
        if let legacy = legacyNames[text] { return .success(legacy) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let family = parts[0]
        func part<Word: RawRepresentable & CaseIterable>(
            _ index: Int, of name: String, _: Word.Type
        ) -> Result<
            Word, ParseFailure
        > where Word.RawValue == String {
            let known = Word.allCases.map(\.rawValue)
            guard parts.count > index else {
                return .failure(
                    .malformed(
                        "\(name) needs a further part: \(name).\(known[0]) (one of: \(known.joined(separator: ", ")))"))
            }
            guard let word = Word(rawValue: parts[index]) else {
                return .failure(.unknownPart(parts[index], family: name, known: known))
            }
            return .success(word)
        }
        func exactly(_ count: Int, _ selector: MetricSelector) -> Result<MetricSelector, ParseFailure> {
            guard parts.count > count else { return .success(selector) }
            return .failure(.malformed("\(selector.text) takes no further part after it"))
        }
        switch family {
        case "psi": return exactly(1, .psi(.all))
        case "missing_rate": return exactly(1, .missingRate(.all))
        case "labelled": return exactly(1, .labelled)
        case "throughput": return exactly(1, .throughput)
        case "accuracy":
            guard parts.count > 1 else {
                return .failure(.malformed("accuracy needs a further part: accuracy.gap_pp or accuracy.online"))
            }
            switch parts[1] {
            case "gap_pp": return exactly(2, .accuracyGap)
            case "online": return exactly(2, .accuracyOnline)
            default: return .failure(.unknownPart(parts[1], family: "accuracy", known: ["gap_pp", "online"]))
            }
        case "latency":
            return part(1, of: "latency", LatencyStatistic.self).flatMap { exactly(2, .latency($0)) }
        case "resources":
            return part(1, of: "resources", ResourceField.self).flatMap { field in
                part(2, of: "resources.\(field.rawValue)", ResourceStatistic.self).flatMap {
                    exactly(3, .resource(field, $0))
                }
            }
        default:
            return .failure(.unknownFamily(family, known: families + legacyNames.keys.sorted()))
        }
    }
}
