import DriftlineConnectors
import DriftlineMQTT
import DriftlineTestSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The two paths measured against the same broker with the same publisher:
/// `mosquitto_pub -q 1 -l` → mosquitto → `mosquitto_sub -q 1` (the broker's own relay ceiling), and
/// `mosquitto_pub -q 1 -l` → mosquitto → `MQTTSource` → `SourceQueue` → a drain thread (Driftline's ingest).
///
/// Both subscribers hold a persistent QoS 1 session that exists before the publisher starts; the clock runs from
/// starting the publisher to the last message delivered (the subscriber's exit, or the drain taking the last one).
/// The receiving client's CPU time is noted too: `mosquitto_sub`'s from `/proc`, this whole process's for the
/// source (its network thread, the drain and the idle main thread).
struct Relay {
    let broker: MosquittoBroker
    let payloads: PayloadSet
    /// `mosquitto_pub -M`: QoS 1 messages the publisher keeps in flight.
    let publisherInflight: Int
    /// How long one path may take before it counts as failed.
    let timeout: Duration

    static let topic = "plant/L1/cam-01/inference"
    static let filter = "plant/+/+/inference"
    private static let publisherPath = executable("mosquitto_pub")
    private static let subscriberPath = executable("mosquitto_sub")

    /// The first `name` on `PATH` (the mosquitto clients package installs both clients there), else `name`,
    /// whose launch then fails with a message naming it.
    private static func executable(_ name: String) -> String {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) } ?? name
    }

    private var address: [String] { ["-h", broker.host, "-p", String(broker.port)] }

    /// Path (a): the broker's own QoS 1 relay with its own clients.
    func brokerCeiling(round: Int) throws -> Measurement {
        let clientID = "load-sub-\(round)"
        let session = address + ["-c", "-i", clientID, "-q", "1", "-t", Self.filter]
        let subscribed = try ChildProcess.run([Self.subscriberPath] + session + ["-E"])
        guard subscribed.status == 0 else {
            throw LoadError("mosquitto_sub could not set up its session (exit \(subscribed.status))")
        }
        let output = broker.directory.appendingPathComponent("sub-\(round).out")
        let outputFD = open(output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard outputFD >= 0 else { throw LoadError("cannot write \(output.path)") }
        let subscriber: ChildProcess
        do {
            subscriber = try ChildProcess(
                [Self.subscriberPath] + session + ["-C", String(payloads.count)], standardOutput: outputFD)
        } catch {
            close(outputFD)
            throw error
        }
        close(outputFD)
        let started = ContinuousClock.now
        let publishers = try startPublishers(round: round)
        let deadline = started + timeout
        var subscriberCPU = 0.0
        while !subscriber.hasExited && ContinuousClock.now < deadline {
            subscriberCPU = CPUTime.ofProcess(subscriber.pid) ?? subscriberCPU
            usleep(2000)
        }
        let elapsed = ContinuousClock.now - started
        let finished = subscriber.hasExited
        if !finished { subscriber.terminate(grace: 1) }
        try finish(publishers)
        let status = subscriber.waitForExit()
        try discardSession(clientID)
        var check = ArrivalCheck(expected: payloads.digests)
        let received = try Data(contentsOf: output)
        try? FileManager.default.removeItem(at: output)
        received.withUnsafeBytes { bytes in
            var start = 0
            for index in 0..<bytes.count where bytes[index] == UInt8(ascii: "\n") {
                check.add(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
                start = index + 1
            }
        }
        try check.verify("mosquitto_sub")
        guard finished, status == 0 else {
            throw LoadError("mosquitto_sub did not finish within \(timeout) (exit \(status))")
        }
        return Measurement(messages: payloads.count, elapsed: elapsed, clientCPUSeconds: subscriberCPU)
    }

    /// Path (b): Driftline's `MQTTSource`, drained from its queue (and decoded when `decode` is set).
    func sourceIngest(round: Int, batchRecords: Int, flushInterval: Duration, decode: Bool) throws -> Measurement {
        let queue = SourceQueue()
        let clientID = "load-source-\(round)"
        let source = try MQTTSource(
            settings: MQTTSettings(host: broker.host, port: broker.port, clientID: clientID),
            subscriptions: [Self.filter], queue: queue, source: 0, batchRecords: batchRecords,
            flushInterval: flushInterval)
        source.start()
        let ready = ContinuousClock.now + .seconds(10)
        while !source.isSubscribed && ContinuousClock.now < ready { usleep(1000) }
        guard source.isSubscribed else {
            try? source.stop()
            throw LoadError("the MQTT source did not subscribe within 10 s: \(source.lastError?.description ?? "-")")
        }
        let drain = QueueDrain(queue: queue, expected: payloads.count, decode: decode)
        drain.start()
        let cpuBefore = CPUTime.ofThisProcess()
        let started = ContinuousClock.now
        let publishers = try startPublishers(round: round)
        drain.wait(timeout: timeout)
        let clientCPU = CPUTime.ofThisProcess() - cpuBefore
        queue.close()
        let result = drain.outcome()
        try source.stop()
        try finish(publishers)
        try discardSession(clientID)
        var check = ArrivalCheck(expected: payloads.digests)
        for batch in result.batches {
            batch.forEach { _, payload in check.add(payload) }
        }
        try check.verify("MQTTSource")
        guard let finished = result.finished else {
            throw LoadError("the MQTT source delivered \(result.records) of \(payloads.count) within \(timeout)")
        }
        guard result.decodeFailures == 0 else {
            throw LoadError("\(result.decodeFailures) payloads failed to decode")
        }
        return Measurement(messages: payloads.count, elapsed: finished - started, clientCPUSeconds: clientCPU)
    }

    /// Ends a persistent session by connecting once with a clean session under its client id. A session left
    /// behind would make the broker queue every later message for it, slowing down the paths measured after it.
    private func discardSession(_ clientID: String) throws {
        let cleaned = try ChildProcess.run([Self.subscriberPath] + address + ["-i", clientID, "-t", Self.filter, "-E"])
        guard cleaned.status == 0 else {
            throw LoadError("could not discard the session of \(clientID) (mosquitto_sub exit \(cleaned.status))")
        }
    }

    /// Starts one `mosquitto_pub -l` per payload file, all at once.
    private func startPublishers(round: Int) throws -> [ChildProcess] {
        try payloads.files.enumerated().map { part, file in
            let inputFD = open(file.path, O_RDONLY)
            guard inputFD >= 0 else { throw LoadError("cannot read \(file.path)") }
            defer { close(inputFD) }
            return try ChildProcess(
                [Self.publisherPath] + address + [
                    "-i", "load-pub-\(round)-\(part)", "-q", "1", "-M", String(publisherInflight), "-t", Self.topic,
                    "-l",
                ],
                standardInput: inputFD)
        }
    }

    private func finish(_ publishers: [ChildProcess]) throws {
        let deadline = ContinuousClock.now + .seconds(30)
        for publisher in publishers {
            while !publisher.hasExited && ContinuousClock.now < deadline { usleep(1000) }
            if !publisher.hasExited { publisher.terminate(grace: 1) }
            let status = publisher.waitForExit()
            guard status == 0 else { throw LoadError("mosquitto_pub exited with status \(status)") }
        }
    }
}
