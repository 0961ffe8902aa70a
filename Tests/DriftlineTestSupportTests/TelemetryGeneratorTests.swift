import DriftlineCore
import DriftlineTestSupport
import Foundation
import Testing

@Suite struct TelemetryGeneratorTests {
    /// Ten minutes at 20 inferences/s: 12,000 inferences.
    static func tenMinutes() -> TelemetryScenario {
        var scenario = TelemetryScenario()
        scenario.eventsPerSecond = 20
        scenario.length = .duration(milliseconds: 600_000)
        return scenario
    }

    @Test func theDefaultStartIsTheTwentySixthOfNovember() {
        #expect(Timestamp.format(TelemetryScenario.defaultStartMs) == "2026-11-26T00:00:00.000Z")
    }

    @Test func sameSeedGivesIdenticalBytes() throws {
        var first = try TelemetryGenerator(scenario: Self.tenMinutes(), seed: 42)
        var second = try TelemetryGenerator(scenario: Self.tenMinutes(), seed: 42)
        let bytes = first.allBytes()
        #expect(bytes.count > 1_000_000)
        #expect(bytes == second.allBytes())
    }

    @Test func differentSeedsGiveDifferentBytes() throws {
        var first = try TelemetryGenerator(scenario: Self.tenMinutes(), seed: 42)
        var second = try TelemetryGenerator(scenario: Self.tenMinutes(), seed: 43)
        #expect(first.allBytes() != second.allBytes())
    }

    @Test func lineByLineAndFilledBytesAgree() throws {
        let byLine = try TelemetryGenerator(scenario: Self.tenMinutes(), seed: 7)
        var filled = try TelemetryGenerator(scenario: Self.tenMinutes(), seed: 7)
        let joined = Array(byLine.joined())
        #expect(joined == filled.allBytes())
    }

