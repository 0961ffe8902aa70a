import CRdKafka
import Synchronization

/// Where a `KafkaProducer`'s delivery reports, errors and logs land (librdkafka calls them on the
/// producer's polling thread): counts deliveries and keeps and reports failures.
final class DeliveryReports: Sendable {
    let delivered = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    private let kept = Mutex<[KafkaProducer.DeliveryFailure]>([])
    private let onFailure: (@Sendable (KafkaProducer.DeliveryFailure) -> Void)?
    private let log: @Sendable (String) -> Void

    init(onFailure: (@Sendable (KafkaProducer.DeliveryFailure) -> Void)?, log: @escaping @Sendable (String) -> Void) {
        self.onFailure = onFailure
        self.log = log
    }

    /// Points `configuration`'s callbacks here. The reports must outlive the client made from it
    /// (the pointer is unretained).
    func install(in configuration: OpaquePointer) {
        rd_kafka_conf_set_opaque(configuration, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_dr_msg_cb(configuration, Self.deliveryCallback)
        rd_kafka_conf_set_error_cb(configuration, Self.errorCallback)
        rd_kafka_conf_set_log_cb(configuration, Self.logCallback)
    }

    var failures: [KafkaProducer.DeliveryFailure] { kept.withLock { $0 } }

    private func report(_ failure: KafkaProducer.DeliveryFailure) {
        failed.add(1, ordering: .relaxed)
        kept.withLock { kept in
            if kept.count < KafkaProducer.keptFailures { kept.append(failure) }
        }
        log("Kafka delivery failed: \(failure)")
        onFailure?(failure)
    }

    // MARK: C callbacks (capture nothing; the reports travel as the opaque pointer)

    private static func reports(_ opaque: UnsafeMutableRawPointer?) -> DeliveryReports {
        Unmanaged<DeliveryReports>.fromOpaque(opaque!).takeUnretainedValue()
    }

    private static let deliveryCallback:
        @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
            _, message, opaque in
            guard let message else { return }
            let reports = reports(opaque)
            let fields = message.pointee
            guard fields.err != RD_KAFKA_RESP_ERR_NO_ERROR else {
                reports.delivered.add(1, ordering: .relaxed)
                return
            }
            let key = fields.key.map {
                String(decoding: UnsafeRawBufferPointer(start: $0, count: fields.key_len), as: UTF8.self)
            }
            let topic = String(cString: rd_kafka_topic_name(fields.rkt))
            reports.report(
                KafkaProducer.DeliveryFailure(
                    topic: topic, key: key, error: KafkaError(fields.err, "delivery to '\(topic)' failed")))
        }

    private static let errorCallback:
        @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
            client, code, reason, opaque in
            var error = KafkaError(rd_kafka_resp_err_t(rawValue: code), "Kafka producer error")
            if error.code == .fatal {
                var text = [CChar](repeating: 0, count: 512)
                let cause = rd_kafka_fatal_error(client, &text, text.count)
                error = KafkaError(cause, "Kafka producer fatal error, the producer must be recreated")
            }
            reports(opaque).log(error.message + (reason.map { " — " + String(cString: $0) } ?? ""))
        }

    private static let logCallback:
        @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
            client, level, facility, line in
            guard let client, let opaque = rd_kafka_opaque(client) else { return }
            reports(opaque).log(
                "librdkafka[\(level)] \(facility.map { String(cString: $0) } ?? ""): \(line.map { String(cString: $0) } ?? "")"
            )
        }
}
