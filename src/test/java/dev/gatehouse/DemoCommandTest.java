package dev.gatehouse;

import dev.gatehouse.demo.DemoGuide;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.support.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code gatehouse demo} end to end, minus the terminal: Gatehouse and the real sample SPA server (node, samples/spa)
 * start together, the printed steps carry this run's values, {@code --seed-app} prints a URL that names a real app,
 * a second start changes nothing, and closing stops the SPA too. Needs node and samples/spa/node_modules, as
 * SampleSpaBrowserTest does.
 */
class DemoCommandTest {

    static final Path SPA_DIR = Path.of("samples", "spa");

    @Test
    void printsTheGuidesStepsWithThisRunsValuesAndServesTheSpaWithItsHistoryFallback(@TempDir Path data) {
        int port = TestServer.freePort();
        int spaPort = TestServer.freePort();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String spa = "http://localhost:" + spaPort;
        try (Demo.Running demo = Demo.start(options(port, data), SPA_DIR, spaPort, false, new PrintStream(out, true, StandardCharsets.UTF_8))) {
            String printed = out.toString(StandardCharsets.UTF_8);
            assertThat(printed)
                    .contains("Admin Console   http://localhost:" + port + "/admin")
                    .contains("login           demo@example.com")
                    .contains("password        " + demo.user().newPassword().orElseThrow())
                    .contains("Sample SPA        " + spa)
                    // The guide's steps in its own words (shared/docs/GUIDE.md), in its order, with this run's values.
                    .containsSubsequence(
                            "  1. Sign in to your Okta organization with your administrator account: open http://localhost:" + port + "/admin",
                            "  2. From the Admin Console side navigation, click Applications > Applications.",
                            "  3. Click Add Application and click Create New App.",
                            "  4. Pick Single-Page App (SPA) as the platform and click Create.",
                            "     Note: It is important to choose the appropriate application type for apps which are public clients",
                            "  5. Enter a name for your app integration (or leave the default value):  My SPA",
                            "  6. Enter values for the Login redirect URI:  " + spa + "/login/callback   (replace the prefilled http://localhost:8080 value)",
                            "     Logout redirect URIs:         " + spa + "   (replace",
                            "     Trusted Origins › Base URIs:  " + spa,
                            "Allow everyone in your organization to access",
                            "  7. Click Save to finish creating the Okta app integration.",
                            "  8. On the General settings tab, scroll to General Settings and click Edit.",
                            "  9. In the Allowed grant types, make sure that Authorization Code and Refresh Token are selected.",
                            "Refresh token rotation for SPA is an EA (Early Access) feature: enable it in the Settings > Features",
                            "enable it in Settings › Features",
                            "Grace period for token rotation: 30 seconds",
                            " 10. Enable Trusted Origins: Security > API > Trusted Origins lists " + spa + " with CORS",
                            spa + "/?clientId=<Client ID>&issuer=http://localhost:" + port + "/oauth2/default",
                            "Create App Integration, OIDC - OpenID Connect,",
                            "Single-Page Application, Next, Sign-in redirect URIs")
                    .containsPattern("Demo ready \\d+ ms after the JVM started");
            assertThat(printed.indexOf("Admin Console")).isLessThan(printed.indexOf("  1. Sign in"));
            // The admin makes the app, as in the guide: none yet, and the Early Access feature is still off.
            assertThat(demo.app()).isEmpty();
            assertThat(demo.wiring().apps.list(null, null, null, 10)).isEmpty();
            assertThat(demo.wiring().features.list()).allSatisfy(f -> assertThat(f.enabled()).isFalse());

            Http.Response callback = new Http(spa).get("/login/callback?code=x&state=y");
            assertThat(callback.status()).isEqualTo(200);
            assertThat(callback.body()).contains("okta-auth-js/umd/default.js");
            assertThat(listening(spaPort)).isTrue();
        }
        assertThat(listening(spaPort)).as("closing the demo stops the SPA").isFalse();
        assertThat(listening(port)).isFalse();
    }

    @Test
    void seedAppPrintsAReadyUrlForARealAppAndASecondStartChangesNothing(@TempDir Path data) {
        int port = TestServer.freePort();
        int spaPort = TestServer.freePort();
        String spa = "http://localhost:" + spaPort;
        String clientId;
        String password;
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        try (Demo.Running demo = Demo.start(options(port, data), SPA_DIR, spaPort, true, new PrintStream(first, true, StandardCharsets.UTF_8))) {
            clientId = demo.app().orElseThrow().app().clientId();
            password = demo.user().newPassword().orElseThrow();
            assertThat(first.toString(StandardCharsets.UTF_8))
                    .contains("--seed-app: the app integration 'My SPA' is ready (client ID " + clientId + ")")
                    .contains("    " + spa + "/?clientId=" + clientId + "&issuer=http://localhost:" + port + "/oauth2/default")
                    .doesNotContain("  1. Sign in");
        }
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        try (Demo.Running demo = Demo.start(options(port, data), SPA_DIR, spaPort, true, new PrintStream(second, true, StandardCharsets.UTF_8))) {
            assertThat(demo.app().orElseThrow().created()).isFalse();
            assertThat(demo.app().orElseThrow().app().clientId()).isEqualTo(clientId);
            assertThat(demo.wiring().apps.list(null, null, null, 10)).hasSize(1);
            assertThat(demo.user().created()).isFalse();
            assertThat(second.toString(StandardCharsets.UTF_8))
                    .doesNotContain(password)
                    .contains("password        in " + data.toAbsolutePath().resolve("demo-user-password"))
                    .contains(spa + "/?clientId=" + clientId);
        }
    }

    @Test
    void aTakenSpaPortIsOneClearMessageAndNothingStarts(@TempDir Path data) throws IOException {
        int port = TestServer.freePort();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> Demo.start(options(port, data), SPA_DIR, taken.getLocalPort(), false, new PrintStream(new ByteArrayOutputStream())))
                    .isInstanceOf(dev.gatehouse.config.ConfigException.class)
                    .hasMessageContaining("Port " + taken.getLocalPort() + " is taken: choose another with --spa-port.");
        }
        assertThat(listening(port)).isFalse();
        assertThat(data.resolve("demo-user-password")).doesNotExist();
    }

    @Test
    void theSpaUrlNamesTheIssuerOnlyWhenItIsNotTheSamplesDefault() {
        assertThat(DemoGuide.spaUrl("http://localhost:8080", "0oa1", "http://localhost:9000/oauth2/default"))
                .isEqualTo("http://localhost:8080/?clientId=0oa1");
        assertThat(DemoGuide.spaUrl("http://localhost:8080", "0oa1", "https://id.example.com/oauth2/default"))
                .isEqualTo("http://localhost:8080/?clientId=0oa1&issuer=https://id.example.com/oauth2/default");
        assertThat(DemoGuide.spaUrl("http://localhost:8080", "0oa1", "https://id.example.com/a&b=c#d"))
                .isEqualTo("http://localhost:8080/?clientId=0oa1&issuer=https://id.example.com/a%26b%3Dc%23d");
    }

    private static List<String> options(int port, Path data) {
        return List.of("--port", Integer.toString(port), "--data-dir", data.toString(), "--admin-password", "Demo-Operator-Pass-1");
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
