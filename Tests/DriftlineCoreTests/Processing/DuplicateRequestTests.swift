import DriftlineCore
import Foundation
import Testing

/// Repeated request ids (a producer's retry, a broker's redelivery) and model versions without a
/// baseline: each counted, neither lost nor double-counted.
@Suite struct DuplicateRequestTests {
    typealias H = ProcessorHarness

    static func settings(labelWait: Int64 = 60_000, maxPendingLabels: Int = 1_000) -> ProcessorSettings {
        ProcessorSettings(
            window: WindowSpec(size: 60_000), outOfOrderness: 0, labelWait: labelWait,
            maxPendingLabels: maxPendingLabels)
    }

    static func version(_ version: String, _ json: String) -> String {
        json.replacingOccurrences(of: "\"version\":\"1\"", with: "\"version\":\"\(version)\"")
    }

    @Test func theFirstInferenceOfARequestCountsAndRepeatsAreDeadLettered() throws {
        let h = try H(Self.settings())
        #expect(try h.feed(H.inference(ts: 1_000, x: 1, prediction: "ok", requestID: "r1")) == .accepted)
        // The repeat predicts otherwise: if it replaced the first, the label below would be a miss.
        let repeated = try h.feed(H.inference(ts: 2_000, x: 20, prediction: "defect", requestID: "r1"))
        guard case .duplicate(let reason) = repeated else {
            Issue.record("\(repeated)")
            return
        }
        #expect(reason.contains("'r1'") && reason.contains("m 1"))
        #expect(try h.feed(H.inference(ts: 3_000, x: 20, prediction: "defect", requestID: "r1")) != .accepted)
        #expect(try h.feed(H.label(ts: 4_000, requestID: "r1", label: "ok")) == .accepted)
        h.finish()
        #expect(h.processor.counters.duplicates == 2)
        #expect(h.processor.counters.inferences == 1)
        #expect(h.processor.counters.labelsMatched == 1)
        let window = try #require(h.results.last)
        #expect(window.count == 1)
        #expect(window.accuracy.online == 1.0)
        // x = 1 falls below the baseline's edge of 10: the first inference's feature was binned.
        #expect(window.psi?.first { $0.feature == "x" }?.value != nil)
    }

    @Test func theSameRequestIdOfAnotherVersionIsAnotherInferenceMeasuredWithoutABaseline() throws {
        let h = try H(Self.settings())
        #expect(try h.feed(H.inference(ts: 1_000, x: 1, requestID: "r1")) == .accepted)
        #expect(try h.feed(Self.version("2", H.inference(ts: 1_500, x: 1, requestID: "r1"))) == .accepted)
        #expect(try h.feed(Self.version("2", H.inference(ts: 1_600, x: 1, requestID: "r2"))) == .accepted)
        h.finish()
        #expect(h.processor.counters.duplicates == 0)
        #expect(h.processor.counters.inferences == 3)
        #expect(h.processor.counters.inferencesWithoutBaseline == 2)
        let unknown = try #require(h.results.first { $0.version == "2" })
        #expect(unknown.count == 2)
        #expect(unknown.psi == nil)
        #expect(unknown.accuracy.offline == nil)
    }

    @Test func aRequestIdIsForgottenPastTheLabelHorizon() throws {
        let h = try H(Self.settings(labelWait: 10_000))
        #expect(try h.feed(H.inference(ts: 1_000, x: 1, requestID: "r1")) == .accepted)
        // The watermark reaches 12 s: r1 (1 s) is past the 10 s horizon and leaves.
        #expect(try h.feed(H.inference(ts: 12_000, x: 1, requestID: "r2")) == .accepted)
        #expect(try h.feed(H.inference(ts: 12_500, x: 1, requestID: "r1")) == .accepted)
        #expect(try h.feed(H.inference(ts: 12_600, x: 1, requestID: "r2")) != .accepted)
        #expect(h.processor.counters.duplicates == 1)
    }

    @Test func atMostMaxPendingLabelsRequestIdsAreHeld() throws {
        let h = try H(Self.settings(maxPendingLabels: 2))
        for (index, id) in ["r1", "r2", "r3"].enumerated() {
            #expect(try h.feed(H.inference(ts: 1_000 + Int64(index), x: 1, requestID: id)) == .accepted)
        }
        // r1 left to make room for r3; r2 and r3 are still held.
        #expect(try h.feed(H.inference(ts: 1_010, x: 1, requestID: "r1")) == .accepted)
        #expect(try h.feed(H.inference(ts: 1_011, x: 1, requestID: "r3")) != .accepted)
        #expect(h.processor.counters.duplicates == 1)
    }
}
