import DriftlineConnectors
import DriftlineMQTT
import Testing

@Suite struct MQTTSettingsTests {
    @Test func defaultsSuitAPersistentQoS1Source() {
        let settings = MQTTSettings(clientID: "driftline-1")
        #expect(!settings.cleanSession)
        #expect(settings.protocolVersion == .v311)
        #expect(settings.port == 1883)
        #expect(settings.tls == nil)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var name: String
        var settings: MQTTSettings
        var testDescription: String { name }
    }

    // Each case breaks one rule; creating a source validates the settings before anything connects.
    @Test(arguments: [
        Invalid(name: "empty host", settings: MQTTSettings(host: "", clientID: "c")),
        Invalid(name: "port 0", settings: MQTTSettings(port: 0, clientID: "c")),
        Invalid(name: "persistent session without id", settings: MQTTSettings(clientID: "")),
        Invalid(name: "keep-alive below 5 s", settings: MQTTSettings(clientID: "c", keepAlive: .seconds(2))),
        Invalid(
            name: "min delay above max",
            settings: MQTTSettings(clientID: "c", reconnectDelayMin: .seconds(5), reconnectDelayMax: .seconds(1))),
        Invalid(name: "password without user", settings: MQTTSettings(clientID: "c", password: "secret")),
        Invalid(name: "TLS without CA", settings: MQTTSettings(clientID: "c", tls: .init())),
        Invalid(
            name: "certificate without key",
            settings: MQTTSettings(clientID: "c", tls: .init(caFile: "/ca.pem", certificateFile: "/c.pem"))),
        Invalid(
            name: "unreadable CA file", settings: MQTTSettings(clientID: "c", tls: .init(caFile: "/nonexistent/ca.pem"))
        ),
    ])
    func invalidSettingsAreRejectedBeforeConnecting(_ invalid: Invalid) {
        #expect {
            _ = try MQTTSource(settings: invalid.settings, subscriptions: ["a/#"], queue: SourceQueue(), source: 0)
        } throws: { error in
            (error as? MQTTError)?.code == .invalidSettings
        }
    }

    @Test(arguments: ["a/#/b", "a/b+", "", "a/#x"])
    func invalidSubscriptionsAreRejected(_ filter: String) {
        #expect {
            _ = try MQTTSource(
                settings: MQTTSettings(clientID: "c"), subscriptions: [filter], queue: SourceQueue(), source: 0)
        } throws: { error in
            (error as? MQTTError)?.code == .invalidTopic
        }
    }
}
