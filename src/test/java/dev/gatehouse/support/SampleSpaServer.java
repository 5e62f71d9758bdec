package dev.gatehouse.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.http.Json;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code samples/spa} served by its own {@code node serve.mjs} on a free port (the folder holds the okta-auth-js
 * sample and the oidc-client-ts page, and their npm packages), plus the Gatehouse fixtures a browser app needs:
 * a public SPA integration and a trusted origin. Needs {@code node} and {@code npm ci} in samples/spa (.ci/run does it).
 */
public final class SampleSpaServer implements AutoCloseable {

    public static final Path FOLDER = Path.of("samples", "spa");

    /** The origin the apps are served from, e.g. {@code http://127.0.0.1:41234}. */
    public final String origin;
    private final Process process;
    private final List<String> output = new ArrayList<>();

    private SampleSpaServer(String host, int port, Process process) {
        this.origin = "http://" + host + ":" + port;
        this.process = process;
        Thread.ofVirtual().start(() -> {
            try (var lines = process.inputReader().lines()) {
                lines.forEach(line -> {
                    synchronized (output) {
                        output.add(line);
                    }
                });
            }
        });
    }

    /**
     * Starts the static server; {@code host} is the name the browser uses ({@code localhost} or {@code 127.0.0.1}).
     * Fails with what to do when node or the npm packages are missing.
     */
    public static SampleSpaServer start(String host, String... requiredFiles) {
        for (String file : requiredFiles) {
            Path p = FOLDER.resolve(file);
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException("The sample SPA needs its npm packages: run 'npm ci' in " + FOLDER.toAbsolutePath()
                        + " (.ci/run does it). Missing: " + p);
            }
        }
        int port = TestServer.freePort();
        Process process;
        try {
            process = new ProcessBuilder("node", FOLDER.resolve("serve.mjs").toString(), "--port", Integer.toString(port))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("Browser tests of the sample need Node.js 20+ ('node' on the PATH) for samples/spa/serve.mjs", e);
        }
        SampleSpaServer s = new SampleSpaServer(host, port, process);
        s.waitForPort(port);
        return s;
    }

    /**
     * A Single-Page App integration as Okta's guide makes it (public client, PKCE, assigned to everyone) with the
     * given redirect URIs, the Refresh Token grant and rotation with this grace period; returns its client_id.
     */
    public static String spaApp(TestServer server, String label, List<String> redirectUris, List<String> postLogoutRedirectUris, int leeway) {
        return spaAppJson(server, label, redirectUris, postLogoutRedirectUris, leeway).get("credentials").get("oauthClient").get("client_id").asText();
    }

    /** As {@link #spaApp}, the app as the API answered its creation (its {@code id} too, for the app's own paths). */
    public static JsonNode spaAppJson(TestServer server, String label, List<String> redirectUris, List<String> postLogoutRedirectUris, int leeway) {
        String body = """
                {"name":"oidc_client","label":"%s","signOnMode":"OPENID_CONNECT",
                 "credentials":{"oauthClient":{"token_endpoint_auth_method":"none","pkce_required":true}},
                 "settings":{"implicitAssignment":true,"oauthClient":{"application_type":"browser",
                   "redirect_uris":%s,"post_logout_redirect_uris":%s,
                   "response_types":["code"],"grant_types":["authorization_code","refresh_token"],
                   "refresh_token":{"rotation_type":"ROTATE","leeway":%d},"consent_method":"TRUSTED"}}}"""
                .formatted(label, Json.write(redirectUris), Json.write(postLogoutRedirectUris), leeway);
        Http.Response r = server.http().send("POST", "/api/v1/apps", body, Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** This origin as a CORS and Redirect trusted origin, as Okta's SPA guide requires. */
    public void trustIn(TestServer server) {
        String body = """
                {"name":"Sample SPA %s","origin":"%s","scopes":[{"type":"CORS"},{"type":"REDIRECT"}]}""".formatted(origin, origin);
        Http.Response r = server.http().send("POST", "/api/v1/trustedOrigins", body,
                Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    /** {@code /introspect} of an access token as a public client (client_id in the form). */
    public static JsonNode introspect(TestServer server, String clientId, String accessToken) {
        Http.Response r = server.http().send("POST", "/oauth2/default/v1/introspect",
                OAuthFlow.encode("token", accessToken, "token_type_hint", "access_token", "client_id", clientId),
                "Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Override
    public void close() {
        process.destroy();
    }

    private void waitForPort(int port) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("node samples/spa/serve.mjs exited (" + process.exitValue() + "): " + output());
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100); // waiting for a child process to listen, not for the server's clock
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        process.destroy();
        throw new IllegalStateException("node samples/spa/serve.mjs did not listen on " + port + " within 15 s: " + output());
    }

    private String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }
}
