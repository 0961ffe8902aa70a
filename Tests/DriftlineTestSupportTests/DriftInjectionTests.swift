import DriftlineCore
import DriftlineTestSupport
import Foundation
import Testing

@Suite struct DriftInjectionTests {
    /// Twenty minutes at 20 inferences/s with one drift from minute 10: 12,000 inferences each side.
    static func scenario(_ change: DriftEpisode.Change, line: String? = nil) -> TelemetryScenario {
        var scenario = TelemetryScenario()
        scenario.eventsPerSecond = 20
        scenario.length = .duration(milliseconds: 1_200_000)
        scenario.drifts = [DriftEpisode(change, startMs: scenario.startMs + 600_000, line: line)]
        return scenario
    }

    /// The inferences before and after the drift start, by their own `ts`.
    static func split(
        _ scenario: TelemetryScenario, seed: UInt64 = 42
    ) throws
        -> (before: [GeneratedLine], after: [GeneratedLine], all: [GeneratedLine])
    {
        var generator = try TelemetryGenerator(scenario: scenario, seed: seed)
        let all = generator.parsedLines()
        let inferences = all.filter { $0.type == "inference" }
        let driftStart = scenario.drifts[0].startMs
        return (
            inferences.filter { $0.event.timestampMs < driftStart },
            inferences.filter { $0.event.timestampMs >= driftStart },
            all
        )
    }

