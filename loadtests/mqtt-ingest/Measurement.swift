/// The outcome of one timed relay: messages delivered and the time from the first publish to the last delivery.
struct Measurement {
    /// Messages delivered (all of them, verified).
    let messages: Int
    /// Seconds from starting the publisher to the last message delivered.
    let seconds: Double
    /// CPU seconds the receiving client spent in that time.
    let clientCPUSeconds: Double

    /// Messages per second.
    var rate: Double { Double(messages) / seconds }

    /// The receiving client's CPU time per message, in microseconds.
    var clientMicrosecondsPerMessage: Double { clientCPUSeconds * 1e6 / Double(messages) }

    init(messages: Int, elapsed: Duration, clientCPUSeconds: Double) {
        self.messages = messages
        self.clientCPUSeconds = clientCPUSeconds
        seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
