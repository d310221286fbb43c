import Dashboard
import Foundation
import Hummingbird
import HummingbirdTesting
import Mining
import Testing

/// Beyond loopback the dashboard needs its token on every request.
@Suite struct DashboardTokenTests {
  @Test func servingBeyondLoopbackWithoutATokenIsRefused() throws {
    #expect(throws: MiningError.self) { try DashboardConfiguration(studyPath: "s.sqlite", host: "0.0.0.0").validate() }
    try DashboardConfiguration(studyPath: "s.sqlite", host: "0.0.0.0", token: "t").validate()
    try DashboardConfiguration(studyPath: "s.sqlite").validate()
    #expect(DashboardConfiguration.isLoopback("127.0.0.1") && DashboardConfiguration.isLoopback("::1"))
    #expect(!DashboardConfiguration.isLoopback("192.168.1.5"))
  }

  @Test func everyRouteNeedsTheTokenByHeaderQueryOrCookie() async throws {
    let (app, _) = try DashboardFixture.shared.get().application(token: "s3cret", host: "0.0.0.0")
    try await app.test(.router) { client in
      for uri in ["/", "/leaderboard", "/charts", "/trial/1", "/sampler", "/api/overview"] {
        let without = try await client.get(uri).0
        let with = try await client.get(uri, headers: [.authorization: "Bearer s3cret"]).0
        #expect(without == .unauthorized, "\(uri) without the token")
        #expect(with == .ok, "\(uri) with the header")
      }
      let wrongHeader = try await client.get("/", headers: [.authorization: "Bearer wrong"]).0
      let wrongQuery = try await client.get("/?token=s3cre").0
      #expect(wrongHeader == .unauthorized && wrongQuery == .unauthorized)
      let (status, _, headers) = try await client.get("/?token=s3cret")
      #expect(status == .ok)
      let cookie = try #require(headers[.setCookie]).split(separator: ";")[0]
      let withCookie = try await client.get("/charts", headers: [.cookie: String(cookie)]).0
      let wrongCookie = try await client.get("/charts", headers: [.cookie: "signalminer_token=00"]).0
      #expect(withCookie == .ok, "the cookie lets the browser in")
      #expect(wrongCookie == .unauthorized)
    }
  }
}
