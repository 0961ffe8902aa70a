import CMosquitto

/// libmosquitto's integer result codes, compared and described without leaking C types into the API.
enum MosquittoResult {
    static let success = MOSQ_ERR_SUCCESS.rawValue
    static let notConnected = MOSQ_ERR_NO_CONN.rawValue

    /// libmosquitto's text for a result code; for `MOSQ_ERR_ERRNO` the system error.
    static func describe(_ rc: Int32) -> String {
        String(cString: mosquitto_strerror(rc)) + " (\(rc))"
    }

    /// The broker's reason for refusing a connection (CONNACK return code).
    static func describeRefusal(_ rc: Int32) -> String {
        String(cString: mosquitto_connack_string(rc)) + " (\(rc))"
    }
}
