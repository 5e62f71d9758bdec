package dev.gatehouse.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.People;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reports › System Log in real Chromium: sign-ins, a failed sign-in and a token grant spread over a few hours, then the
 * chart's bars, filters, paging, an event's details (escaped) and an empty range. Screenshots land in
 * {@code target/screenshots/syslog-*.png}.
 */
class SystemLogBrowserTest {

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestDatabase.H2);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static int sum(Page page, String series) {
        Locator bars = page.locator("svg.chart rect.bar." + series);
        int total = 0;
        for (int i = 0; i < bars.count(); i++) {
            total += Integer.parseInt(bars.nth(i).getAttribute("data-count"));
        }
        return total;
    }

    private static long apiCount(String filter) {
        String q = URLEncoder.encode(filter, StandardCharsets.UTF_8).replace("+", "%20");
        return ApiClient.of(server).get("/api/v1/logs?limit=1000&filter=" + q).json().size();
    }

    @Test
    void anAdminFindsSignInsGrantsAndFailuresInTheSystemLog() {
        // Hour 0: the admin signs in and an SPA gets tokens; a group with markup in its name is created.
        OAuthFlow spa = OAuthFlow.spa(server);
        spa.tokens(OAuthFlow.signedIn(server), "openid profile");
        Http.Response group = server.http().send("POST", "/api/v1/groups",
                "{\"profile\":{\"name\":\"<script>alert(1)</script> Ops\",\"description\":\"markup\"}}",
                Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(group.status()).as(group.body()).isEqualTo(200);
        server.wiring().db.tx(h -> {
            for (int i = 0; i < 55; i++) {
                server.wiring().systemLog.record(h, EventContext.system("browser-test"), SystemLog.Entry.success("test.paging", "Paging event " + i));
            }
            return null;
        });
        // Hour 2: Grace signs in, and someone mistypes the admin's password.
        server.clock.advance(Duration.ofHours(2));
        People.create(server.http(), "grace@example.com", "Hopper-Cobol-1959");
        OAuthFlow.signedIn(server, "grace@example.com", "Hopper-Cobol-1959");
        assertThat(server.browser().signIn(TestServer.ADMIN, "not-the-password", "/").status()).isEqualTo(401);
        // Hour 5: the admin opens the console (the third sign-in).
        server.clock.advance(Duration.ofHours(3));

        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            AtomicBoolean dialog = new AtomicBoolean();
            page.onDialog(d -> {
                dialog.set(true);
                d.dismiss();
            });
            page.navigate(server.url() + "/admin/reports/system-log");
            page.getByLabel("Username").fill(TestServer.ADMIN);
            page.getByLabel("Password").fill(TestServer.ADMIN_PASSWORD);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("System Log"))).isVisible();
            assertThat(page.locator(".sidenav a.active")).hasText("System Log");

            // Newest first, up to this instant: the admin's own sign-in leads the list.
            assertThat(page.locator("table.list tbody tr").first()).containsText(TestServer.ADMIN);
            assertThat(page.locator("table.list tbody tr").first().locator(".badge")).hasText("SUCCESS");

            // The chart: one bar per hour with sign-ins, and the totals the API agrees with.
            Locator chart = page.getByRole(AriaRole.IMG, new Page.GetByRoleOptions().setName("Sign-ins, token grants and failures over time"));
            assertThat(chart).isVisible();
            assertThat(page.locator("svg.chart rect.bar.sign-ins")).hasCount(3);
            assertThat(sum(page, "sign-ins")).isEqualTo(3);
            assertThat(sum(page, "token-grants")).isEqualTo(1);
            assertThat(sum(page, "failures")).isEqualTo(1);
            assertThat(apiCount("eventType eq \"user.session.start\" and outcome.result eq \"SUCCESS\"")).isEqualTo(3);
            assertThat(apiCount("outcome.result eq \"FAILURE\"")).isEqualTo(1);
            Locator failure = page.locator("svg.chart rect.bar.failures");
            assertThat(failure).hasCount(1);
            assertThat(failure.locator("title")).containsText("Failures,");
            assertThat(failure.locator("title")).containsText(": 1");
            assertThat(page.locator(".chart-legend")).containsText("Sign-ins 3");
            assertThat(page.locator("#chart-desc")).containsText("Sign-ins: 3, Token grants: 1, Failures: 1");
            Chromium.screenshot(page, "syslog-01-overview");

            // Paging: newest first, 50 a page.
            page.getByLabel("Event type").fill("test.paging");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();
            assertThat(page.locator("table.list tbody tr")).hasCount(50);
            assertThat(page.locator("table.list tbody tr").first()).containsText("Paging event 54");
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Older events »")).click();
            assertThat(page.locator("table.list tbody tr")).hasCount(5);
            assertThat(page.locator("table.list tbody tr").last()).containsText("Paging event 0");
            assertThat(page.getByLabel("Event type")).hasValue("test.paging");

            // Filter on the outcome: only the failed sign-in.
            page.navigate(server.url() + "/admin/reports/system-log");
            page.getByLabel("Outcome").selectOption("FAILURE");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();
            Locator rows = page.locator("table.list tbody tr");
            assertThat(rows).hasCount(1);
            assertThat(rows.first()).containsText("user.session.start");
            assertThat(rows.first().locator(".badge")).hasText("FAILURE");
            Chromium.screenshot(page, "syslog-02-failures");

            // Its details: every field, and the LogEvent JSON.
            rows.first().getByRole(AriaRole.LINK).click();
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("User login to Okta"))).isVisible();
            assertThat(page.locator("dl.event-props")).containsText("user.session.start");
            assertThat(page.locator("pre.event-json")).containsText("\"result\" : \"FAILURE\"");
            assertThat(page.locator("pre.event-json")).containsText("\"requestUri\" : \"/signin\"");
            Chromium.screenshot(page, "syslog-03-details");
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("« System Log")).click();
            assertThat(page.getByLabel("Outcome")).hasValue("FAILURE");

            // Actor and keywords: Grace's sign-in; the group's markup shows as text.
            page.navigate(server.url() + "/admin/reports/system-log");
            page.getByLabel("Actor").fill("grace@");
            page.getByLabel("Event type").fill("user.session.start");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();
            assertThat(page.locator("table.list tbody tr")).hasCount(1);
            assertThat(page.locator("table.list tbody tr")).containsText("grace@example.com");
            page.navigate(server.url() + "/admin/reports/system-log");
            page.getByLabel("Keywords").fill("<script>");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();
            assertThat(page.locator("table.list tbody tr")).hasCount(1);
            page.locator("table.list tbody tr").first().getByRole(AriaRole.LINK).click();
            assertThat(page.locator("pre.event-json")).containsText("<script>alert(1)</script> Ops");
            assertThat(page.locator("main script")).hasCount(0);
            assertThat(dialog.get()).as("no markup from an event ran").isFalse();
            Chromium.screenshot(page, "syslog-04-escaped-details");

            // A details link to an event that is not there (purged, or mistyped).
            com.microsoft.playwright.Response missing = page.navigate(server.url() + "/admin/reports/system-log?event=no-such-event");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("No such event"))).isVisible();

            // A range with nothing in it.
            page.navigate(server.url() + "/admin/reports/system-log");
            page.getByLabel("Time range").selectOption("custom");
            page.getByLabel("From (UTC)").fill("2020-01-01T00:00");
            page.getByLabel("To (UTC)").fill("2020-01-02T00:00");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("No events in this range"))).isVisible();
            assertThat(page.locator("svg.chart")).hasCount(0);
            Chromium.screenshot(page, "syslog-05-empty");

            // A custom range the wrong way round is explained, not a 500.
            page.getByLabel("From (UTC)").fill("2020-01-03T00:00");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("must be before");
        }
    }
}