    @Test(arguments: [3.0, -1.5])
    func featureShiftMovesTheMeanByKSigmasAfterTheStart(sigmas: Double) throws {
        let (before, after, _) = try Self.split(Self.scenario(.featureShift(feature: "current_a", sigmas: sigmas)))
        let beforeValues = before.compactMap { $0.featureNumber("current_a") }
        let afterValues = after.compactMap { $0.featureNumber("current_a") }
        #expect(beforeValues.count == before.count && afterValues.count == after.count)
        // current_a is N(180, 12²); after the start N(180 + k·12, 12²).
        #expect(abs(Sample.mean(beforeValues) - 180) < Sample.meanTolerance(sigma: 12, n: beforeValues.count))
        #expect(
            abs(Sample.mean(afterValues) - (180 + sigmas * 12))
                < Sample.meanTolerance(sigma: 12, n: afterValues.count))
        // Other features do not move: temp_c stays N(412, 15²).
        let temperatures = after.compactMap { $0.featureNumber("temp_c") }
        #expect(abs(Sample.mean(temperatures) - 412) < Sample.meanTolerance(sigma: 15, n: temperatures.count))
    }

    @Test func driftScopedToALineLeavesTheOtherLinesAlone() throws {
        let scenario = Self.scenario(.featureShift(feature: "voltage_v", sigmas: 4), line: "L2")
        let (_, after, _) = try Self.split(scenario)
        let onLine = after.filter { $0.event.lineIndex == 1 }.compactMap { $0.featureNumber("voltage_v") }
        let elsewhere = after.filter { $0.event.lineIndex != 1 }.compactMap { $0.featureNumber("voltage_v") }
        // voltage_v is N(24, 1.5²); on L2 after the start N(24 + 4·1.5, 1.5²) = N(30, 1.5²).
        #expect(abs(Sample.mean(onLine) - 30) < Sample.meanTolerance(sigma: 1.5, n: onLine.count))
        #expect(abs(Sample.mean(elsewhere) - 24) < Sample.meanTolerance(sigma: 1.5, n: elsewhere.count))
        for line in after {
            let expected: UInt64 = line.event.lineIndex == 1 ? 1 : 0
            #expect(line.event.activeDrifts == expected)
        }
    }

    @Test func categoryShiftChangesTheProportionsAfterTheStart() throws {
        let shares: [TelemetryScenario.CategoryShare] = [.init("S355", 0.2), .init("S235", 0.3), .init("S460", 0.5)]
        let (before, after, _) = try Self.split(Self.scenario(.categoryShift(feature: "material", proportions: shares)))
        func share(_ category: String, _ lines: [GeneratedLine]) -> Double {
            Double(lines.filter { $0.feature["material"] as? String == category }.count) / Double(lines.count)
        }
        // Before: the default S355 0.6, S235 0.3, AL6061 0.1, no S460.
        for (category, p) in [("S355", 0.6), ("S235", 0.3), ("AL6061", 0.1)] {
            #expect(abs(share(category, before) - p) < Sample.proportionTolerance(p: p, n: before.count))
        }
        #expect(share("S460", before) == 0)
        for (category, p) in [("S355", 0.2), ("S235", 0.3), ("S460", 0.5)] {
            #expect(abs(share(category, after) - p) < Sample.proportionTolerance(p: p, n: after.count))
        }
        #expect(share("AL6061", after) == 0)
    }

    @Test func accuracyDropLowersTheAccuracyAgainstTheLabels() throws {
        let (before, after, all) = try Self.split(Self.scenario(.accuracyDrop(to: 0.85)))
        var labels: [String: String] = [:]
        for line in all {
            if let label = line.string("label"), let requestID = line.string("request_id") { labels[requestID] = label }
        }
        func accuracy(_ lines: [GeneratedLine]) -> (value: Double, n: Int) {
            let labelled = lines.compactMap { line in
                labels[line.string("request_id") ?? ""].map { $0 == line.string("prediction") }
            }
            return (Double(labelled.filter { $0 }.count) / Double(labelled.count), labelled.count)
        }
        let offline = accuracy(before)
        let online = accuracy(after)
        // About 60% of the 12,000 inferences on each side are labelled (5% inline, 55% later).
        #expect(offline.n > 6000 && online.n > 6000)
        #expect(abs(offline.value - 0.97) < Sample.proportionTolerance(p: 0.97, n: offline.n))
        #expect(abs(online.value - 0.85) < Sample.proportionTolerance(p: 0.85, n: online.n))
    }

    @Test func latencySpikeMultipliesTheLatency() throws {
        let (before, after, _) = try Self.split(Self.scenario(.latencySpike(multiplier: 3)))
        let logBefore = before.compactMap { $0.number("latency_ms") }.map { log($0) }
        let logAfter = after.compactMap { $0.number("latency_ms") }.map { log($0) }
        // ln(latency) is N(ln 18, 0.45²) before and N(ln 54, 0.45²) after.
        #expect(abs(Sample.mean(logBefore) - log(18)) < Sample.meanTolerance(sigma: 0.45, n: logBefore.count))
        #expect(abs(Sample.mean(logAfter) - log(54)) < Sample.meanTolerance(sigma: 0.45, n: logAfter.count))
    }

    @Test func driftEndsAtItsEndTime() throws {
        var scenario = Self.scenario(.featureShift(feature: "gas_flow", sigmas: 5))
        scenario.drifts[0].endMs = scenario.startMs + 900_000
        let (_, after, _) = try Self.split(scenario)
        let during = after.filter { $0.event.timestampMs < scenario.startMs + 900_000 }
        let later = after.filter { $0.event.timestampMs >= scenario.startMs + 900_000 }
        let duringValues = during.compactMap { $0.featureNumber("gas_flow") }
        let laterValues = later.compactMap { $0.featureNumber("gas_flow") }
        // gas_flow is N(15, 1.2²), shifted to N(21, 1.2²) between minute 10 and 15.
        #expect(abs(Sample.mean(duringValues) - 21) < Sample.meanTolerance(sigma: 1.2, n: duringValues.count))
        #expect(abs(Sample.mean(laterValues) - 15) < Sample.meanTolerance(sigma: 1.2, n: laterValues.count))
        for line in after {
            #expect(
                (line.event.activeDrifts == 1)
                    == (line.event.timestampMs < scenario.startMs + 900_000))
        }
    }

    @Test func groundTruthAgreesWithTheScenario() throws {
        var scenario = Self.scenario(.accuracyDrop(to: 0.9), line: "L3")
        scenario.drifts.append(DriftEpisode(.latencySpike(multiplier: 2), startMs: scenario.startMs + 300_000))
        let (_, _, all) = try Self.split(scenario)
        for line in all where line.event.kind == .inference {
            let lineName = scenario.segments.lines[line.event.lineIndex ?? 0]
            let expected = scenario.activeDrifts(atMs: line.event.timestampMs, line: lineName)
                .reduce(UInt64(0)) { $0 | 1 << UInt64($1) }
            #expect(line.event.activeDrifts == expected)
        }
    }
}
