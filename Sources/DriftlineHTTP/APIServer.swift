public import Hummingbird
public import Logging

/// The HTTP server the API runs on: `driftline serve` and the engine's `run` build it alike.
public enum APIServer {
    /// The router of every route the server answers; later routes (`/metrics`, the dashboard) are
    /// added here beside the API's. With a `token`, every request must carry it as a bearer token.
    public static func router(api: HistoryAPI, token: String? = nil) -> Router<BasicRequestContext> {
        let router = Router()
        if let token { router.add(middleware: BearerToken(token)) }
        api.addRoutes(to: router)
        return router
    }

    /// An application serving `api` on `host`:`port`, behind `token` when given; `onRunning` is
    /// called once it listens.
    public static func application(
        api: HistoryAPI, host: String, port: Int, token: String? = nil, logger: Logger,
        onRunning: @escaping @Sendable () async -> Void = {}
    ) -> Application<RouterResponder<BasicRequestContext>> {
        Application(
            router: router(api: api, token: token),
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
