import DriftlineCore
import Testing

@Suite struct MetricSelectorTests {
    static let valid: [(String, MetricSelector)] = [
        ("psi[current_a]", .psi(.named("current_a"))), ("psi[*]", .psi(.all)), ("psi", .psi(.all)),
        ("missing_rate[*]", .missingRate(.all)), ("missing_rate[temp c]", .missingRate(.named("temp c"))),
        ("missing_rate", .missingRate(.all)), ("accuracy.gap_pp", .accuracyGap), ("accuracy.online", .accuracyOnline),
        ("labelled", .labelled), ("latency.p99", .latency(.p99)), ("latency.p999", .latency(.p999)),
        ("latency.max", .latency(.max)), ("resources.cpu_pct.max", .resource(.cpuPct, .max)),
        ("resources.gpu_mem_mb.max", .resource(.gpuMemMB, .max)), ("resources.mem_mb.p95", .resource(.memMB, .p95)),
        ("throughput", .throughput),
        // The names earlier topologies used.
        ("accuracy_gap", .accuracyGap), ("latency_p50", .latency(.p50)), ("latency_p95", .latency(.p95)),
        ("latency_p99", .latency(.p99)), ("latency_max", .latency(.max)), ("cpu_pct_mean", .resource(.cpuPct, .mean)),
        ("gpu_mem_mb_mean", .resource(.gpuMemMB, .mean)),
    ]

    @Test(arguments: valid)
    func readsEverySelectorAndItsOlderName(text: String, expected: MetricSelector) throws {
        #expect(try MetricSelector.parse(text).get() == expected)
    }

    static let invalid: [(String, MetricSelector.ParseFailure)] = [
        ("psi[current_a", .malformed("a feature is written inside brackets: psi[NAME] or psi[*]")),
        ("psi[]", .malformed("a feature is written inside brackets: psi[NAME] or psi[*]")),
        ("latency[x]", .malformed("only psi and missing_rate take a feature in brackets, not latency")),
        ("latency.p98", .unknownPart("p98", family: "latency", known: ["p50", "p90", "p95", "p99", "p999", "max"])),
        ("latency", .malformed("latency needs a further part: latency.p50 (one of: p50, p90, p95, p99, p999, max)")),
        ("accuracy.gap", .unknownPart("gap", family: "accuracy", known: ["gap_pp", "online"])),
        (
            "resources.cpu.max",
            .unknownPart("cpu", family: "resources", known: ["cpu_pct", "mem_mb", "gpu_pct", "gpu_mem_mb"])
        ),
        ("resources.cpu_pct.min", .unknownPart("min", family: "resources.cpu_pct", known: ["mean", "max", "p95"])),
        ("throughput.p99", .malformed("throughput takes no further part after it")),
    ]

    @Test(arguments: invalid)
    func explainsWhatIsWrong(text: String, failure: MetricSelector.ParseFailure) {
        #expect(throws: failure) { try MetricSelector.parse(text).get() }
    }

    @Test func anUnknownFamilyListsWhatItCouldBe() {
        guard case .failure(.unknownFamily("resource", let known)) = MetricSelector.parse("resource.cpu_pct.max")
        else {
            Issue.record("expected an unknown family")
            return
        }
        #expect(known.starts(with: MetricSelector.families))
        #expect(known.contains("accuracy_gap"))
    }
}
