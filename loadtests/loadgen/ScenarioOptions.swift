import ArgumentParser
import DriftlineCore
import DriftlineTestSupport

/// Options that shape the plant and the model, shared by every subcommand.
struct ScenarioOptions: ParsableArguments {
    @Option(help: "Event time of the first inference (RFC 3339 or epoch milliseconds).")
    var start = "2026-11-26T00:00:00Z"

    @Option(help: "Inferences per second of event time.")
    var rate = 50.0

    @Option(help: "Number of production lines (L1, L2, …).")
    var lines = 3

    @Option(help: "Devices (cameras) per line.")
    var devices = 4

    @Option(help: "Model name.")
    var model = "weld-defect-cls"

    @Option(help: "Model version.")
    var modelVersion = "3.2.0"

    @Option(help: "The classifier's two classes, negative first; integers are written as JSON integers (0,1).")
    var classes = "ok,defect"

    /// The default scenario with these options applied (length and drift are up to the caller).
    func scenario() throws -> TelemetryScenario {
        guard let startMs = Timestamp.parse(start) else {
            throw ValidationError("--start '\(start)' is neither an RFC 3339 time nor epoch milliseconds")
        }
        var scenario = TelemetryScenario()
        scenario.startMs = startMs
        scenario.eventsPerSecond = rate
        scenario.segments = TelemetryScenario.Segments(lineCount: lines, devicesPerLine: devices)
        scenario.models = [TelemetryScenario.Model(name: model, version: modelVersion)]
        let names = classes.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard names.count == 2, names.allSatisfy({ !$0.isEmpty }), names[0] != names[1] else {
            throw ValidationError("--classes '\(classes)' must name two different classes, e.g. ok,defect or 0,1")
        }
        scenario.task.okClass = names[0]
        scenario.task.defectClass = names[1]
        return scenario
    }
}
