import Foundation
import Hummingbird

/// Lets a request through only with the dashboard's token: `Authorization: Bearer T` or `?token=T`, then the
/// cookie this middleware sets when one of those was right (so a browser opened on `/?token=T` stays in).
/// Anything else gets 401.
struct TokenMiddleware<Context: RequestContext>: RouterMiddleware {
  static var cookieName: String { "signalminer_token" }
  let token: String

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
    -> Response
  {
    let presented = bearer(request) ?? request.uri.queryParameters["token"].map(String.init)
    if let presented, matches(presented) {
      var response = try await next(request, context)
      response.setCookie(
        Cookie(name: Self.cookieName, value: Self.hex(token), path: "/", httpOnly: true, sameSite: .strict))
      return response
    }
    if let cookie = request.cookies[Self.cookieName]?.value, matches(cookie, hex: true) {
      return try await next(request, context)
    }
    return Response(
      status: .unauthorized, headers: [.contentType: "text/plain; charset=utf-8", .wwwAuthenticate: "Bearer"],
      body: ResponseBody(
        byteBuffer: ByteBuffer(
          string: "401 Unauthorized: this dashboard needs its token (Authorization: Bearer T, or open /?token=T)\n")))
  }

  private func bearer(_ request: Request) -> String? {
    guard let value = request.headers[.authorization], value.lowercased().hasPrefix("bearer ") else { return nil }
    return String(value.dropFirst(7)).trimmingCharacters(in: .whitespaces)
  }

  /// Compares in time independent of where the first difference lies.
  private func matches(_ presented: String, hex: Bool = false) -> Bool {
    let expected = Array((hex ? Self.hex(token) : token).utf8)
    let given = Array(presented.utf8)
    var difference = UInt8(expected.count == given.count ? 0 : 1)
    for i in expected.indices { difference |= expected[i] ^ (i < given.count ? given[i] : 0) }
    return difference == 0
  }

  /// The token as hex (a cookie value needs no quoting then).
  static func hex(_ s: String) -> String { s.utf8.map { String(format: "%02x", $0) }.joined() }
}
