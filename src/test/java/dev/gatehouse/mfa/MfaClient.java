package dev.gatehouse.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.People;
import dev.gatehouse.support.TestServer;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The authenticators and factors APIs as the tests call them, and the codes an authenticator app would show. */
final class MfaClient extends ApiClient {

    static final String AUTHENTICATORS = "/api/v1/authenticators";
    static final String TOTP = "{\"factorType\":\"token:software:totp\",\"provider\":\"GOOGLE\"}";

    final TestServer server;

    MfaClient(TestServer server) {
        super(server.http(), TestServer.API_TOKEN);
        this.server = server;
    }

    /** An enrolled TOTP factor: its user, id and seed. */
    record Enrolled(String userId, String factorId, byte[] seed, JsonNode enrollment) {
    }

    JsonNode authenticator(String key) {
        for (JsonNode a : ok(get(AUTHENTICATORS))) {
            if (a.get("key").asText().equals(key)) {
                return a;
            }
        }
        throw new AssertionError("no authenticator " + key);
    }

    /** Activates google_otp unless it is already active, and lets the default enrollment policy offer it (as seeded). */
    void googleOtpActive() {
        JsonNode a = authenticator("google_otp");
        if (!a.get("status").asText().equals("ACTIVE")) {
            ok(post(AUTHENTICATORS + "/" + a.get("id").asText() + "/lifecycle/activate", null));
            defaultEnrollmentPolicyOffersGoogle("OPTIONAL");
        }
    }

    /**
     * Deactivates google_otp unless it is already inactive: first the default enrollment policy stops offering it, as
     * Okta refuses to deactivate an authenticator an enrollment policy uses (403 E0000148).
     */
    void googleOtpInactive() {
        JsonNode a = authenticator("google_otp");
        if (a.get("status").asText().equals("ACTIVE")) {
            defaultEnrollmentPolicyOffersGoogle("NOT_ALLOWED");
            ok(post(AUTHENTICATORS + "/" + a.get("id").asText() + "/lifecycle/deactivate", null));
        }
    }

    /** The default MFA_ENROLL policy with google_otp at {@code level} (REQUIRED, OPTIONAL or NOT_ALLOWED). */
    void defaultEnrollmentPolicyOffersGoogle(String level) {
        defaultEnrollmentPolicyOffersGoogle(this, level);
    }

    static void defaultEnrollmentPolicyOffersGoogle(ApiClient api, String level) {
        for (JsonNode p : ok(api.get("/api/v1/policies?type=MFA_ENROLL"))) {
            if (p.get("system").asBoolean()) {
                ok(api.put("/api/v1/policies/" + p.get("id").asText(), "{\"type\":\"MFA_ENROLL\",\"name\":\"Default Policy\","
                        + "\"settings\":{\"type\":\"AUTHENTICATORS\",\"authenticators\":[{\"key\":\"okta_password\",\"enroll\":"
                        + "{\"self\":\"REQUIRED\"}},{\"key\":\"google_otp\",\"enroll\":{\"self\":\"" + level + "\"}}]}}"));
            }
        }
    }

    /**
     * The default MFA_ENROLL policy with {@code key} at {@code level}, the other authenticators as they are (read, change
     * one entry, write back, as Terraform does).
     */
    void enrollmentLevel(String key, String level) {
        for (JsonNode p : ok(get("/api/v1/policies?type=MFA_ENROLL"))) {
            if (p.get("system").asBoolean()) {
                com.fasterxml.jackson.databind.node.ObjectNode body = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
                body.put("type", "MFA_ENROLL").put("name", p.get("name").asText());
                com.fasterxml.jackson.databind.node.ObjectNode settings = body.putObject("settings").put("type", "AUTHENTICATORS");
                com.fasterxml.jackson.databind.node.ArrayNode list = settings.putArray("authenticators");
                boolean found = false;
                for (JsonNode a : p.at("/settings/authenticators")) {
                    String k = a.get("key").asText();
                    found |= k.equals(key);
                    list.addObject().put("key", k).putObject("enroll").put("self", k.equals(key) ? level : a.at("/enroll/self").asText());
                }
                if (!found) {
                    list.addObject().put("key", key).putObject("enroll").put("self", level);
                }
                ok(put("/api/v1/policies/" + p.get("id").asText(), body.toString()));
            }
        }
    }

    String newUser() {
        return People.create(server.http(), "mfa-" + System.nanoTime() + "@example.com", "Correct-Horse-Battery-9");
    }

    static String factors(String userId) {
        return "/api/v1/users/" + userId + "/factors";
    }

    Enrolled enroll(String userId) {
        JsonNode e = ok(post(factors(userId), TOTP));
        return new Enrolled(userId, e.get("id").asText(), Totp.fromBase32(e.at("/_embedded/activation/sharedSecret").asText()), e);
    }

    /** Enrolled and activated with the current code. */
    Enrolled active(String userId) {
        Enrolled e = enroll(userId);
        ok(activate(e, code(e, 0)));
        return e;
    }

    Http.Response activate(Enrolled e, String passCode) {
        return post(factors(e.userId()) + "/" + e.factorId() + "/lifecycle/activate", passCode(passCode));
    }

    Http.Response verify(Enrolled e, String passCode) {
        return post(factors(e.userId()) + "/" + e.factorId() + "/verify", passCode(passCode));
    }

    static String passCode(String code) {
        return "{\"passCode\":\"" + code + "\"}";
    }

    /** The code of the step {@code offset} steps from the server's now. */
    String code(Enrolled e, int offset) {
        return Totp.code(e.seed(), Totp.step(server.clock.instant()) + offset);
    }

    /** Moves the server's clock to later steps, so codes of steps not used yet are at hand. */
    void nextSteps(int steps) {
        server.clock.advance(Duration.ofSeconds(30L * steps));
    }

    long events(String type) {
        return server.wiring().db.read(h -> server.wiring().systemLog.count(h, type));
    }

    static void assertSuccess(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"factorResult\":\"SUCCESS\"}");
    }
}
