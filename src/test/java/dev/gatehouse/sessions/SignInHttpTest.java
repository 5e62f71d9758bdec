package dev.gatehouse.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.People;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static dev.gatehouse.support.Http.ssws;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/** Hosted sign-in, the session cookie, /api/v1/sessions/me, sign-out and lockout, on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class SignInHttpTest {

    @Parameter
    TestDatabase database;

    static TestServer server;
    static Http http;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        http = server.http();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    private static long sessions() {
        return Sql.count(server.wiring().db, "SELECT COUNT(*) FROM sessions");
    }

    @Test
    void signInPageHasAFormWithCsrfAndFrameProtection() {
        Http.Response page = server.browser().get("/signin");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Sign in to Gatehouse").contains("name=\"username\"").contains("name=\"password\"");
        assertThat(Browser.csrf(page)).hasSize(43);
        assertThat(page.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
    }

    @Test
    void rightPasswordStartsASessionAndRedirectsWith303() {
        Browser b = server.browser();
        long before = sessions();
        Http.Response r = b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin");
        assertThat(r.status()).isEqualTo(303);
        assertThat(r.header("Location")).isEqualTo("/admin");
        String sid = Browser.setCookies(r).stream().filter(c -> c.startsWith("sid=")).findFirst().orElseThrow();
        assertThat(sid).contains("HttpOnly").contains("SameSite=Lax").doesNotContain("Secure").doesNotContain("Max-Age");
        assertThat(sessions()).isEqualTo(before + 1);
        String value = b.cookies.get("sid");
        List<String> stored = server.wiring().db.read(h -> h.createQuery("SELECT token_hash FROM sessions").mapTo(String.class).list());
        assertThat(stored).noneMatch(s -> s.contains(value));
        JsonNode events = http.get("/api/v1/logs?filter=eventType%20eq%20%22user.session.start%22", ssws(TestServer.API_TOKEN)).json();
        assertThat(events).anySatisfy(e -> assertThat(e.get("outcome").get("result").asText()).isEqualTo("SUCCESS"));
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameAnswer() {
        long before = sessions();
        Http.Response wrong = server.browser().signIn(TestServer.ADMIN, "not-the-password", "/");
        Http.Response unknown = server.browser().signIn("nobody@example.com", "whatever-password", "/");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(message(wrong)).isEqualTo(message(unknown)).contains("Unable to sign in");
        assertThat(sessions()).isEqualTo(before);
        assertThat(wrong.body()).contains("value=\"" + TestServer.ADMIN + "\"");
        JsonNode failures = http.get("/api/v1/logs?filter=eventType%20eq%20%22user.session.start%22", ssws(TestServer.API_TOKEN)).json();
        assertThat(failures).anySatisfy(e -> {
            assertThat(e.get("outcome").get("result").asText()).isEqualTo("FAILURE");
            assertThat(e.get("outcome").get("reason").asText()).isNotBlank();
        });
    }

    @Test
    void signInWithoutCsrfIsRefusedAndStartsNothing() {
        Browser b = server.browser();
        b.get("/signin");
        long before = sessions();
        Http.Response r = b.post("/signin", "username", TestServer.ADMIN, "password", TestServer.ADMIN_PASSWORD, "fromURI", "/");
        assertThat(r.status()).isEqualTo(403);
        assertThat(b.cookies).doesNotContainKey("sid");
        assertThat(sessions()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "http:/evil"})
    void signInNeverRedirectsOffSite(String fromUri) {
        Http.Response r = server.browser().signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, fromUri);
        assertThat(r.status()).as("signed in, but kept on a Gatehouse page that says why (origins/ReturnTargetsHttpTest)").isEqualTo(200);
        assertThat(r.header("Location")).isNull();
        assertThat(r.body()).contains("Gatehouse did not continue to");
    }

    @Test
    void sessionsMeShowsTheCookiesSessionInOktasShape() {
        Browser b = server.browser();
        b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/");
        Http.Response r = b.get("/api/v1/sessions/me");
        assertThat(r.status()).isEqualTo(200);
        JsonNode s = r.json();
        assertThat(s.get("id").asText()).startsWith("102");
        assertThat(s.get("login").asText()).isEqualTo(TestServer.ADMIN);
        assertThat(s.get("userId").asText()).startsWith("00u");
        assertThat(s.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(s.get("amr").get(0).asText()).isEqualTo("pwd");
        assertThat(s.get("idp").get("type").asText()).isEqualTo("OKTA");
        assertThat(s.get("expiresAt").asText()).endsWith("Z");
        assertThat(s.get("_links").get("refresh").get("href").asText()).endsWith("/api/v1/sessions/me/lifecycle/refresh");
        assertThat(s.get("_links").get("user").get("href").asText()).endsWith("/api/v1/users/me");
        assertThat(b.send("POST", "/api/v1/sessions/me/lifecycle/refresh").status()).isEqualTo(200);
    }

    @Test
    void sessionsMeWithoutASessionIs404E0000007() {
        assertOktaError(server.browser().get("/api/v1/sessions/me"), 404, "E0000007");
        assertOktaError(server.browser().send("DELETE", "/api/v1/sessions/me"), 404, "E0000007");
        assertOktaError(http.get("/api/v1/sessions/me", ssws(TestServer.API_TOKEN)), 404, "E0000007");
    }

    @Test
    void deletingSessionsMeEndsTheSession() {
        Browser b = server.browser();
        b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/");
        assertThat(b.send("DELETE", "/api/v1/sessions/me").status()).isEqualTo(204);
        assertThat(b.get("/api/v1/sessions/me").status()).isEqualTo(404);
    }

    @Test
    void signOutEndsTheSessionAndIsLogged() {
        Browser b = server.browser();
        b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/");
        String sid = b.cookies.get("sid");
        Http.Response confirm = b.get("/signout");
        Http.Response r = b.post("/signout", "csrf", Browser.csrf(confirm));
        assertThat(r.status()).isEqualTo(303);
        assertThat(r.header("Location")).isEqualTo("/signin?signedOut");
        assertThat(b.cookies).doesNotContainKey("sid");
        Browser replay = server.browser();
        replay.cookies.put("sid", sid);
        assertThat(replay.get("/api/v1/sessions/me").status()).isEqualTo(404);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = 'user.session.end'")).isPositive();
    }

    @Test
    void signOutWithoutCsrfKeepsTheSession() {
        Browser b = server.browser();
        b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/");
        assertThat(b.post("/signout").status()).isEqualTo(403);
        assertThat(b.get("/api/v1/sessions/me").status()).isEqualTo(200);
    }

    @Test
    void aSessionEndsAfterTwoHoursIdle() {
        Browser b = server.browser();
        b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/");
        server.clock.advance(Duration.ofMinutes(119));
        assertThat(b.get("/api/v1/sessions/me").status()).as("used at 119 min: still valid, and the use extends it").isEqualTo(200);
        server.clock.advance(Duration.ofMinutes(119));
        assertThat(b.get("/api/v1/sessions/me").status()).isEqualTo(200);
        server.clock.advance(Duration.ofMinutes(121));
        assertThat(b.get("/api/v1/sessions/me").status()).isEqualTo(404);
    }

    @Test
    void aSessionEndsAtItsMaximumLifetimeEvenWhenUsed() {
        Browser b = server.browser();
        b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/");
        for (int i = 0; i < 12; i++) {
            server.clock.advance(Duration.ofMinutes(119));
            b.get("/api/v1/sessions/me");
        }
        server.clock.advance(Duration.ofMinutes(119));
        assertThat(b.get("/api/v1/sessions/me").status()).as("past 24 h").isEqualTo(404);
    }

    @Test
    void tenWrongPasswordsLockTheAccountUntilAnAdminUnlocksIt() {
        String login = "lockme-" + database.name().toLowerCase() + "@example.com";
        String id = People.create(http, login, "Right-Password-9");
        for (int i = 0; i < 10; i++) {
            assertThat(server.browser().signIn(login, "wrong-password-" + i, "/").status()).isEqualTo(401);
        }
        assertThat(http.get("/api/v1/users/" + id, ssws(TestServer.API_TOKEN)).json().get("status").asText()).isEqualTo("LOCKED_OUT");
        Http.Response eleventh = server.browser().signIn(login, "Right-Password-9", "/");
        Http.Response wrong = server.browser().signIn(login, "wrong-again", "/");
        assertThat(eleventh.status()).isEqualTo(401);
        assertThat(message(eleventh)).isEqualTo(message(wrong));
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = 'user.account.lock'")).isPositive();
        assertThat(http.send("POST", "/api/v1/users/" + id + "/lifecycle/unlock", null, ssws(TestServer.API_TOKEN)).status()).isEqualTo(200);
        assertThat(server.browser().signIn(login, "Right-Password-9", "/").status()).isEqualTo(303);
    }

    private static String message(Http.Response r) {
        var m = java.util.regex.Pattern.compile("<p class=\"alert\" role=\"alert\">([^<]*)</p>").matcher(r.body());
        return m.find() ? m.group(1) : "";
    }
}
