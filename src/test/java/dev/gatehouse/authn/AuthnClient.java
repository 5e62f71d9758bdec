package dev.gatehouse.authn;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.mfa.Totp;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.People;
import dev.gatehouse.support.TestServer;

import java.time.Duration;

import static dev.gatehouse.support.ApiClient.ok;

/**
 * What the Authentication API tests share: calls to {@code /api/v1/authn} as an app's page makes them (JSON, no API token),
 * people with a password and, when asked, an active Google Authenticator factor, and the policies that ask for a factor.
 */
public final class AuthnClient {

    public static final String PASSWORD = "Correct-Horse-Battery-9";
    public static final String AUTHN = "/api/v1/authn";
    static final String TOTP = "{\"factorType\":\"token:software:totp\",\"provider\":\"GOOGLE\"}";

    public final TestServer server;
    public final ApiClient admin;

    public AuthnClient(TestServer server) {
        this.server = server;
        this.admin = ApiClient.of(server);
    }

    /** A POST to the Authentication API, as a page would send it (JSON, no API token). */
    public Http.Response post(String path, String json) {
        return server.http().send("POST", path, json, "Content-Type", "application/json", "Accept", "application/json");
    }

    public Http.Response primary(String username, String password) {
        return post(AUTHN, "{\"username\":" + str(username) + ",\"password\":" + str(password) + "}");
    }

    public record Person(String id, String login) {
    }

    /** A new ACTIVE person with {@link #PASSWORD}. */
    public Person person() {
        String login = "authn-" + System.nanoTime() + "@example.com";
        return new Person(People.create(server.http(), login, PASSWORD), login);
    }

    /** An active TOTP factor: its id and seed. */
    public record Factor(String id, byte[] seed) {
    }

    /** google_otp ACTIVE (and offered by the default enrollment policy), then an active factor for the person. */
    public Factor totp(Person p) {
        googleOtpActive();
        JsonNode e = ok(admin.post("/api/v1/users/" + p.id() + "/factors", TOTP));
        Factor f = new Factor(e.get("id").asText(), Totp.fromBase32(e.at("/_embedded/activation/sharedSecret").asText()));
        ok(admin.post("/api/v1/users/" + p.id() + "/factors/" + f.id() + "/lifecycle/activate", "{\"passCode\":\"" + code(f.seed()) + "\"}"));
        nextStep();
        return f;
    }

    public void googleOtpActive() {
        for (JsonNode a : ok(admin.get("/api/v1/authenticators"))) {
            if (a.get("key").asText().equals("google_otp") && !a.get("status").asText().equals("ACTIVE")) {
                ok(admin.post("/api/v1/authenticators/" + a.get("id").asText() + "/lifecycle/activate", null));
            }
        }
    }

    /** The current code for a seed, at the server's clock. */
    public String code(byte[] seed) {
        return Totp.code(seed, Totp.step(server.clock.instant()));
    }

    /** The server's clock one TOTP step on (so the next code is not a replay of the last). */
    public void nextStep() {
        server.clock.advance(Duration.ofSeconds(30));
    }

    /** A global session policy (priority 1) requiring a second factor of these people at every sign-in; its id. */
    public String requireFactorFor(String... userIds) {
        String pid = ok(admin.post("/api/v1/policies", "{\"type\":\"OKTA_SIGN_ON\",\"name\":\"Authn factor " + System.nanoTime()
                + "\",\"priority\":1}")).get("id").asText();
        ok(admin.post("/api/v1/policies/" + pid + "/rules", "{\"name\":\"Named people\",\"type\":\"SIGN_ON\",\"conditions\":{\"people\":"
                + "{\"users\":{\"include\":[" + String.join(",", java.util.Arrays.stream(userIds).map(AuthnClient::str).toList())
                + "]}}},\"actions\":{\"signon\":{\"access\":\"ALLOW\",\"requireFactor\":true,\"factorPromptMode\":\"ALWAYS\"}}}"));
        return pid;
    }

    public void deactivatePolicy(String policyId) {
        ok(admin.post("/api/v1/policies/" + policyId + "/lifecycle/deactivate", null));
    }

    public static String str(String s) {
        if (s == null) {
            return "null";
        }
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
