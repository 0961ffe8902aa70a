import DriftlineCore
import Foundation
import Histogram
import Testing

/// `LatencyHistogram` against a full `Histogram` of the library over the same range and precision.
@Suite struct LatencyHistogramTests {
    static let perMille: [UInt64] = [500, 900, 950, 990, 999]

    /// A full histogram of the library, as windows held before.
    static func full() -> Histogram<UInt32> {
        Histogram<UInt32>(
            lowestDiscernibleValue: 1, highestTrackableValue: LatencyHistogram.highestMicros,
            numberOfSignificantValueDigits: .three)
    }

    /// The expected percentiles computed without either histogram's walk: the nearest-rank value
    /// of the sorted recorded microseconds, reported as the library's highest equivalent value
    /// of its bucket, capped by the largest recorded value.
    static func expected(_ latencies: [Double]) -> [Double] {
        let reference = full()
        let micros = latencies.map(LatencyHistogram.micros).sorted()
        let maxMicros = Double(micros.last!)
        return perMille.map { q in
            let rank = Int((q * UInt64(micros.count) + 999) / 1000)
            let value = reference.highestEquivalentForValue(micros[max(rank, 1) - 1])
            return min(Double(value), maxMicros) / 1000
        }
    }

    /// The same percentiles from the library's own `valueAtPercentile`.
    static func library(_ latencies: [Double]) -> [Double] {
        var histogram = full()
        for latency in latencies { histogram.record(LatencyHistogram.micros(latency)) }
        return [50.0, 90, 95, 99, 99.9].map { Double(histogram.valueAtPercentile($0)) / 1000 }
    }

    static func sparse(_ latencies: [Double]) -> LatencyResult {
        var histogram = LatencyHistogram()
        for latency in latencies { histogram.record(milliseconds: latency) }
        return histogram.result()!
    }

    static func values(_ result: LatencyResult) -> [Double] {
        [result.p50, result.p90, result.p95, result.p99, result.p999]
    }

