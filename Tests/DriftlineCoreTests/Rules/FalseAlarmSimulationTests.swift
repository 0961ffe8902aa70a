import DriftlineCore
import Foundation
import Testing

/// How often accuracy rules raise an alert from sampling noise alone: every window's online
/// accuracy truly equals the offline 0.95, and a window of `n` labels gets `K ~ Binomial(n, 0.95)`
/// right. The table in topologies/README.md ("False alarms of accuracy rules") is this suite's.
@Suite struct FalseAlarmSimulationTests {
    static let offline = 0.95

    /// `scipy.stats.binom.cdf(kmax, n, 0.95)` (scipy 1.17), where `kmax` is the largest number
    /// right whose window breaches 3 pp: by the point gap (183, 459, 1839) and by the gap to the
    /// one-sided 95 % Wilson upper bound (177, 450, 1820), the bound evaluated in Python.
    static let scipyBreach: [Int: (point: Double, bound: Double)] = [
        200: (0.023799459747172885, 0.00019042726479439551),
        500: (0.0015455537617156284, 3.575815040255189e-06),
        2000: (4.654062711723005e-09, 7.415399787048881e-14),
    ]

    /// The accuracy rules compared: the contract's (3 windows), the (2 windows), each
    /// with and without the confidence bound, all with the default `min_labels` of 200; and
    /// `breach`, which fires on every window breaching after one that does not.
    static let rules: [RuleSpec] = [
        RuleSpec(name: "breach", metric: .accuracyGap, threshold: 3),
        RuleSpec(name: "for2", metric: .accuracyGap, threshold: 3, sustain: 2),
        RuleSpec(name: "for3", metric: .accuracyGap, threshold: 3, sustain: 3),
        RuleSpec(name: "for2_conf", metric: .accuracyGap, threshold: 3, sustain: 2, confidence: 0.95),
        RuleSpec(name: "for3_conf", metric: .accuracyGap, threshold: 3, sustain: 3, confidence: 0.95),
    ]

    /// `P(K = k)` for `k` in `0...n`, from log-gamma.
    static func binomialPMF(n: Int, p: Double) -> [Double] {
        (0...n).map { k in
            let logChoose = lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
            return exp(logChoose + Double(k) * log(p) + Double(n - k) * log(1 - p))
        }
    }

    /// Whether a window of `right` of `n` breaches `rule` on its own.
    static func breaches(_ rule: RuleSpec, right: Int, n: Int) -> Bool {
        var single = rule
        single.sustain = 1
        var bench = RuleBench([single])
        bench.judge(RuleBench.result(0, online: Double(right) / Double(n), offline: offline, labelled: n))
        return !bench.alerts.isEmpty
    }

    /// The engine's breach of one window, summed over the binomial, is scipy's tail.
    @Test(arguments: [200, 500, 2000])
    func theBreachProbabilityOfAWindowIsTheBinomialTail(n: Int) throws {
        let pmf = Self.binomialPMF(n: n, p: Self.offline)
        let expected = try #require(Self.scipyBreach[n])
        for (rule, tail) in [(Self.rules[1], expected.point), (Self.rules[3], expected.bound)] {
            let probability = (0...n).filter { Self.breaches(rule, right: $0, n: n) }.reduce(0) { $0 + pmf[$1] }
            #expect(abs(probability - tail) <= 1e-9 * tail, "n \(n) \(rule.name): \(probability) vs \(tail)")
        }
    }

    /// Simulated windows through the engine: the firing rate of a rule needing `N` windows, with
    /// windows independent and each breaching with probability `p`, is `(1 − p)·p^N` per window
    /// (a streak reaches N right after a window that did not breach). Measured counts must lie
    /// within 5 standard deviations (Poisson) of that, plus 3.
    @Test(arguments: [(200, 100_000), (500, 100_000), (2000, 20_000)])
    func falseAlarmRatesOfTheAccuracyRules(n: Int, windows: Int) throws {
        let pmf = Self.binomialPMF(n: n, p: Self.offline)
        var cdf: [Double] = []
        var total = 0.0
        for value in pmf {
            total += value
            cdf.append(total)
        }
        var random = SeededRandom(seed: UInt64(n))
        var bench = RuleBench(Self.rules)
        for index in 0..<windows {
            let u = Double.random(in: 0..<1, using: &random) * total
            let right = cdf.partitionPoint { $0 <= u }
            bench.judge(
                RuleBench.result(index, online: Double(right) / Double(n), offline: Self.offline, labelled: n))
        }
        let breach = try #require(Self.scipyBreach[n])
        var table: [String] = []
        for rule in Self.rules {
            let p = rule.confidence == nil ? breach.point : breach.bound
            let rate = (1 - p) * pow(p, Double(rule.sustain))
            let expected = rate * Double(windows)
            let measured = bench.alerts.count { $0.rule == rule.name && $0.state == .firing }
            #expect(
                abs(Double(measured) - expected) <= 5 * expected.squareRoot() + 3,
                "n \(n) \(rule.name): \(measured) firings in \(windows) windows, expected \(expected)")
            table.append("\(rule.name): measured \(measured)/\(windows), exact rate \(rate)")
        }
        print("false alarms at n = \(n): " + table.joined(separator: "; "))
        #expect(bench.engine.unjudgedFewLabels == 0)
    }

    /// Windows with fewer labels than `min_labels` (200) are not judged: no alarm, and each is counted.
    @Test func windowsBelowMinLabelsRaiseNothingAndAreCounted() {
        var random = SeededRandom(seed: 7)
        var bench = RuleBench(Self.rules)
        for index in 0..<1_000 {
            // Online accuracy far below offline: 60 to 80 of 100 right.
            let right = Int.random(in: 60...80, using: &random)
            bench.judge(RuleBench.result(index, online: Double(right) / 100, offline: Self.offline, labelled: 100))
        }
        #expect(bench.alerts.isEmpty)
        #expect(bench.engine.unjudgedFewLabels == 1_000 * Self.rules.count)
    }
}

extension Array where Element == Double {
    /// The first index whose element fails `belongs` (the elements that pass come first).
    fileprivate func partitionPoint(_ belongs: (Double) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { low = middle + 1 } else { high = middle }
        }
        return Swift.min(low, count - 1)
    }
}
