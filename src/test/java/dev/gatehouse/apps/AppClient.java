package dev.gatehouse.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The Apps API as the app tests call it (an {@link ApiClient}), with the app bodies they start from and looks at the store. */
final class AppClient extends ApiClient {

    /** The SPA of OKTA-REFERENCE §14.3, as okta-auth-js samples register it. */
    static final String SPA = """
            {"name":"oidc_client","label":"My SPA","signOnMode":"OPENID_CONNECT",
             "credentials":{"oauthClient":{"token_endpoint_auth_method":"none","pkce_required":true,"autoKeyRotation":true}},
             "settings":{"oauthClient":{"application_type":"browser",
               "redirect_uris":["http://localhost:8080/login/callback"],
               "post_logout_redirect_uris":["http://localhost:8080"],
               "response_types":["code"],"grant_types":["authorization_code","refresh_token"],
               "refresh_token":{"rotation_type":"ROTATE","leeway":30},
               "initiate_login_uri":"http://localhost:8080/login","consent_method":"TRUSTED"}}}""";

    /** A confidential web app with the authorization_code and refresh_token grants. */
    static final String WEB = """
            {"name":"oidc_client","label":"My Web App","signOnMode":"OPENID_CONNECT",
             "settings":{"oauthClient":{"application_type":"web",
               "redirect_uris":["https://app.example.com/callback"],
               "grant_types":["authorization_code","refresh_token"]}}}""";

    static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final TestServer server;

    AppClient(TestServer server) {
        this(server, TestServer.API_TOKEN);
    }

    AppClient(TestServer server, String token) {
        super(server.http(), token);
        this.server = server;
    }

    @Override
    public AppClient as(String otherToken) {
        return new AppClient(server, otherToken);
    }

    static String unique(String prefix) {
        return prefix + " " + SEQ.incrementAndGet() + "x" + Long.toString(System.nanoTime() % 100_000, 36);
    }

    /** {@code body} with changes applied to its parsed tree, written back as JSON. */
    static String edit(String body, Consumer<ObjectNode> change) {
        try {
            ObjectNode tree = (ObjectNode) JSON.readTree(body);
            change.accept(tree);
            return JSON.writeValueAsString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code settings.oauthClient} of a request or response tree. */
    static ObjectNode oauthClient(ObjectNode app) {
        return app.withObjectProperty("settings").withObjectProperty("oauthClient");
    }

    static ObjectNode credentials(ObjectNode app) {
        return app.withObjectProperty("credentials").withObjectProperty("oauthClient");
    }

    /** Creates an app from {@code body} with a unique label; returns the create response. */
    JsonNode create(String body) {
        Http.Response r = post("/api/v1/apps", edit(body, a -> a.put("label", unique(a.path("label").asText("App")))));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    String createId(String body) {
        return create(body).get("id").asText();
    }

    JsonNode app(String id) {
        Http.Response r = get("/api/v1/apps/" + id);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    long events(String type) {
        return server.wiring().db.read(h -> server.wiring().systemLog.count(h, type));
    }

    long allEvents() {
        return count("SELECT COUNT(*) FROM system_log_events");
    }

    long count(String sql) {
        return Sql.count(server.wiring().db, sql);
    }

    /** Rows of every apps table, to show a refused request wrote nothing. */
    String rows() {
        return count("SELECT COUNT(*) FROM apps") + "/" + count("SELECT COUNT(*) FROM app_group_assignments") + "/"
                + count("SELECT COUNT(*) FROM app_user_assignments") + "/" + allEvents();
    }
}
