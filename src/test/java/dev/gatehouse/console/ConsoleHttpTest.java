package dev.gatehouse.console;

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
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The Admin Console's gate (sign-in, role, CSRF) and its shell, on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class ConsoleHttpTest {

    @Parameter
    TestDatabase database;

    static TestServer server;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    private static Browser admin() {
        Browser b = server.browser();
        assertThat(b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin").status()).isEqualTo(303);
        return b;
    }

    @Test
    void anonymousVisitorsAreSentToSignInAndBack() {
        Http.Response r = server.browser().get("/admin/reports/system-log?q=x");
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.header("Location")).isEqualTo("/signin?fromURI=%2Fadmin%2Freports%2Fsystem-log%3Fq%3Dx");
    }

    @Test
    void peopleWithoutTheAdminRoleGetAClear403() {
        String login = "plain-" + database.name().toLowerCase() + "@example.com";
        People.create(server.http(), login, "Ordinary-Staff-7");
        Browser b = server.browser();
        b.signIn(login, "Ordinary-Staff-7", "/admin");
        Http.Response r = b.get("/admin");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).contains("Admin Console access denied").contains(login);
    }

    @ParameterizedTest
    @EnumSource(Nav.class)
    void everySectionOfTheNavigationAnswers(Nav nav) {
        Http.Response r = admin().get(nav.path());
        assertThat(r.status()).as(nav.path()).isEqualTo(200);
        assertThat(r.body()).contains("class=\"active").contains(nav.label()).contains("Sign out");
        assertThat(r.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
    }

    @Test
    void consoleFormWithoutCsrfIsRefusedAndChangesNothing() {
        Browser b = admin();
        long before = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM api_tokens");
        Http.Response r = b.post("/admin/api/tokens", "name", "forged");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).contains("This form has expired").contains("Nothing was changed");
        Http.Response wrong = b.post("/admin/api/tokens", "name", "forged", "csrf", "x".repeat(32));
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM api_tokens")).isEqualTo(before);
    }

    @Test
    void anApiTokenCreatedInTheConsoleIsShownOnceAndWorks() {
        Browser b = admin();
        Http.Response page = b.get("/admin/api/tokens");
        Http.Response created = b.post("/admin/api/tokens", "name", "console token", "csrf", Browser.csrf(page));
        assertThat(created.status()).isEqualTo(200);
        Matcher m = Pattern.compile("id=\"new-token\" type=\"text\" readonly value=\"([^\"]+)\"").matcher(created.body());
        assertThat(m.find()).isTrue();
        String value = m.group(1);
        assertThat(server.http().get("/api/v1/api-tokens", Http.ssws(value)).status()).isEqualTo(200);
        assertThat(b.get("/admin/api/tokens").body()).contains("console token").doesNotContain(value);
    }

    @Test
    void anEmptyTokenNameIsShownInlineAndCreatesNothing() {
        Browser b = admin();
        long before = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM api_tokens");
        Http.Response r = b.post("/admin/api/tokens", "name", "  ", "csrf", Browser.csrf(b.get("/admin/api/tokens")));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("name: A token name of 1 to 100 characters is required.");
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM api_tokens")).isEqualTo(before);
    }
}
