package dev.gatehouse.http;

import dev.gatehouse.console.Nav;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TrustedHttps;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over HTTPS the session and pre-session cookies are {@code __Host-} cookies (issue #14 item 1): a browser accepts them only
 * from the host itself over TLS, with {@code Path=/} and no {@code Domain}, so a sibling subdomain or a plain-HTTP page
 * cannot plant them, and Gatehouse never reads the unprefixed spelling there.
 */
class CsrfHttpsTest {

    static TrustedHttps https;

    @BeforeAll
    static void start() {
        https = TrustedHttps.start(TestDatabase.H2);
    }

    @AfterAll
    static void stop() {
        https.close();
    }

    @Test
    void overHttpsTheCookiesAreHostPrefixedAndTheUnprefixedNamesAreIgnored() {
        Browser b = new Browser(https.origin, https.sslContext());
        Http.Response page = b.get("/signin");
        assertThat(Browser.setCookies(page)).anySatisfy(c -> assertThat(c).startsWith("__Host-gh_pre=")
                .contains("; Path=/").contains("; Secure").contains("; HttpOnly").contains("SameSite=Lax").doesNotContainIgnoringCase("domain="));
        Http.Response signedIn = b.post("/signin", "csrf", Browser.csrf(page), "username", TestServer.ADMIN,
                "password", TestServer.ADMIN_PASSWORD, "fromURI", "/admin");
        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(303);
        assertThat(Browser.setCookies(signedIn)).anySatisfy(c -> assertThat(c).startsWith("__Host-sid=")
                .contains("; Path=/").contains("; Secure").contains("SameSite=None").doesNotContainIgnoringCase("domain="));
        assertThat(b.cookies).doesNotContainKeys("sid", "gh_pre");
        assertThat(b.get(Nav.DASHBOARD.path()).status()).isEqualTo(200);

        // The same session value under the plain name (what a sibling site could plant) is not a session here.
        Browser planted = new Browser(https.origin, https.sslContext());
        planted.cookies.put("sid", b.cookies.get("__Host-sid"));
        Http.Response r = planted.get(Nav.DASHBOARD.path());
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.header("Location")).startsWith("/signin");
        // Nor is a planted unprefixed pre-session with its real token.
        Browser other = new Browser(https.origin, https.sslContext());
        String token = Browser.csrf(other.get("/signin"));
        Browser forger = new Browser(https.origin, https.sslContext());
        forger.cookies.put("gh_pre", other.cookies.get("__Host-gh_pre"));
        assertThat(forger.post("/signin", "csrf", token, "username", TestServer.ADMIN, "password", TestServer.ADMIN_PASSWORD,
                "fromURI", "/").status()).isEqualTo(403);
        // The console's forms work over HTTPS with the session's token.
        String consoleToken = Browser.csrf(b.get(Nav.GROUPS.path()));
        assertThat(b.post(Nav.GROUPS.path(), "csrf", consoleToken, "name", "Over TLS").status()).isEqualTo(303);
    }
}
