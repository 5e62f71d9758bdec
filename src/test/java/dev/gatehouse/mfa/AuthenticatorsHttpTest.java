package dev.gatehouse.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static dev.gatehouse.mfa.MfaClient.AUTHENTICATORS;
import static dev.gatehouse.support.ApiClient.ok;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /api/v1/authenticators}: the seeded catalog in Okta's shapes, the lifecycle, its refusals and events, on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class AuthenticatorsHttpTest {

    @Parameter
    TestDatabase database;

    static TestServer server;
    static MfaClient api;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = new MfaClient(server);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @Test
    void aNewOrgHasThePasswordActiveAndGoogleAuthenticatorAndWebAuthnInactiveAndNothingElse() {
        JsonNode list = ok(api.get(AUTHENTICATORS));
        List<String> keys = new ArrayList<>();
        list.forEach(a -> keys.add(a.get("key").asText()));
        assertThat(keys).containsExactly("okta_password", "google_otp", "webauthn", "okta_email");

        JsonNode password = list.get(0);
        assertThat(fields(password)).containsExactly("type", "id", "key", "status", "name", "created", "lastUpdated", "_links");
        assertThat(password.get("type").asText()).isEqualTo("password");
        assertThat(password.get("id").asText()).matches("aut[A-Za-z0-9]{17}");
        assertThat(password.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(password.get("name").asText()).isEqualTo("Password");
        String self = server.wiring().config.baseUrl() + AUTHENTICATORS + "/" + password.get("id").asText();
        assertThat(password.at("/_links/self/href").asText()).isEqualTo(self);
        assertThat(password.at("/_links/self/hints/allow").toString()).isEqualTo("[\"GET\",\"PUT\"]");
        assertThat(password.at("/_links/methods/hints/allow").toString()).isEqualTo("[\"GET\"]");
        assertThat(fields(password.get("_links"))).containsExactly("self", "methods");

        JsonNode google = api.authenticator("google_otp");
        if (google.get("status").asText().equals("INACTIVE")) {   // as seeded (another test of this class may have activated it)
            assertThat(fields(google.get("_links"))).containsExactly("self", "activate", "methods");
        }
        assertThat(fields(google)).containsExactly("type", "id", "key", "status", "name", "created", "lastUpdated", "settings", "_links");
        assertThat(google.get("type").asText()).isEqualTo("app");
        assertThat(google.get("name").asText()).isEqualTo("Google Authenticator");
        assertThat(google.get("settings").toString()).isEqualTo("{}");
        assertThat(ok(api.get(AUTHENTICATORS + "/" + google.get("id").asText()))).isEqualTo(google);

        JsonNode webauthn = api.authenticator("webauthn");
        assertThat(fields(webauthn)).containsExactly("type", "id", "key", "status", "name", "created", "lastUpdated", "_links");
        assertThat(webauthn.get("id").asText()).isEqualTo("aut2Gatehouse0WebAtn");
        assertThat(webauthn.get("type").asText()).isEqualTo("security_key");
        assertThat(webauthn.get("name").asText()).isEqualTo("Security Key or Biometric");
        if (webauthn.get("status").asText().equals("INACTIVE")) {
            assertThat(fields(webauthn.get("_links"))).containsExactly("self", "activate", "methods");
        }
    }

    @Test
    void googleAuthenticatorActivatesAndDeactivatesWithOktasAnswersAndEvents() {
        api.googleOtpInactive();
        JsonNode google = api.authenticator("google_otp");
        String path = AUTHENTICATORS + "/" + google.get("id").asText();
        long activations = api.events("security.authenticator.lifecycle.activate");
        long deactivations = api.events("security.authenticator.lifecycle.deactivate");

        JsonNode active = ok(api.post(path + "/lifecycle/activate", null));
        assertThat(active.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(fields(active.get("_links"))).containsExactly("self", "deactivate", "methods");
        assertThat(active.at("/_links/deactivate/href").asText()).endsWith(path + "/lifecycle/deactivate");
        assertThat(api.events("security.authenticator.lifecycle.activate")).isEqualTo(activations + 1);

        Http.Response again = api.post(path + "/lifecycle/activate", null);
        assertOktaError(again, 400, "E0000001");
        assertThat(again.json().get("errorSummary").asText())
                .isEqualTo("Api validation failed: api.authenticator.error.unsupported.inactive.activate");
        assertThat(api.events("security.authenticator.lifecycle.activate")).isEqualTo(activations + 1);

        api.defaultEnrollmentPolicyOffersGoogle("NOT_ALLOWED");   // else 403 E0000148 (PoliciesHttpTest)
        JsonNode inactive = ok(api.post(path + "/lifecycle/deactivate", null));
        assertThat(inactive.get("status").asText()).isEqualTo("INACTIVE");
        assertThat(fields(inactive.get("_links"))).containsExactly("self", "activate", "methods");
        assertThat(api.events("security.authenticator.lifecycle.deactivate")).isEqualTo(deactivations + 1);

        Http.Response twice = api.post(path + "/lifecycle/deactivate", null);
        assertOktaError(twice, 400, "E0000001");
        assertThat(twice.json().get("errorSummary").asText())
                .isEqualTo("Api validation failed: api.authenticator.error.unsupported.active.deactivate");
        assertThat(twice.json().get("errorCauses")).isEmpty();
        assertThat(api.events("security.authenticator.lifecycle.deactivate")).isEqualTo(deactivations + 1);
    }

    @Test
    void eachAuthenticatorListsItsOneMethod() {
        for (String key : List.of("okta_password", "google_otp")) {
            JsonNode a = api.authenticator(key);
            JsonNode methods = ok(api.get(a.at("/_links/methods/href").asText().replace(server.wiring().config.baseUrl(), "")));
            assertThat(methods).hasSize(1);
            assertThat(methods.get(0).get("type").asText()).isEqualTo(key.equals("okta_password") ? "password" : "otp");
            assertThat(methods.get(0).get("status").asText()).isEqualTo(a.get("status").asText());
        }
    }

    @Test
    void thePasswordCannotBeDeactivated() {
        JsonNode password = api.authenticator("okta_password");
        Http.Response r = api.post(AUTHENTICATORS + "/" + password.get("id").asText() + "/lifecycle/deactivate", null);
        assertOktaError(r, 400, "E0000001");
        assertThat(r.json().get("errorSummary").asText())
                .isEqualTo("Api validation failed: The password authenticator is always active and cannot be deactivated.");
        assertThat(api.authenticator("okta_password").get("status").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void putChangesTheNameOnlyAndIsLogged() {
        JsonNode password = api.authenticator("okta_password");
        String path = AUTHENTICATORS + "/" + password.get("id").asText();
        long updates = api.events("security.authenticator.lifecycle.update");
        JsonNode renamed = ok(api.put(path, "{\"id\":\"" + password.get("id").asText()
                + "\",\"key\":\"okta_password\",\"name\":\"Company password\",\"type\":\"password\",\"status\":\"INACTIVE\"}"));
        assertThat(renamed.get("name").asText()).isEqualTo("Company password");
        assertThat(renamed.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(api.events("security.authenticator.lifecycle.update")).isEqualTo(updates + 1);
        assertOktaError(api.put(path, "{\"name\":\"\"}"), 400, "E0000001");
        assertOktaError(api.put(path, "{\"name\":17}"), 400, "E0000001");
        assertOktaError(api.put(path, "{\"name\":\"" + "x".repeat(300) + "\"}"), 400, "E0000001");
        ok(api.put(path, "{\"name\":\"Password\"}"));
    }

    @Test
    void unknownAuthenticatorsAndOperationsAreNotFound() {
        assertOktaError(api.get(AUTHENTICATORS + "/autDoesNotExist000000"), 404, "E0000007");
        assertOktaError(api.post(AUTHENTICATORS + "/autDoesNotExist000000/lifecycle/activate", null), 404, "E0000007");
        JsonNode google = api.authenticator("google_otp");
        assertOktaError(api.post(AUTHENTICATORS + "/" + google.get("id").asText() + "/lifecycle/delete", null), 404, "E0000007");
    }

    @Test
    void onlyASuperAdminsTokenReachesThem() {
        Http.Response r = server.http().send("GET", AUTHENTICATORS, null, "Accept", "application/json");
        assertThat(r.status()).as(r.body()).isEqualTo(401);
        JsonNode google = api.authenticator("google_otp");
        Http.Response forged = server.http().send("POST", AUTHENTICATORS + "/" + google.get("id").asText() + "/lifecycle/activate", null,
                "Accept", "application/json", "Cookie", "sid=forged");
        assertThat(forged.status()).isIn(401, 403);
    }

    private static List<String> fields(JsonNode o) {
        List<String> out = new ArrayList<>();
        o.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