    @Test func everyLineIsContractShapedJSON() throws {
        var generator = try TelemetryGenerator(scenario: Self.tenMinutes(), seed: 1)
        let lines = generator.parsedLines()
        let scenario = generator.scenario
        let numericNames = Set(scenario.numericFeatures.map(\.name))
        let classes: Set = ["ok", "defect"]
        let isoFormatter = ISO8601DateFormatter()
        isoFormatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var kinds: [EventKind: Int] = [:]
        for line in lines {
            #expect(line.bytes.last == UInt8(ascii: "\n"))
            #expect(line.bytes.dropLast().contains(UInt8(ascii: "\n")) == false)
            #expect(!line.json.isEmpty, "not a JSON object: \(String(decoding: line.bytes, as: UTF8.self))")
            kinds[line.event.kind, default: 0] += 1
            let ts = try #require(line.string("ts"))
            #expect(ts.count == 24)
            let date = try #require(isoFormatter.date(from: ts))
            #expect(Int64((date.timeIntervalSince1970 * 1000).rounded()) == line.event.timestampMs)
            #expect(line.string("model") == "weld-defect-cls")
            switch line.event.kind {
            case .inference:
                #expect(line.type == "inference")
                #expect(line.string("version") == "3.2.0")
                let number = String(try #require(line.event.requestNumber))
                #expect(line.string("request_id") == "r-" + String(repeating: "0", count: 9 - number.count) + number)
                let segment = try #require(line.json["segment"] as? [String: String])
                let lineIndex = try #require(line.event.lineIndex)
                #expect(segment["line"] == scenario.segments.lines[lineIndex])
                #expect(scenario.segments.devices(ofLine: lineIndex).contains(segment["device"] ?? ""))
                #expect(segment["batch"]?.hasPrefix("B1126-") == true)
                let features = line.feature
                #expect(features.count == 12)
                for name in numericNames {
                    #expect(features[name] is NSNumber && !(features[name] is String), "\(name)")
                }
                #expect(["S355", "S235", "AL6061"].contains(features["material"] as? String ?? ""))
                #expect(["A", "B", "C"].contains(features["shift"] as? String ?? ""))
                #expect(classes.contains(line.string("prediction") ?? ""))
                let score = try #require(line.number("score"))
                #expect(score >= 0.5 && score <= 1)
                #expect(try #require(line.number("latency_ms")) > 0)
                if let label = line.json["label"] {
                    #expect(classes.contains(label as? String ?? ""))
                }
            case .label:
                #expect(line.type == "label")
                #expect(Set(line.json.keys) == ["type", "model", "request_id", "ts", "label"])
                #expect(classes.contains(line.string("label") ?? ""))
            case .resource:
                #expect(line.type == "resource")
                #expect(line.string("version") == "3.2.0")
                #expect(scenario.resources.hosts.contains(line.string("host") ?? ""))
                for key in ["cpu_pct", "gpu_pct"] {
                    let value = try #require(line.number(key))
                    #expect(value >= 0 && value <= 100)
                }
                #expect(try #require(line.number("mem_mb")) > 1000)
                #expect(try #require(line.number("gpu_mem_mb")) > 1000)
            }
        }
        // 600 s at 20/s; a report of 3 hosts every 10 s for 600 s.
        #expect(kinds[.inference] == 12_000)
        #expect(kinds[.resource] == 180)
        #expect((kinds[.label] ?? 0) > 0)
    }

    @Test func timestampsAreNonDecreasingAndInferencesStayWithinTheDuration() throws {
        var generator = try TelemetryGenerator(scenario: Self.tenMinutes(), seed: 3)
        let lines = generator.parsedLines()
        let start = generator.scenario.startMs
        let end = start + 600_000
        var previous = Int64.min
        for line in lines {
            let ts = line.event.timestampMs
            #expect(ts >= previous)
            previous = ts
            if line.event.kind != .label {
                #expect(ts >= start && ts < end)
            }
        }
        // Inference i sits at start + (i + jitter·u) · 50 ms with u in [0, 1).
        let inferences = lines.filter { $0.event.kind == .inference }
        for (i, line) in inferences.enumerated() {
            let offset = line.event.timestampMs - start
            #expect(offset >= Int64(i) * 50 && offset < Int64(i) * 50 + 25)
        }
    }

    @Test func outOfOrderTimestampsLagByAtMostTheBound() throws {
        var scenario = Self.tenMinutes()
        scenario.maxOutOfOrderMs = 2000
        var generator = try TelemetryGenerator(scenario: scenario, seed: 5)
        var latest = scenario.startMs
        var lateEvents = 0
        for line in generator.parsedLines() where line.event.kind == .inference {
            let ts = line.event.timestampMs
            #expect(ts >= scenario.startMs)
            #expect(ts >= latest - 2000)
            if ts < latest { lateEvents += 1 }
            latest = max(latest, ts)
        }
        #expect(lateEvents > 1000)
    }

    @Test func labelEventsFollowTheirInferenceByTheirDelay() throws {
        var generator = try TelemetryGenerator(scenario: Self.tenMinutes(), seed: 9)
        let lines = generator.parsedLines()
        let policy = generator.scenario.labels
        var inferences: [String: GeneratedLine] = [:]
        var labelled = 0
        for line in lines where line.event.kind != .resource {
            let requestID = try #require(line.string("request_id"))
            switch line.event.kind {
            case .inference:
                inferences[requestID] = line
            case .label:
                let inference = try #require(inferences[requestID], "label before its inference: \(requestID)")
                let delay = try #require(inference.event.labelDelayMs)
                #expect(line.event.timestampMs - inference.event.timestampMs == delay)
                #expect(delay >= 0 && Double(delay) <= policy.maxDelayMs)
                #expect(inference.json["label"] == nil)
                labelled += 1
            case .resource:
                break
            }
        }
        #expect(labelled == inferences.values.filter { $0.event.labelDelayMs != nil }.count)
    }

    @Test func fixedLabelDelayPutsEveryLabelExactlyThatLate() throws {
        var scenario = Self.tenMinutes()
        scenario.labels.delaySigma = 0
        scenario.labels.delayMedianMs = 90_000
        var generator = try TelemetryGenerator(scenario: scenario, seed: 11)
        var inferenceTime: [String: Int64] = [:]
        var labels = 0
        for line in generator.parsedLines() {
            let requestID = line.string("request_id") ?? ""
            let ts = try #require(line.string("ts").flatMap(Timestamp.parseRFC3339))
            if line.type == "inference" { inferenceTime[requestID] = ts }
            if line.type == "label" {
                #expect(ts - (inferenceTime[requestID] ?? .min) == 90_000)
                labels += 1
            }
        }
        #expect(labels > 0)
    }

    @Test func labelPolicyFractionsHold() throws {
        var generator = try TelemetryGenerator(scenario: Self.tenMinutes(), seed: 13)
        let lines = generator.parsedLines()
        let policy = generator.scenario.labels
        let n = lines.filter { $0.type == "inference" }.count
        let inline = lines.filter { $0.type == "inference" && $0.json["label"] != nil }.count
        let delayed = lines.filter { $0.type == "label" }.count
        let never = n - inline - delayed
        let neverFraction = 1 - policy.inlineFraction - policy.delayedFraction
        #expect(
            abs(Double(inline) / Double(n) - policy.inlineFraction)
                < Sample.proportionTolerance(p: policy.inlineFraction, n: n))
        #expect(
            abs(Double(delayed) / Double(n) - policy.delayedFraction)
                < Sample.proportionTolerance(p: policy.delayedFraction, n: n))
        #expect(abs(Double(never) / Double(n) - neverFraction) < Sample.proportionTolerance(p: neverFraction, n: n))
    }

    @Test func referenceRowsCarryPreDriftFeaturesOnly() throws {
        var scenario = Self.tenMinutes()
        scenario.drifts = [DriftEpisode(.featureShift(feature: "current_a", sigmas: 3), startMs: scenario.startMs)]
        var generator = try TelemetryGenerator.referenceRows(of: scenario, seed: 42, rows: 5000)
        let lines = generator.parsedLines()
        #expect(lines.count == 5000)
        for line in lines {
            #expect(Set(line.json.keys) == ["type", "model", "version", "ts", "request_id", "segment", "features"])
            #expect(line.event.timestampMs < scenario.startMs)
        }
        let values = lines.compactMap { $0.featureNumber("current_a") }
        #expect(values.count == 5000)
        // current_a is N(180, 12²) before drift.
        #expect(abs(Sample.mean(values) - 180) < Sample.meanTolerance(sigma: 12, n: values.count))
    }

    @Test func testRowsAreLabelledAtTheOfflineAccuracy() throws {
        var scenario = Self.tenMinutes()
        scenario.drifts = [DriftEpisode(.accuracyDrop(to: 0.5), startMs: scenario.startMs)]
        var generator = try TelemetryGenerator.testRows(of: scenario, seed: 42, rows: 5000)
        let lines = generator.parsedLines()
        #expect(lines.count == 5000)
        let right = lines.filter { $0.string("prediction") != nil && $0.string("prediction") == $0.string("label") }
        let accuracy = Double(right.count) / Double(lines.count)
        #expect(abs(accuracy - 0.97) < Sample.proportionTolerance(p: 0.97, n: lines.count))
        #expect(lines.allSatisfy { $0.number("latency_ms") != nil && $0.number("score") != nil })
    }

    @Test func offlineSetsDifferFromTheStreamOfTheSameSeed() throws {
        var stream = try TelemetryGenerator(scenario: Self.tenMinutes(), seed: 42)
        var reference = try TelemetryGenerator.referenceRows(of: Self.tenMinutes(), seed: 42, rows: 100)
        let streamValues = stream.parsedLines().filter { $0.type == "inference" }.prefix(100)
            .compactMap { $0.featureNumber("temp_c") }
        let referenceValues = reference.parsedLines().compactMap { $0.featureNumber("temp_c") }
        #expect(streamValues.count == 100 && referenceValues.count == 100)
        #expect(streamValues != referenceValues)
    }

    @Test func inferenceCountLengthGivesExactlyThatMany() throws {
        var scenario = TelemetryScenario()
        scenario.length = .inferenceCount(1234)
        var generator = try TelemetryGenerator(scenario: scenario, seed: 1)
        #expect(generator.parsedLines().filter { $0.type == "inference" }.count == 1234)
    }

    @Test(arguments: [
        ("eventsPerSecond", ScenarioError.Code.invalidParameter),
        ("labels", ScenarioError.Code.invalidParameter),
        ("unknownLine", ScenarioError.Code.unknownName),
        ("unknownCategoryFeature", ScenarioError.Code.unknownName),
    ])
    func invalidScenariosAreRejected(problem: String, code: ScenarioError.Code) {
        var scenario = TelemetryScenario()
        switch problem {
        case "eventsPerSecond": scenario.eventsPerSecond = 0
        case "labels": scenario.labels.inlineFraction = 0.6
        case "unknownLine":
            scenario.drifts = [DriftEpisode(.accuracyDrop(to: 0.8), startMs: scenario.startMs, line: "L9")]
        default:
            scenario.drifts = [
                DriftEpisode(
                    .categoryShift(feature: "colour", proportions: [.init("red", 1)]), startMs: scenario.startMs)
            ]
        }
        #expect {
            try TelemetryGenerator(scenario: scenario, seed: 1)
        } throws: { error in
            (error as? ScenarioError)?.code == code
        }
    }
}
