import Testing
@testable import GateHTTP

/// The flow cookie jar against RFC 6265's parsing rules (section 5.2) and removal by age or date (5.3).
@Suite struct CookieJarTests {
    let now = 1_800_000_000.0  // 2027-01-15

    @Test func parsesTheNameValuePairAndIgnoresWhatIsNotACookie() {
        #expect(CookieJar.parse("sessionid=abc123; Path=/; HttpOnly", now: now)! == ("sessionid", "abc123", false))
        #expect(CookieJar.parse("  a = b c ;Secure", now: now)! == ("a", "b c", false))
        // The value is kept as sent, quotes included (RFC 6265 5.2), so `cookie:q` captures what the service set.
        #expect(CookieJar.parse("q=\"q v,1234\"", now: now)! == ("q", "\"q v,1234\"", false))
        #expect(CookieJar.parse("empty=", now: now)! == ("empty", "", false))
        #expect(CookieJar.parse("v=a=b", now: now)! == ("v", "a=b", false))
        #expect(CookieJar.parse("novalue", now: now) == nil)
        #expect(CookieJar.parse("=orphan", now: now) == nil)
    }

    @Test func maxAgeAndExpiresRemoveACookie() {
        #expect(CookieJar.parse("a=1; Max-Age=0", now: now)!.expired)
        #expect(CookieJar.parse("a=1; max-age=-5", now: now)!.expired)
        #expect(!CookieJar.parse("a=1; Max-Age=60", now: now)!.expired)
        // Max-Age must start with a digit or '-': '+0' is ignored, and so is a value that is no number.
        #expect(!CookieJar.parse("a=1; Max-Age=+0", now: now)!.expired)
        #expect(!CookieJar.parse("a=1; Max-Age=soon", now: now)!.expired)
        #expect(CookieJar.parse("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT", now: now)!.expired)
        #expect(!CookieJar.parse("a=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT", now: now)!.expired)
        // Max-Age wins over Expires, in either order.
        #expect(!CookieJar.parse("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60", now: now)!.expired)
        #expect(!CookieJar.parse("a=1; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT", now: now)!.expired)
        // The older forms services still send (RFC 6265 5.1.1 reads them all) remove a cookie as well...
        #expect(CookieJar.parse("a=1; Expires=Sunday, 06-Nov-94 08:49:37 GMT", now: now)!.expired)
        #expect(CookieJar.parse("a=1; Expires=Thu, 01-Jan-1970 00:00:01 GMT", now: now)!.expired)
        #expect(CookieJar.parse("a=1; expires=Thu, 01 Jan 1970 00:00:00 -0000", now: now)!.expired)
        // ...and a date that is no date keeps the cookie.
        #expect(!CookieJar.parse("a=1; Expires=never", now: now)!.expired)
    }

    @Test func httpDatesAreSecondsSince1970() {
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.parse("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(HTTPDate.parse("Tue, 29 Feb 2028 23:59:59 GMT") == 1_835_481_599)
        // RFC 6265 5.1.1: the order of the parts does not matter, the zone is not read, two-digit years
        // are 1970-2069.
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.parse("Sun Nov  6 08:49:37 1994") == 784_111_777)
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 PST") == 784_111_777)
        #expect(HTTPDate.parse("Tue, 29-Feb-28 23:59:59 GMT") == 1_835_481_599)
        #expect(HTTPDate.parse("Sun, 32 Nov 1994 08:49:37 GMT") == nil)
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 24:00:00 GMT") == nil)
        #expect(HTTPDate.parse("Sun, 06 Nov 1600 08:49:37 GMT") == nil)
        #expect(HTTPDate.parse("06 Nov 1994") == nil)
    }

    @Test func aJarKeepsOrderReplacesAndRemoves() {
        var jar = CookieJar()
        #expect(jar.header == nil)
        jar.take([HTTPHeader("Set-Cookie", "csrftoken=one; Path=/"), HTTPHeader("Content-Type", "text/plain"),
                  HTTPHeader("set-cookie", "theme=dark")], now: now)
        #expect(jar.header == "csrftoken=one; theme=dark")
        jar.take([HTTPHeader("Set-Cookie", "csrftoken=two"), HTTPHeader("Set-Cookie", "theme=gone; Max-Age=0")], now: now)
        #expect(jar.header == "csrftoken=two")
        #expect(jar.value("csrftoken") == "two" && jar.value("theme") == nil)
    }
}
