package dev.gatehouse.origins;

import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The return targets of the hosted sign-in and sign-out pages: Gatehouse paths and URLs inside an ACTIVE trusted
 * REDIRECT origin are followed; anything else leaves the person on a Gatehouse page that says why.
 */
class ReturnTargetsHttpTest {

    static final String REDIRECT = "http://localhost:9101";
    static final String CORS_ONLY = "http://localhost:9102";
    static final String INACTIVE = "http://localhost:9103";

    static TestServer server;
    static OriginsClient api;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestDatabase.H2);
        api = new OriginsClient(server);
        api.create(REDIRECT, "REDIRECT");
        api.create(CORS_ONLY, "CORS");
        api.lifecycle(api.create(INACTIVE, "REDIRECT").get("id").asText(), "deactivate");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void signInFollowsATargetInsideATrustedRedirectOrigin() {
        Http.Response r = server.browser().signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, REDIRECT + "/app/home?tab=1");
        assertThat(r.status()).isEqualTo(303);
        assertThat(r.header("Location")).isEqualTo(REDIRECT + "/app/home?tab=1");
    }

    @Test
    void signInStillFollowsGatehousePaths() {
        Http.Response r = server.browser().signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin/apps?q=x");
        assertThat(r.status()).isEqualTo(303);
        assertThat(r.header("Location")).isEqualTo("/admin/apps?q=x");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://evil.example/", CORS_ONLY + "/", INACTIVE + "/", "http://localhost:9101.evil.example/",
            "https://localhost:9101/", "http://localhost:91011/", "http://user@localhost:9101/"})
    void anOpenRedirectThroughSignInFailsAndThePageSaysWhy(String target) {
        Browser b = server.browser();
        Http.Response form = b.get("/signin?fromURI=" + enc(target));
        assertThat(form.body()).as("warned before signing in").contains("After you sign in you will stay on Gatehouse");
        Http.Response r = b.post("/signin", "csrf", Browser.csrf(form), "username", TestServer.ADMIN, "password", TestServer.ADMIN_PASSWORD,
                "fromURI", target);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Location")).isNull();
        assertThat(b.cookies).as("the sign-in itself succeeded").containsKey("sid");
        assertThat(r.body()).contains("You are signed in").contains("Gatehouse did not continue to");
    }

    @Test
    void aSignedInVisitorIsSentOnOnlyToTrustedTargets() {
        Browser b = server.browser();
        b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/");
        Http.Response trusted = b.get("/signin?fromURI=" + enc(REDIRECT + "/x"));
        assertThat(trusted.status()).isEqualTo(303);
        assertThat(trusted.header("Location")).isEqualTo(REDIRECT + "/x");
        Http.Response evil = b.get("/signin?fromURI=" + enc("https://evil.example/"));
        assertThat(evil.status()).isEqualTo(200);
        assertThat(evil.header("Location")).isNull();
        assertThat(evil.body()).contains("https://evil.example/").contains("Its origin, https://evil.example, is not a trusted origin for redirects")
                .contains("Security › API › Trusted Origins");
    }

    @Test
    void signOutReturnsToATrustedRedirectOrigin() {
        Browser b = server.browser();
        b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/");
        Http.Response page = b.get("/signout?fromURI=" + enc(REDIRECT + "/signed-out"));
        assertThat(page.body()).contains("name=\"fromURI\" value=\"" + REDIRECT + "/signed-out\"");
        Http.Response r = b.post("/signout", "csrf", Browser.csrf(page), "fromURI", REDIRECT + "/signed-out");
        assertThat(r.status()).isEqualTo(303);
        assertThat(r.header("Location")).isEqualTo(REDIRECT + "/signed-out");
        assertThat(b.cookies).doesNotContainKey("sid");
    }

    @Test
    void anOpenRedirectThroughSignOutFailsAfterSigningOut() {
        Browser b = server.browser();
        b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/");
        Http.Response page = b.get("/signout?fromURI=" + enc("https://evil.example/"));
        Http.Response r = b.post("/signout", "csrf", Browser.csrf(page), "fromURI", "https://evil.example/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Location")).isNull();
        assertThat(b.cookies).as("signed out all the same").doesNotContainKey("sid");
        assertThat(r.body()).contains("You have signed out").contains("https://evil.example/").contains("not a trusted origin");
    }

    @Test
    void withoutASessionTheSignOutPageGoesStraightToTheTargetOrSaysWhyNot() {
        Http.Response trusted = server.browser().get("/signout?fromURI=" + enc(REDIRECT + "/"));
        assertThat(trusted.status()).isEqualTo(303);
        assertThat(trusted.header("Location")).isEqualTo(REDIRECT + "/");
        Http.Response evil = server.browser().get("/signout?fromURI=" + enc("https://evil.example/"));
        assertThat(evil.status()).isEqualTo(200);
        assertThat(evil.header("Location")).isNull();
        Http.Response none = server.browser().get("/signout");
        assertThat(none.header("Location")).isEqualTo("/signin?signedOut");
    }

    @Test
    void deactivatingTheOriginStopsRedirectsToItAtOnce() {
        String origin = "http://localhost:9104";
        String id = api.create(origin, "REDIRECT").get("id").asText();
        assertThat(server.browser().signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, origin + "/").header("Location")).isEqualTo(origin + "/");
        api.lifecycle(id, "deactivate");
        Http.Response r = server.browser().signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, origin + "/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Location")).isNull();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
