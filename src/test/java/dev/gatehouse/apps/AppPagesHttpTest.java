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
    void choosingNoTypeExplainsWhatToChoose() {
        Http.Response r = admin().get("/admin/apps/new/settings?method=oidc");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("Choose an application type");
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
