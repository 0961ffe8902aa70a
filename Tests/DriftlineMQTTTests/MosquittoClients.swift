import DriftlineTestSupport
import Foundation

/// The mosquitto project's own command-line clients, as outside parties that publish and subscribe.
enum MosquittoClients {
    /// Publishes each line as one QoS 1 message to `topic` (`mosquitto_pub -l`) and waits; mosquitto_pub exits with
    /// status 0 only after the broker acknowledged every message.
    static func publish(
        _ lines: [String], topic: String, to broker: MosquittoBroker, version: String = "mqttv311"
    )
        throws
    {
        let (status, _) = try ChildProcess.run(
            [
                "/usr/bin/mosquitto_pub", "-h", broker.host, "-p", "\(broker.port)", "-q", "1", "-V", version, "-t",
                topic,
                "-l",
            ], input: Array(lines.map { $0 + "\n" }.joined().utf8))
        guard status == 0 else {
            throw ClientFailure(description: "mosquitto_pub to \(topic) exited with \(status)")
        }
    }

    /// Creates a persistent QoS 1 session for `clientID` subscribed to `filter`, then disconnects: the broker
    /// queues matching messages for it from now on.
    static func createSession(clientID: String, filter: String, on broker: MosquittoBroker) throws {
        _ = try subscribe(clientID: clientID, filter: filter, on: broker, extra: ["-E"])
    }

    /// Resumes the persistent session of `clientID` and returns the first `count` messages as
    /// "retain-flag topic payload" lines (`mosquitto_sub -F '%r %t %p'`), waiting at most `timeout` seconds
    /// (fewer lines when fewer arrived).
    static func receive(
        count: Int, clientID: String? = nil, filter: String, on broker: MosquittoBroker, timeout: Int = 10
    ) throws -> [String] {
        try subscribe(
            clientID: clientID, filter: filter, on: broker,
            extra: ["-C", "\(count)", "-W", "\(timeout)", "-F", "%r %t %p"]
        ).split(separator: "\n").map(String.init)
    }

    private static func subscribe(
        clientID: String?, filter: String, on broker: MosquittoBroker, extra: [String]
    )
        throws -> String
    {
        var arguments = ["/usr/bin/mosquitto_sub", "-h", broker.host, "-p", "\(broker.port)", "-q", "1", "-t", filter]
        if let clientID { arguments += ["-c", "-i", clientID] }
        let (status, output) = try ChildProcess.run(arguments + extra)
        // 27 (ETIMEDOUT): `-W` ran out before `-C` messages arrived; the caller compares what did arrive.
        guard status == 0 || status == 27 else {
            throw ClientFailure(description: "mosquitto_sub on \(filter) exited with \(status)")
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A client program that failed.
    struct ClientFailure: Error, CustomStringConvertible {
        let description: String
    }
}
