import DriftlineEngine
import Testing

@Suite struct TopologyTopicTemplateTests {
    @Test(arguments: [
        ("plant/{line}/{device}/inference", ["line", "device"], "plant/+/+/inference"),
        ("{model}/+/{version}/#", ["model", "version"], "+/+/+/#"),
        ("a//b", [], "a//b"),
        ("#", [], "#"),
    ])
    func placeholdersAndTheSubscriptionFilter(template: String, placeholders: [String], filter: String) {
        let parsed = MQTTTopicTemplate(template)
        #expect(parsed.placeholders == placeholders)
        #expect(parsed.filter == filter)
    }

    @Test func levelsAreReadInOrder() {
        #expect(
            MQTTTopicTemplate("p/{line}/+/#").levels == [
                .literal("p"), .placeholder("line"), .singleLevelWildcard, .multiLevelWildcard,
            ])
        // a level that is not exactly `{name}` stays literal text (and the loader rejects it)
        #expect(MQTTTopicTemplate("x{line}/{+}").levels == [.literal("x{line}"), .literal("{+}")])
    }

    @Test(arguments: [
        ("plant/{line}/{device}/inference", "plant/l3/cam-07/inference", ["line": "l3", "device": "cam-07"]),
        ("plant/{line}/{device}/inference", "plant/l3/cam-07/labels", nil),
        ("plant/{line}/{device}/inference", "plant/l3/inference", nil),
        ("plant/{line}/#", "plant/l3", ["line": "l3"]),  // `#` also matches no level, as in MQTT
        ("plant/{line}/#", "plant/l3/a/b", ["line": "l3"]),
        ("+/{line}", "x/", ["line": ""]),
        ("{line}/x", "$SYS/x", nil),  // `$` topics never match a leading wildcard
        ("$SYS/{line}", "$SYS/x", ["line": "x"]),
    ] as [(String, String, [String: String]?)])
    func valuesAreTakenFromMatchingTopics(template: String, topic: String, values: [String: String]?) {
        #expect(MQTTTopicTemplate(template).values(inTopic: topic) == values)
    }
}
