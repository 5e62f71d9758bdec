package dev.gatehouse.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.People;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outside review's CSRF finding (issue #14, item 1), replayed in real Chromium exactly as reported: the attacker's page
 * runs on another port of the same host as Gatehouse (the documented layout: the SPA on :8080, Gatehouse on :9000), which
 * is "same-site" but not same-origin. Cookies do not isolate ports, so that page can plant cookies Gatehouse receives. Before
 * the fix it planted its own {@code gh_csrf} cookie and posted the same value in the form: the double-submit check passed
 * and the console created a person with the attacker's password, or the victim was signed in to the attacker's account.
 *
 * <p>Here the attacker does everything it can: plants the old cookie with a matching field, and also plants a real
 * pre-session cookie with its real token that it fetched from Gatehouse itself. Every forged post is refused (403) and
 * changes nothing; the same forms used from Gatehouse's own pages still work. Screenshots:
 * {@code target/screenshots/csrf-*.png}.
 */
class CsrfBrowserTest {

    static TestServer server;
    static HttpServer attacker;
    static String attackerUrl;
    /** Pages the attacker serves, by path: the HTML and the cookies its response sets. */
    static final Map<String, AttackPage> PAGES = new ConcurrentHashMap<>();

    record AttackPage(String html, java.util.List<String> setCookies) {
    }

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(TestDatabase.H2);
        attacker = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        attacker.createContext("/", exchange -> {
            AttackPage page = PAGES.getOrDefault(exchange.getRequestURI().getPath(), new AttackPage("<p>nothing here</p>", java.util.List.of()));
            byte[] body = page.html().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            page.setCookies().forEach(c -> exchange.getResponseHeaders().add("Set-Cookie", c));
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        attacker.start();
        attackerUrl = "http://127.0.0.1:" + attacker.getAddress().getPort();
        assertThat(attackerUrl).as("same host, another port: same-site, not same-origin").isNotEqualTo(server.url())
                .startsWith("http://127.0.0.1:");
    }

    @AfterAll
    static void stop() {
        attacker.stop(0);
        server.close();
    }

    /**
     * What the attacker's page does: its server sets cookies for the shared host (cookies do not isolate ports, and a
     * response header may overwrite even an HttpOnly cookie), then the page submits a form to Gatehouse at once. The
     * pre-session pair is a real one, fetched from Gatehouse by the attacker's server beforehand.
     */
    private static String forgedPage(String name, String action, Map<String, String> fields) {
        Browser attackersOwn = server.browser();
        String preToken = Browser.csrf(attackersOwn.get("/signin"));
        String pre = attackersOwn.cookies.get("gh_pre");
        String tossed = "X".repeat(32);
        StringBuilder inputs = new StringBuilder();
        fields.forEach((k, v) -> inputs.append("<input type=\"hidden\" name=\"").append(k).append("\" value=\"")
                .append(v.replace("{tossed}", tossed).replace("{preToken}", preToken)).append("\">"));
        String html = """
                <!doctype html><title>Win a prize</title>
                <form id="f" method="post" action="%s%s">%s</form>
                <script>document.getElementById("f").submit();</script>""".formatted(server.url(), action, inputs);
        PAGES.put("/" + name, new AttackPage(html, java.util.List.of("gh_csrf=" + tossed + "; Path=/", "gh_pre=" + pre + "; Path=/")));
        return attackerUrl + "/" + name;
    }

    /** Opens the attacker's page and waits until its form post has been answered by Gatehouse. */
    private static void fallFor(Page page, String url) {
        page.navigate(url);
        page.waitForURL(u -> u.startsWith(server.url()));
        page.waitForLoadState();
    }

    private static void signInAsAdmin(Page page) {
        page.navigate(server.url() + "/admin");
        BrowserSteps.signIn(page, TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
        assertThat(page).hasURL(server.url() + "/admin");
    }

    private static int users(String login) {
        Http.Response r = ApiClient.of(server).get("/api/v1/users?search="
                + java.net.URLEncoder.encode("profile.login eq \"" + login + "\"", StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().size();
    }

    @Test
    void aPageOnAnotherPortCannotMakeASignedInAdminsConsoleCreateAPersonOrATrustedOrigin() {
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            signInAsAdmin(page);

            // Both cookie tricks in one form: the old double-submit pair, and the attacker's real pre-session pair.
            for (String token : new String[]{"{tossed}", "{preToken}"}) {
                String login = "planted-" + (token.contains("tossed") ? "a" : "b") + "@evil.example";
                fallFor(page, forgedPage("person" + login.charAt(8), "/admin/people", Map.of("csrf", token, "firstName", "Eve",
                        "lastName", "Mallory", "login", login, "email", login, "password", "Attacker-Chosen-42", "activate", "on")));
                assertThat(users(login)).as("no person was created by the forged form").isZero();
                assertThat(page).hasURL(server.url() + "/admin/people");
                assertThat(page.locator("h1")).containsText("This form has expired");
                assertThat(page.locator("body")).containsText("Nothing was changed");
                Chromium.screenshot(page, "csrf-01-console-forgery-refused");
            }

            fallFor(page, forgedPage("origin", "/admin/api/trusted-origins", Map.of("csrf", "{tossed}", "name", "Evil",
                    "origin", "https://evil.example", "scope", "CORS")));
            Http.Response origins = server.http().get("/api/v1/trustedOrigins", Http.ssws(TestServer.API_TOKEN));
            assertThat(origins.body()).doesNotContain("evil.example");
            assertThat(page.locator("h1")).containsText("This form has expired");

            // The legitimate path, in the same browser after the attacks: the console's own form still works.
            page.navigate(server.url() + "/admin/people/new");
            page.getByLabel("First name").fill("Grace");
            page.getByLabel("Last name").fill("Hopper");
            page.getByLabel("Username").fill("grace@example.com");
            page.getByLabel("Primary e-mail").fill("grace@example.com");
            page.getByLabel("Set password").check();   // issue #19: the form offers an activation email first
            page.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill("Compiler-Pioneer-1952");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Person added");
            assertThat(users("grace@example.com")).isEqualTo(1);
        }
    }

    @Test
    void aPageOnAnotherPortCannotSignAVisitorInToTheAttackersAccount() {
        People.create(server.http(), "attacker@evil.example", "Mallory-Owns-This-1");
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            for (String token : new String[]{"{tossed}", "{preToken}"}) {
                fallFor(page, forgedPage("login" + token.length(), "/signin", Map.of("csrf", token, "username", "attacker@evil.example",
                        "password", "Mallory-Owns-This-1", "fromURI", "/")));
                assertThat(sessionOf(context)).as("the visitor is not signed in to the attacker's account").isNull();
                assertThat(page).hasURL(server.url() + "/signin");
                assertThat(page.getByRole(AriaRole.ALERT)).containsText("This sign-in form expired");
                Chromium.screenshot(page, "csrf-02-login-forgery-refused");
            }

            // The legitimate path: the same (now shown) form, filled by the person, signs them in.
            page.getByLabel("Username").fill("attacker@evil.example");
            page.getByLabel("Password").fill("Mallory-Owns-This-1");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            page.waitForURL(server.url() + "/");
            assertThat(sessionOf(context)).isEqualTo("attacker@evil.example");
        }
    }

    /** The login of the browser's Gatehouse session, or null: {@code /api/v1/sessions/me} with the context's cookies. */
    private static String sessionOf(BrowserContext context) {
        String cookies = context.cookies(server.url()).stream().map(c -> c.name + "=" + c.value).collect(Collectors.joining("; "));
        Http.Response r = server.http().get("/api/v1/sessions/me", "Accept", "application/json", "Cookie", cookies.isEmpty() ? "x=y" : cookies);
        if (r.status() == 404) {
            return null;
        }
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("login").asText();
    }
}
