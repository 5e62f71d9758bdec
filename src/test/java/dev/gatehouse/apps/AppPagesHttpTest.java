package dev.gatehouse.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.gatehouse.support.Http.ssws;
import static org.assertj.core.api.Assertions.assertThat;

/** The Applications pages over HTTP: the console and the API make the same app, and bad input changes nothing. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class AppPagesHttpTest {

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

    private static Browser admin() {
        Browser b = server.browser();
        b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin");
        return b;
    }

    @Test
    void theConsoleAndTheApiMakeTheSameApp() {
        Browser b = admin();
        Http.Response form = b.get("/admin/apps/new/settings?method=oidc&type=browser");
        assertThat(form.status()).isEqualTo(200);
        Http.Response saved = b.post("/admin/apps", "csrf", Browser.csrf(form), "type", "browser", "label", "Same SPA",
                "grant", "authorization_code", "grant", "refresh_token",
                "redirect_uri", "http://localhost:8080/login/callback", "redirect_uri", "https://app.example.com/login/callback",
                "post_logout_redirect_uri", "http://localhost:8080", "assignment", "everyone");
        assertThat(saved.status()).isEqualTo(303);
        String consoleId = saved.header("Location").replaceAll(".*/admin/apps/([^?]+).*", "$1");

        String body = """
                {"name":"oidc_client","label":"Same SPA","signOnMode":"OPENID_CONNECT",
                 "credentials":{"oauthClient":{"token_endpoint_auth_method":"none"}},
                 "settings":{"implicitAssignment":true,"oauthClient":{"application_type":"browser",
                   "redirect_uris":["http://localhost:8080/login/callback","https://app.example.com/login/callback"],
                   "post_logout_redirect_uris":["http://localhost:8080"],
                   "grant_types":["authorization_code","refresh_token"]}}}""";
        Http.Response created = http.send("POST", "/api/v1/apps", body, ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(created.status()).as(created.body()).isEqualTo(200);

        JsonNode viaConsole = comparable(http.get("/api/v1/apps/" + consoleId, ssws(TestServer.API_TOKEN)).json());
        JsonNode viaApi = comparable(http.get("/api/v1/apps/" + created.json().get("id").asText(), ssws(TestServer.API_TOKEN)).json());
        assertThat(viaConsole).isEqualTo(viaApi);
    }

    @Test
    void anInsecureRedirectUriIsShownInlineAndCreatesNothing() {
        Browser b = admin();
        Http.Response form = b.get("/admin/apps/new/settings?method=oidc&type=browser");
        long apps = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM apps");
        Http.Response r = b.post("/admin/apps", "csrf", Browser.csrf(form), "type", "browser", "label", "Insecure",
                "grant", "authorization_code", "redirect_uri", "http://app.example.com/callback", "assignment", "skip");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("redirect_uris").contains("value=\"http://app.example.com/callback\"").contains("value=\"Insecure\"");
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM apps")).isEqualTo(apps);
    }

    @Test
    void aWebAppShowsItsSecretOnceOnCreation() {
        Browser b = admin();
        Http.Response form = b.get("/admin/apps/new/settings?method=oidc&type=web");
        Http.Response r = b.post("/admin/apps", "csrf", Browser.csrf(form), "type", "web", "label", "Web app",
                "grant", "authorization_code", "redirect_uri", "https://web.example.com/callback", "assignment", "skip");
        assertThat(r.status()).isEqualTo(200);
        String secret = r.body().replaceAll("(?s).*id=\"client-secret\" type=\"text\" readonly value=\"([^\"]+)\".*", "$1");
        assertThat(secret).hasSizeGreaterThanOrEqualTo(40);
        String id = r.body().replaceAll("(?s).*id=\"client-id\" type=\"text\" readonly value=\"([^\"]+)\".*", "$1");
        assertThat(b.get("/admin/apps/" + id).body()).doesNotContain(secret);
        App app = server.wiring().apps.get(id);
        assertThat(server.wiring().apps.verifySecret(app, secret)).isTrue();
    }

    @Test
    void choosingNoPlatformExplainsWhatToChooseAndKeepsTheWording() {
        Http.Response r = admin().get("/admin/apps/new/settings?method=oidc&from=create-app-integration");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("Pick a platform: Web, Single-Page App (SPA) or Native app")
                .contains("name=\"from\" value=\"create-app-integration\"").contains(">Next</button>");
    }

    @Test
    void theWizardIsReachedUnderTheGuidesWordsAndUnderOktasNewerOnesAndLeadsToOneForm() {
        Browser b = admin();
        assertThat(b.get("/admin/apps").body()).contains("href=\"/admin/apps/new\">Add Application</a>")
                .contains("href=\"/admin/apps/new/create-app-integration\"").contains(">Create App Integration</a>");
        assertThat(b.get("/admin/apps/new").body()).contains("<h1>Add Application</h1>")
                .contains("href=\"/admin/apps/new/create-new-app\">Create New App</a>");

        Http.Response guide = b.get("/admin/apps/new/create-new-app");
        Http.Response newer = b.get("/admin/apps/new/create-app-integration");
        for (Http.Response platform : java.util.List.of(guide, newer)) {
            assertThat(platform.status()).isEqualTo(200);
            assertThat(platform.body()).contains("Single-Page App (SPA)").contains("Single-Page Application")
                    .contains("It is important to choose the appropriate application type for apps which are public clients.")
                    .contains("action=\"/admin/apps/new/settings\"")
                    .as("no platform is preselected").doesNotContainPattern("name=\"type\" value=\"[a-z]+\" checked");
        }
        assertThat(guide.body()).contains(">Create</button>").doesNotContain(">Next</button>");
        assertThat(newer.body()).contains(">Next</button>").doesNotContain(">Create</button>");

        // The next page is the same form under either name, with both names for the redirect URIs.
        for (String from : new String[]{"create-new-app", "create-app-integration"}) {
            Http.Response form = b.get("/admin/apps/new/settings?method=oidc&type=browser&from=" + from);
            assertThat(form.status()).isEqualTo(200);
            assertThat(form.body()).contains("Login redirect URIs").contains("Sign-in redirect URIs")
                    .contains("Logout redirect URIs").contains("Sign-out redirect URIs")
                    .contains("aria-label=\"Login redirect URI 1\"").contains("href=\"/admin/apps/new/" + from + "?method=oidc&amp;type=browser\"");
        }
    }

    /**
     * The guide's warning where the mistake shows: a single-page app that uses a Web app's client ID sends no secret,
     * and the token endpoint says, in okta-auth-js's error, that a single-page app cannot keep one. Okta's own text
     * stays first and unchanged for server-side callers; the app's page says it too; the Web app's legitimate use (its
     * secret, even from a page that sends an Origin) still authenticates.
     */
    @Test
    void aWebAppUsedFromABrowserIsExplainedAtTheTokenEndpointAndOnItsPage() {
        Browser b = admin();
        Http.Response form = b.get("/admin/apps/new/settings?method=oidc&type=web");
        Http.Response r = b.post("/admin/apps", "csrf", Browser.csrf(form), "type", "web", "label", "Web used as SPA",
                "grant", "authorization_code", "redirect_uri", "http://localhost:8080/login/callback", "assignment", "everyone");
        assertThat(r.status()).isEqualTo(200);
        String secret = r.body().replaceAll("(?s).*id=\"client-secret\" type=\"text\" readonly value=\"([^\"]+)\".*", "$1");
        String id = r.body().replaceAll("(?s).*id=\"client-id\" type=\"text\" readonly value=\"([^\"]+)\".*", "$1");
        String exchange = "grant_type=authorization_code&code=not-a-code&redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Flogin%2Fcallback"
                + "&code_verifier=" + "v".repeat(43) + "&client_id=" + id;

        Http.Response fromBrowser = http.send("POST", "/oauth2/default/v1/token", exchange,
                "Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json", "Origin", "http://localhost:8080");
        assertThat(fromBrowser.status()).isEqualTo(401);
        assertThat(fromBrowser.json().get("error").asText()).isEqualTo("invalid_client");
        assertThat(fromBrowser.json().get("error_description").asText())
                .isEqualTo(dev.gatehouse.oauth.ClientAuthentication.FAILED + dev.gatehouse.oauth.ClientAuthentication.SECRET_CLIENT_IN_BROWSER)
                .startsWith("Client authentication failed. Either the client or the client credentials are invalid.")
                .contains("a single-page app cannot keep one").contains("Single-Page App (SPA)");

        Http.Response fromServer = http.send("POST", "/oauth2/default/v1/token", exchange,
                "Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json");
        assertThat(fromServer.status()).isEqualTo(401);
        assertThat(fromServer.json().get("error_description").asText()).isEqualTo(dev.gatehouse.oauth.ClientAuthentication.FAILED);

        Http.Response withSecret = http.send("POST", "/oauth2/default/v1/token", exchange,
                "Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json", "Origin", "http://localhost:8080",
                "Authorization", dev.gatehouse.support.OAuthFlow.basic(id, secret));
        assertThat(withSecret.json().get("error").asText()).as(withSecret.body()).isEqualTo("invalid_grant");

        Http.Response page = b.get("/admin/apps/" + id);
        assertThat(page.body()).contains("Not for single-page apps.").contains("JavaScript in a").contains("Single-Page App (SPA)");
        Http.Response signOn = b.get("/admin/apps/" + id + "?tab=sign-on");
        assertThat(signOn.body()).doesNotContain("id=\"auth-js-config\"").contains("A single-page app (okta-auth-js in the browser) cannot keep one");

        Http.Response spaForm = b.get("/admin/apps/new/settings?method=oidc&type=browser");
        Http.Response spa = b.post("/admin/apps", "csrf", Browser.csrf(spaForm), "type", "browser", "label", "Real SPA",
                "grant", "authorization_code", "redirect_uri", "http://localhost:8080/login/callback", "assignment", "everyone");
        Http.Response spaPage = b.get(spa.header("Location"));
        assertThat(spaPage.body()).doesNotContain("Not for single-page apps.");
        assertThat(b.get(spa.header("Location").replaceAll("\\?.*", "") + "?tab=sign-on").body()).contains("id=\"auth-js-config\"");
    }

    private static JsonNode comparable(JsonNode app) {
        ObjectNode copy = app.deepCopy();
        for (String f : new String[]{"id", "created", "lastUpdated", "_links", "orn"}) {
            copy.remove(f);
        }
        ((ObjectNode) copy.get("credentials").get("oauthClient")).remove("client_id");
        return copy;
    }
}
