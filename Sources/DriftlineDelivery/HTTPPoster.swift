import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// Posts JSON bodies to one URL: 2xx is delivered, anything else (another status, no connection,
/// no answer within the timeout) a `DeliveryError`.
struct HTTPPoster: Sendable {
    let client: HTTPClient
    let url: String
    let headers: [String: String]
    let timeoutMs: Int64

    /// Posts `body` (UTF-8 JSON).
    func post(_ body: [UInt8]) async throws(DeliveryError) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            request.headers.replaceOrAdd(name: name, value: value)
        }
        request.body = .bytes(body)
        let status: HTTPResponseStatus
        let answer: ByteBuffer
        do {
            let response = try await client.execute(request, timeout: .milliseconds(timeoutMs))
            status = response.status
            answer = try await response.body.collect(upTo: 64 * 1024)
        } catch {
            throw DeliveryError(.unreachable, "POST \(url): \(error)")
        }
        guard (200..<300).contains(status.code) else {
            let text = String(buffer: answer).prefix(500)
            throw DeliveryError(.rejected, "POST \(url): \(status.code) \(status.reasonPhrase) \(text)")
        }
    }
}
