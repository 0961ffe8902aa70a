@testable import DriftlineCore

/// Decodes test payloads with one decoder and symbol table, and reads results back as strings.
final class DecodingHarness {
    let symbols = SymbolTable()
    let decoder: EventDecoder
    var event: Event

    init(_ mapping: FieldMapping = .contract(segmentDimensions: ["line", "device"])) throws {
        decoder = try EventDecoder(mapping: mapping, symbols: symbols)
        // Payloads here count time from the epoch; `DecodingTimeRangeTests` checks the contract's range.
        decoder.acceptedTimes = .min ... .max
        event = Event(segmentDimensions: mapping.segmentDimensions.count)
    }

    func decode(
        _ json: String, recordTime: Int64? = nil, key: String? = nil, headers: [UInt8]? = nil
    ) throws(DecodeError) -> Event {
        var bytes = Array(json.utf8)
        let keyBytes = Array((key ?? "").utf8)
        let headerBytes = headers ?? []
        var result = event
        var failure: DecodeError?
        bytes.withUnsafeBytes { buffer in
            keyBytes.withUnsafeBytes { keyBuffer in
                headerBytes.withUnsafeBytes { headerBuffer in
                    do throws(DecodeError) {
                        let context = RecordContext(
                            recordTime: recordTime, key: key == nil ? nil : keyBuffer,
                            headers: headers == nil ? nil : headerBuffer)
                        try decoder.decode(buffer, context: context, into: &result)
                    } catch {
                        failure = error
                    }
                }
            }
        }
        if let failure { throw failure }
        // Overwrite the payload: nothing in the event may point into it.
        for i in bytes.indices { bytes[i] = 0 }
        event = result
        return result
    }

    func error(_ json: String) -> DecodeError? {
        do {
            _ = try decode(json)
            return nil
        } catch {
            return error
        }
    }

    func name(_ symbol: Symbol?) -> String? { symbol.map { symbols[$0] } }

    /// Features as name -> readable value (`"412.5"`, `"'S355'"`, `"missing"`).
    func features(_ event: Event) -> [String: String] {
        var result: [String: String] = [:]
        for feature in event.features { result[symbols[feature.name]] = describe(feature.value, event) }
        return result
    }

    func describe(_ value: Value, _ event: Event) -> String {
        switch value {
        case .missing: "missing"
        case .number(let number): "\(number)"
        case .text(let slice): "'\(event.string(slice))'"
        }
    }
}
