package dev.gatehouse.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.Wiring;
import dev.gatehouse.origins.Origin;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

import static dev.gatehouse.support.Http.ssws;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code gatehouse demo} seeds, over HTTP as a client sees it, on an org that starts like a new one (the Early
 * Access feature off): the demo user alone leaves the guide's work to the admin; {@code --seed-app} makes an app the
 * demo user signs in to with code + PKCE and refreshes with rotation, from the SPA's trusted origin; seeding again
 * changes nothing.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class DemoSeedHttpTest {

    static final Origin SPA = Origin.parse("http://localhost:8080").orElseThrow(); // OAuthFlow.REDIRECT_URI's origin

    @Parameter
    TestDatabase database;

    private static DemoSeed seed(TestServer server) {
        Wiring w = server.wiring();
        return new DemoSeed(w.users, w.apps, w.trustedOrigins, w.features, new Ids(new SecureRandom()), server.dataDir);
    }

    @Test
    void theDemoUserGetsAPasswordShownOnceKeptOnlyInAnOwnerOnlyFileAndTheGuideIsLeftToTheAdmin() throws Exception {
        try (TestServer server = TestServer.start(database, "--features", "")) {
            DemoSeed.DemoUser user = seed(server).ensureDemoUser();

            assertThat(user.login()).isEqualTo("demo@example.com");
            String password = user.newPassword().orElseThrow();
            assertThat(password).matches("[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}");
            assertThat(dev.gatehouse.directory.PasswordPolicy.DEFAULT.check(password, "demo@example.com")).as("it meets the policy").isEmpty();
            assertThat(Files.readString(user.passwordFile()).strip()).isEqualTo(password);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(user.passwordFile()))).isEqualTo("rw-------");
            assertThat(user.passwordFile().getParent()).isEqualTo(server.dataDir);
            assertThat(user.toString()).doesNotContain(password);
            String hash = server.wiring().db.read(h -> h.createQuery("SELECT password_hash FROM users WHERE login = :l")
                    .bind("l", user.login()).mapTo(String.class).one());
            assertThat(hash).startsWith("$argon2id$").doesNotContain(password);

            JsonNode apiUser = server.http().get("/api/v1/users/demo@example.com", ssws(TestServer.API_TOKEN)).json();
            assertThat(apiUser.get("status").asText()).isEqualTo("ACTIVE");
            assertThat(apiUser.at("/profile/email").asText()).isEqualTo("demo@example.com");
            OAuthFlow.signedIn(server, user.login(), password); // the hosted sign-in takes it

            // The admin creates the app, as in the guide: nothing else was made, and the feature is still off.
            assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM apps")).isZero();
            assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM trusted_origins")).isZero();
            assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM features WHERE status = 'ENABLED'")).isZero();
        }
    }

    @Test
    void theSeededAppSignsTheDemoUserInWithCodeAndPkceFromTheSpasOriginAndRotatesRefreshTokens() {
        try (TestServer server = TestServer.start(database, "--features", "")) {
            DemoSeed seed = seed(server);
            DemoSeed.DemoUser user = seed.ensureDemoUser();
            DemoSeed.DemoApp app = seed.ensureApp(SPA);
            assertThat(app.created()).isTrue();

            JsonNode json = server.http().get("/api/v1/apps/" + app.app().id(), ssws(TestServer.API_TOKEN)).json();
            assertThat(json.get("label").asText()).isEqualTo("My SPA");
            assertThat(json.at("/credentials/oauthClient/token_endpoint_auth_method").asText()).isEqualTo("none");
            assertThat(json.at("/settings/oauthClient/application_type").asText()).isEqualTo("browser");
            assertThat(strings(json.at("/settings/oauthClient/grant_types"))).containsExactlyInAnyOrder("authorization_code", "refresh_token");
            assertThat(strings(json.at("/settings/oauthClient/redirect_uris"))).containsExactly(OAuthFlow.REDIRECT_URI);
            assertThat(strings(json.at("/settings/oauthClient/post_logout_redirect_uris"))).containsExactly(OAuthFlow.POST_LOGOUT_REDIRECT_URI);
            assertThat(json.at("/settings/oauthClient/refresh_token/rotation_type").asText()).isEqualTo("ROTATE");
            assertThat(json.at("/settings/oauthClient/refresh_token/leeway").asInt()).isEqualTo(30);
            assertThat(json.at("/settings/implicitAssignment").asBoolean()).isTrue();
            JsonNode origins = server.http().get("/api/v1/trustedOrigins", ssws(TestServer.API_TOKEN)).json();
            assertThat(origins).hasSize(1);
            assertThat(origins.get(0).get("origin").asText()).isEqualTo("http://localhost:8080");
            assertThat(origins.get(0).get("scopes").toString()).contains("CORS").contains("REDIRECT");

            // okta-auth-js's preflight from the SPA's origin is allowed (the trusted origin is live at once).
            Http.Response preflight = server.http().send("OPTIONS", "/oauth2/default/v1/token", null, "Origin", "http://localhost:8080",
                    "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type");
            assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:8080");

            OAuthFlow spa = OAuthFlow.forClient(server, app.app().clientId());
            Browser browser = OAuthFlow.signedIn(server, user.login(), user.newPassword().orElseThrow());
            JsonNode tokens = spa.tokens(browser, OAuthFlow.ALL_SCOPES);
            assertThat(OAuthFlow.claims(tokens.get("id_token").asText()).get("email").asText()).isEqualTo("demo@example.com");
            String first = tokens.get("refresh_token").asText();
            Http.Response refreshed = spa.refresh(first);
            assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
            assertThat(refreshed.json().get("refresh_token").asText()).isNotBlank().isNotEqualTo(first);
            assertThat(OAuthFlow.events(server, "system.feature.enable", "SUCCESS")).isEqualTo(1);
        }
    }

    @Test
    void seedingTwiceChangesNothing() {
        try (TestServer server = TestServer.start(database, "--features", "")) {
            DemoSeed seed = seed(server);
            DemoSeed.DemoUser user = seed.ensureDemoUser();
            DemoSeed.DemoApp app = seed.ensureApp(SPA);
            String password = Files.exists(user.passwordFile()) ? read(user) : null;
            Map<String, Object> before = snapshot(server);

            DemoSeed.DemoUser again = seed(server).ensureDemoUser();
            DemoSeed.DemoApp appAgain = seed(server).ensureApp(SPA);

            assertThat(again.created()).isFalse();
            assertThat(again.newPassword()).isEmpty();
            assertThat(appAgain.created()).isFalse();
            assertThat(appAgain.app().id()).isEqualTo(app.app().id());
            assertThat(snapshot(server)).isEqualTo(before);
            assertThat(read(user)).isEqualTo(password);
            OAuthFlow.signedIn(server, user.login(), user.newPassword().orElseThrow()); // the first password still works
        }
    }

    /** Everything seeding could touch: rows, the System Log, the app as the API shows it. */
    private static Map<String, Object> snapshot(TestServer server) {
        var db = server.wiring().db;
        return Map.of(
                "users", db.read(h -> h.createQuery("SELECT id || status || COALESCE(password_hash, '') FROM users ORDER BY id")
                        .mapTo(String.class).list()),
                "apps", server.http().get("/api/v1/apps", ssws(TestServer.API_TOKEN)).body(),
                "assignments", Sql.count(db, "SELECT COUNT(*) FROM app_group_assignments"),
                "origins", server.http().get("/api/v1/trustedOrigins", ssws(TestServer.API_TOKEN)).body(),
                "features", server.http().get("/api/v1/features", ssws(TestServer.API_TOKEN)).body(),
                "events", Sql.count(db, "SELECT COUNT(*) FROM system_log_events"));
    }

    private static String read(DemoSeed.DemoUser user) {
        try {
            return Files.readString(user.passwordFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
