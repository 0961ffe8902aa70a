public import Hummingbird
public import Logging

/// The HTTP server the API runs on: `driftline serve` and the engine's `run` build it alike.
public enum APIServer {
    /// The router of every route the server answers; later routes (`/metrics`, the dashboard) are
    /// added here beside the API's.
    public static func router(api: HistoryAPI) -> Router<BasicRequestContext> {
        let router = Router()
        api.addRoutes(to: router)
        return router
    }

    /// An application serving `api` on `host`:`port`; `onRunning` is called once it listens.
    public static func application(
        api: HistoryAPI, host: String, port: Int, logger: Logger,
        onRunning: @escaping @Sendable () async -> Void = {}
    ) -> Application<RouterResponder<BasicRequestContext>> {
        Application(
            router: router(api: api),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "driftline"),
            onServerRunning: { _ in await onRunning() }, logger: logger)
    }
}

extension APIServer {
    /// `http://host:port`, with an IPv6 host in brackets.
    public static func url(host: String, port: Int) -> String {
        host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
    }
}
