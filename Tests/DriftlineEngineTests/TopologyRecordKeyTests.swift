import DriftlineCore
import DriftlineEngine
import Testing

@Suite struct TopologyRecordKeyTests {
    @Test func identityRolesMayTakeTheRecordKeyOrAHeader() throws {
        let topology = try loadTopology(
            """
            name: keyed
            windows: {size: 5m}
            keys: [[line]]
            sources:
              - name: s
                type: stdin
                mapping: {model: '@record_key', version: '@header:model-version', request_id: '@record_key',
                          segment_fields: {line: '@record_key'}}
            sinks: {results: {type: stdout}, alerts: {type: stdout}, dead_letter: {type: stdout}}
            """)
        let mapping = try #require(topology.sources.first?.mapping)
        #expect(mapping.model == .recordKey)
        #expect(mapping.requestID == .recordKey)
        #expect(mapping.version == .recordHeader("model-version"))
        #expect(mapping.segmentFields == ["line": .recordKey])
    }
}
