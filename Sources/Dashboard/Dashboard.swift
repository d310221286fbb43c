import Foundation
import Hummingbird
import Mining

/// The live dashboard of a mining study (`signal-miner serve`): server-rendered HTML and inline SVG, read-only,
/// while `mine` processes write the study.
///
/// Routes: `/` overview, `/leaderboard`, `/charts`, `/trial/{id}`, `/sampler`, `/api/overview` (JSON). With a
/// token every route needs it (`TokenMiddleware`).
public enum Dashboard {
  /// The routes over `cache`'s study.
  public static func router(cache: StudyCache, configuration: DashboardConfiguration) -> Router<BasicRequestContext> {
    let router = Router()
    if let token = configuration.token { router.add(middleware: TokenMiddleware(token: token)) }
    router.get("/") { _, _ in HTMLPage(OverviewPage.render(try cache.snapshot())) }
    router.get("/leaderboard") { request, _ in
      HTMLPage(
        LeaderboardPage.render(
          try cache.snapshot(), query: leaderboardQuery(request), studyPath: configuration.studyPath))
    }
    router.get("/charts") { _, _ in HTMLPage(ChartsPage.render(try cache.snapshot())) }
    router.get("/trial/:id") { _, context in
      let snapshot = try cache.snapshot()
      let id = context.parameters.get("id", as: Int.self)
      guard let id, let found = snapshot.trial(id) else {
        throw HTTPError(.notFound, message: "no trial \(context.parameters.get("id") ?? "") in this study")
      }
      return HTMLPage(TrialPage.render(snapshot, trial: found.0, result: found.1))
    }
    router.get("/sampler") { _, _ in
      let snapshot = try cache.snapshot()
      return HTMLPage(
        SamplerPage.render(snapshot, marginals: cache.marginals(snapshot, spacePath: configuration.spacePath)))
    }
    router.get("/api/overview") { _, _ in
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      let data = try encoder.encode(Overview(try cache.snapshot()))
      return Response(
        status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
    return router
  }

  /// The server for `configuration` (validated first); `onListening` gets the URL once it accepts connections.
  public static func application(
    configuration: DashboardConfiguration, onListening: @escaping @Sendable (String) -> Void = { _ in }
  ) throws -> some ApplicationProtocol {
    try configuration.validate()
    let cache = StudyCache(study: try Study.open(configuration.studyPath), location: configuration.studyPath)
    return Application(
      router: router(cache: cache, configuration: configuration),
      configuration: .init(
        address: .hostname(configuration.host, port: configuration.port), serverName: "signal-miner"),
      onServerRunning: { channel in
        let port = channel.localAddress?.port ?? configuration.port
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        onListening("http://\(host):\(port)/")
      })
  }

  static func leaderboardQuery(_ request: Request) -> LeaderboardPage.Query {
    let parameters = request.uri.queryParameters
    var query = LeaderboardPage.Query()
    if let sort = parameters["sort"].map(String.init), LeaderboardPage.columns.contains(where: { $0.key == sort }) {
      query.sort = sort
    }
    query.descending = parameters["order"] != "asc"
    query.beatersOnly = parameters["beaters"] == "1"
    query.picks = parameters[values: "pick"].compactMap { Int($0) }.sorted()
    if let rows = parameters["rows"] {
      query.rows = rows == "all" ? nil : Int(rows).map { max(1, $0) } ?? LeaderboardPage.defaultRows
    }
    return query
  }
}

/// An HTML page as a response.
struct HTMLPage: ResponseGenerator {
  let html: String
  init(_ html: String) { self.html = html }

  func response(from request: Request, context: some RequestContext) throws -> Response {
    Response(
      status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
      body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
  }
}
