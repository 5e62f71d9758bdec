package dev.gatehouse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.RequestOptions;
import dev.gatehouse.Wiring;
import dev.gatehouse.demo.DemoSeed;
import dev.gatehouse.demo.SampleSpa;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.gatehouse.browser.BrowserSteps.named;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the guide tests share: a fresh org as {@code ./gatehouse demo} makes it (the Early Access feature off, the demo
 * user, the sample SPA served on a free port), and the end of the guide, where the demo user signs in to the sample SPA
 * with the app the admin made, renews and signs out. Everything on the pages is found by its visible words.
 */
final class GuideOrg implements AutoCloseable {

    final TestServer server;
    final SampleSpa sampleSpa;
    /** The sample SPA's origin, e.g. {@code http://localhost:41234}: the values the admin types are made from it. */
    final String spa;
    final DemoSeed.DemoUser demoUser;

    private GuideOrg(TestServer server, SampleSpa sampleSpa, DemoSeed.DemoUser demoUser) {
        this.server = server;
        this.sampleSpa = sampleSpa;
        this.spa = sampleSpa.origin().toString();
        this.demoUser = demoUser;
    }

    static GuideOrg start() {
        SampleSpa sampleSpa = SampleSpa.start(Path.of("samples", "spa"), 0);
        try {
            TestServer server = TestServer.start(TestDatabase.H2, "--features", "");
            Wiring w = server.wiring();
            DemoSeed.DemoUser user = new DemoSeed(w.users, w.apps, w.trustedOrigins, w.features, new Ids(new SecureRandom()), server.dataDir)
                    .ensureDemoUser();
            return new GuideOrg(server, sampleSpa, user);
        } catch (RuntimeException | Error e) {
            sampleSpa.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            sampleSpa.close();
        } finally {
            server.close();
        }
    }

    /** The Admin Console's side navigation: {@code sideNav(page, "Applications", "Applications")} is Applications › Applications. */
    static Locator sideNav(Page page, String section, String item) {
        return page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Admin Console"))
                .getByRole(AriaRole.GROUP, new Locator.GetByRoleOptions().setName(section).setExact(true))
                .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName(item).setExact(true));
    }

    /** A labelled part of a page (a group of fields, a panel, a radio group) by the words of its heading. */
    static Locator part(Page page, AriaRole role, String heading) {
        return page.getByRole(role, new Page.GetByRoleOptions().setName(heading));
    }

    /** The management API's view of the app: what the console made. */
    JsonNode app(String clientId) {
        return ApiClient.of(server).get("/api/v1/apps/" + clientId).json();
    }

    /**
     * The demo user signs in to the sample SPA with the app's client ID, sees the profile, renews (the stored refresh
     * token rotates) and signs out (the session and every token are gone), with no browser error on the way. Screenshots
     * {@code <shots>-<firstShot>-spa-home.png} and on.
     */
    void demoUserSignsInRenewsAndSignsOut(String clientId, String shots, int firstShot) {
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            List<String> problems = new ArrayList<>();
            page.onConsoleMessage(m -> {
                if ("error".equals(m.type()) && !m.location().endsWith("/favicon.ico:0:0")) {
                    problems.add(m.text() + " at " + m.location());
                }
            });
            page.onResponse(r -> {
                if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) {
                    problems.add(r.request().method() + " " + r.url() + " -> " + r.status());
                }
            });
            List<String> visited = new ArrayList<>();
            page.onFrameNavigated(f -> {
                if (f == page.mainFrame()) {
                    visited.add(f.url());
                }
            });

            page.navigate(spa + "/?issuer=" + OAuthFlow.enc(server.url() + "/oauth2/default") + "&clientId=" + OAuthFlow.enc(clientId));
            assertThat(page.getByRole(AriaRole.BUTTON, named("Sign in"))).isVisible();
            Chromium.screenshot(page, shots + String.format("-%02d-", firstShot + 0) + "spa-home");
            page.getByRole(AriaRole.BUTTON, named("Sign in")).click();
            page.waitForURL(Pattern.compile(Pattern.quote(server.url()) + "/signin.*"));
            Chromium.screenshot(page, shots + String.format("-%02d-", firstShot + 1) + "hosted-sign-in");
            BrowserSteps.signIn(page, demoUser.login(), demoUser.newPassword().orElseThrow());

            page.waitForURL(spa + "/profile", new Page.WaitForURLOptions().setTimeout(20_000));
            assertThat(visited).anyMatch(u -> u.startsWith(spa + "/login/callback?code="));
            Locator claims = part(page, AriaRole.REGION, "ID token claims");
            assertThat(claims).containsText(demoUser.login());
            assertThat(claims).containsText(server.url() + "/oauth2/default");
            Locator userinfo = part(page, AriaRole.REGION, "User info");
            assertThat(userinfo).containsText(demoUser.login());
            assertThat(userinfo).containsText("Demo User");
            Chromium.screenshot(page, shots + String.format("-%02d-", firstShot + 2) + "profile");

            JsonNode before = BrowserSteps.tokenStorage(page);
            String firstRefresh = before.at("/refreshToken/refreshToken").asText();
            String firstAccess = before.at("/accessToken/accessToken").asText();
            assertThat(firstRefresh).isNotBlank();
            page.getByRole(AriaRole.BUTTON, named("Renew now")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Tokens renewed at");
            JsonNode after = BrowserSteps.tokenStorage(page);
            String secondRefresh = after.at("/refreshToken/refreshToken").asText();
            String secondAccess = after.at("/accessToken/accessToken").asText();
            assertThat(secondRefresh).as("the stored refresh token rotated").isNotBlank().isNotEqualTo(firstRefresh);
            assertThat(secondAccess).isNotEqualTo(firstAccess);
            assertThat(BrowserSteps.introspect(server, clientId, secondRefresh, "refresh_token").get("active").asBoolean()).isTrue();
            Chromium.screenshot(page, shots + String.format("-%02d-", firstShot + 3) + "renewed");

            page.getByRole(AriaRole.BUTTON, named("Sign out")).click();
            page.waitForURL(spa + "/", new Page.WaitForURLOptions().setTimeout(20_000));
            assertThat(page.getByRole(AriaRole.BUTTON, named("Sign in"))).isVisible();
            Chromium.screenshot(page, shots + String.format("-%02d-", firstShot + 4) + "signed-out");

            var me = context.request().get(server.url() + "/api/v1/sessions/me", RequestOptions.create().setHeader("Accept", "application/json"));
            assertThat(me.status()).as(me.text()).isEqualTo(404);
            for (String[] token : new String[][]{{firstAccess, "access_token"}, {secondAccess, "access_token"},
                    {firstRefresh, "refresh_token"}, {secondRefresh, "refresh_token"}}) {
                assertThat(BrowserSteps.introspect(server, clientId, token[0], token[1]).get("active").asBoolean())
                        .as("%s revoked by sign-out", token[1]).isFalse();
            }
            assertThat(problems).as("browser console errors and failed requests").isEmpty();
        }
    }
}