    @Test func bucketsAreTheLibrarysValueByValue() {
        let reference = Self.full()
        var values = Array(UInt64(1)...70_000)
        var power: UInt64 = 2
        while power <= LatencyHistogram.highestMicros {
            values += [power - 1, power, power + 1]
            power <<= 1
        }
        var random = SeededRandom(seed: 7)
        for _ in 0..<200_000 { values.append(UInt64.random(in: 1...LatencyHistogram.highestMicros, using: &random)) }
        values.append(LatencyHistogram.highestMicros)
        var mismatches = 0
        for value in values {
            if LatencyHistogram.lowestEquivalent(value) != reference.lowestEquivalentForValue(value)
                || LatencyHistogram.highestEquivalent(value) != reference.highestEquivalentForValue(value)
            {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
    }

    /// Random and adversarial latency sets (milliseconds).
    static let cases: [(name: String, latencies: [Double])] = {
        var random = SeededRandom(seed: 42)
        var cases: [(String, [Double])] = []
        // Lognormal around 18 ms, as the load generator makes them, at several sizes.
        for size in [1, 2, 3, 7, 10, 99, 100, 101, 999, 1000, 1001, 12_345] {
            cases.append(
                (
                    "lognormal \(size)",
                    (0..<size).map { _ in
                        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &random)
                        let u2 = Double.random(in: 0..<1, using: &random)
                        let normal = (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * .pi * u2)
                        return (18 * Foundation.exp(0.45 * normal) * 1000).rounded() / 1000
                    }
                ))
        }
        // Uniform over the whole range: most values in distinct buckets, past the sparse limit.
        cases.append(
            ("uniform over the range", (0..<20_000).map { _ in Double.random(in: 0.001...60_000, using: &random) }))
        // Every bucket boundary (2^k − 1, 2^k, 2^k + 1 µs) in shuffled order.
        var boundaries: [Double] = []
        var power: UInt64 = 2
        while power <= LatencyHistogram.highestMicros {
            boundaries += [power - 1, power, power + 1].map { Double($0) / 1000 }
            power <<= 1
        }
        boundaries.shuffle(using: &random)
        cases.append(("bucket boundaries", boundaries))
        cases.append(("one value many times", Array(repeating: 42.1, count: 5_000)))
        // Below 1 µs, zero and negative (recorded as 1 µs), above 60 s (the top bucket), one outlier.
        cases.append(("out of range", [0, 0.0001, -3, 0.0004, 0.0005, 61_000, 3_600_000, 5, 5, 5]))
        var outlier = [Double](repeating: 1, count: 999)
        outlier.append(59_999.999)
        cases.append(("one outlier", outlier))
        // Exactly sparseLimit distinct buckets, and one more: the lowest value of each of the first buckets.
        for extra in [0, 1] {
            var latencies: [Double] = []
            var micros: UInt64 = 1
            while latencies.count < LatencyHistogram.sparseLimit + extra {
                latencies.append(Double(micros) / 1000)
                micros = LatencyHistogram.highestEquivalent(micros) + 1
            }
            cases.append(("\(latencies.count) distinct buckets", latencies.shuffled(using: &random)))
        }
        return cases
    }()

    @Test(arguments: 0..<LatencyHistogramTests.cases.count)
    func percentilesMatchTheLibrary(index: Int) {
        let (name, latencies) = Self.cases[index]
        let result = Self.sparse(latencies)
        #expect(Self.values(result) == Self.expected(latencies), "\(name)")
        #expect(Self.values(result) == Self.library(latencies), "\(name)")
        #expect(result.max == latencies.max()!, "\(name)")
        #expect(result.samples == latencies.count, "\(name)")
    }

    @Test func theSparseLimitIsCountedInBuckets() {
        var histogram = LatencyHistogram()
        var micros: UInt64 = 1
        for _ in 0..<LatencyHistogram.sparseLimit {
            histogram.record(milliseconds: Double(micros) / 1000)
            micros = LatencyHistogram.highestEquivalent(micros) + 1
        }
        #expect(histogram.bucketCount == LatencyHistogram.sparseLimit)
        #expect(histogram.allocatedBytes == 8_192 * 8)
        histogram.record(milliseconds: Double(micros) / 1000)
        #expect(histogram.bucketCount == LatencyHistogram.sparseLimit + 1)
        #expect(histogram.allocatedBytes == Self.full().estimatedFootprintInBytes)
    }

    @Test func memoryGrowsWithTheBucketsSeen() {
        var histogram = LatencyHistogram()
        #expect(histogram.allocatedBytes == 0 && histogram.result() == nil)
        for _ in 0..<1_000 { histogram.record(milliseconds: 18) }
        // One bucket: the smallest table, 8 slots of 8 bytes.
        #expect(histogram.bucketCount == 1 && histogram.allocatedBytes == 64)
        for micros in 1...100 { histogram.record(milliseconds: Double(micros) / 1000) }
        // 101 buckets at most three quarters full: 256 slots.
        #expect(histogram.bucketCount == 101 && histogram.allocatedBytes == 256 * 8)
        // A full histogram of the same range takes ~70 KB from the start.
        #expect(Self.full().estimatedFootprintInBytes > 69_000)
    }

    @Test func manyBucketsMoveIntoAFullHistogramAndKeepCounting() {
        var histogram = LatencyHistogram()
        var reference = Self.full()
        var value: UInt64 = 1
        for index in 0..<(LatencyHistogram.sparseLimit + 500) {
            // Each bucket once, the first ones several times.
            for _ in 0..<(index < 100 ? 3 : 1) {
                histogram.record(milliseconds: Double(value) / 1000)
                reference.record(value)
            }
            value = LatencyHistogram.highestEquivalent(value) + 1
        }
        #expect(histogram.allocatedBytes == reference.estimatedFootprintInBytes)
        #expect(histogram.buckets().map(\.count) == reference.recordedValues().map { UInt64($0.count) })
        #expect(histogram.buckets().map(\.highest) == reference.recordedValues().map(\.value))
    }
}
