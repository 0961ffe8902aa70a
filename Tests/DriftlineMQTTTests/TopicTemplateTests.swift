import DriftlineMQTT
import Testing

@Suite struct TopicTemplateTests {
    struct Parsed: Sendable, CustomTestStringConvertible {
        var template: String
        var filter: String
        var names: [String]
        var testDescription: String { template }
    }

    // Filters written by hand: each {name} level becomes '+', everything else is kept.
    @Test(arguments: [
        Parsed(template: "plant/{line}/{device}/inference", filter: "plant/+/+/inference", names: ["line", "device"]),
        Parsed(template: "plant/+/{device}/#", filter: "plant/+/+/#", names: ["device"]),
        Parsed(template: "{site}", filter: "+", names: ["site"]),
        Parsed(template: "#", filter: "#", names: []),
        Parsed(template: "a//{_x1}", filter: "a//+", names: ["_x1"]),
        Parsed(template: "/leading/{a}", filter: "/leading/+", names: ["a"]),
        Parsed(template: "literal/only", filter: "literal/only", names: []),
    ])
    func templatesBecomeSubscriptionFiltersAndNames(_ parsed: Parsed) throws {
        let template = try TopicTemplate(parsed.template)
        #expect(template.filter == parsed.filter)
        #expect(template.names == parsed.names)
    }

    struct Match: Sendable, CustomTestStringConvertible {
        var template: String
        var topic: String
        /// nil: no match.
        var captures: [String]?
        var testDescription: String { "\(template) ~ \(topic)" }
    }

    // Expected captures read off the topic levels by hand (MQTT 3.1.1 section 4.7 matching rules).
    @Test(arguments: [
        Match(
            template: "plant/{line}/{device}/inference", topic: "plant/L1/press-7/inference",
            captures: ["L1", "press-7"]),
        Match(template: "plant/{line}/{device}/inference", topic: "plant/L1/press-7/labels", captures: nil),
        Match(template: "plant/{line}/{device}/inference", topic: "plant/L1/inference", captures: nil),
        Match(template: "plant/{line}/{device}/inference", topic: "plant/L1/a/b/inference", captures: nil),
        Match(template: "plant/{line}/{device}/inference", topic: "plant//d/inference", captures: ["", "d"]),
        Match(template: "plant/{line}/#", topic: "plant/L2", captures: ["L2"]),
        Match(template: "plant/{line}/#", topic: "plant/L2/x/y/z", captures: ["L2"]),
        Match(template: "plant/{line}/#", topic: "plant", captures: nil),
        Match(template: "plant/+/{device}", topic: "plant/L3/d9", captures: ["d9"]),
        Match(template: "plant/+/{device}", topic: "plant/L3/d9/", captures: nil),
        Match(template: "{root}/x", topic: "$SYS/x", captures: nil),
        Match(template: "#", topic: "$SYS/broker/uptime", captures: nil),
        Match(template: "$SYS/{what}", topic: "$SYS/uptime", captures: ["uptime"]),
        Match(template: "a/{b}", topic: "a/ü€", captures: ["ü€"]),
        Match(template: "a/b", topic: "a/bb", captures: nil),
    ])
    func matchingExtractsNamedLevels(_ match: Match) throws {
        let template = try TopicTemplate(match.template)
        let captures = template.captures(in: match.topic)
        #expect(captures?.map(\.value) == match.captures)
        if captures != nil { #expect(captures?.map(\.name) == template.names) }
    }

    @Test func captureRangesPointIntoTheTopicBytes() throws {
        let template = try TopicTemplate("plant/{line}/{device}/inference")
        let topic = Array("plant/L12/dev/inference".utf8)
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(2)
        let matched = topic.withUnsafeBytes { template.captureRanges(in: $0, into: &ranges) }
        #expect(matched)
        // "plant/" is 6 bytes: L12 at 6..<9, then "/" and dev at 10..<13.
        #expect(ranges == [6..<9, 10..<13])
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var template: String
        var code: MQTTError.Code
        var testDescription: String { template }
    }

    @Test(arguments: [
        Invalid(template: "", code: .emptyTemplate),
        Invalid(template: "plant/dev{id}/x", code: .partialLevel),
        Invalid(template: "plant/{id}x", code: .partialLevel),
        Invalid(template: "plant/a+", code: .partialLevel),
        Invalid(template: "plant/{a{b}}", code: .partialLevel),
        Invalid(template: "plant/{line", code: .partialLevel),
        Invalid(template: "plant/{}", code: .invalidPlaceholder),
        Invalid(template: "plant/{1st}", code: .invalidPlaceholder),
        Invalid(template: "plant/{a-b}", code: .invalidPlaceholder),
        Invalid(template: "plant/{x}/{x}", code: .duplicatePlaceholder),
        Invalid(template: "plant/#/x", code: .misplacedMultiLevelWildcard),
    ])
    func invalidTemplatesAreRejectedWithTheirReason(_ invalid: Invalid) {
        #expect {
            _ = try TopicTemplate(invalid.template)
        } throws: { error in
            (error as? MQTTError)?.code == invalid.code
        }
    }
}
