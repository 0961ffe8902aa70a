/// The outcome of one timed relay: messages delivered and the time from the first publish to the last delivery.
struct Measurement {
    /// Messages delivered (all of them, verified).
    let messages: Int
    /// Seconds from starting the publisher to the last message delivered.
    let seconds: Double

    /// Messages per second.
    var rate: Double { Double(messages) / seconds }

    init(messages: Int, elapsed: Duration) {
        self.messages = messages
        seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
