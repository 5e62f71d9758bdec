package dev.gatehouse.directory;

import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.security.SecureRandom;
import java.util.List;

import static dev.gatehouse.directory.DirectoryClient.PASSWORD;
import static dev.gatehouse.directory.DirectoryClient.unique;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Okta's default password policy on every path that sets a password (the Users API's create, partial update and
 * replace; the console's add-person and reset-password forms), its rules shown on each console form, and never
 * applied at sign-in: a password set before the policy keeps working.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class PasswordPolicyHttpTest {

    private static final String OKTA_CAUSE = "password: Password requirements were not met. Password requirements: at least 8 characters, "
            + "a lowercase letter, an uppercase letter, a number, no parts of your username.";
    private static final String RULES_HTML = "Requirements: at least 8 characters, a lowercase letter, an uppercase letter, a number, "
            + "no part of the username (its pieces of 4 or more characters between . , - _ # @), not a commonly used password, "
            + "at most 256 characters.";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static DirectoryClient api;
    static Browser admin;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = new DirectoryClient(server);
        admin = server.browser();
        assertThat(admin.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin").status()).isEqualTo(303);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    private static String hashOf(String id) {
        return server.wiring().db.read(h -> h.createQuery("SELECT password_hash FROM users WHERE id = :id").bind("id", id)
                .mapTo(String.class).one());
    }

    @Test
    void theApiRefusesAWeakPasswordOnUpdateAndReplaceWithOktasCauseAndChangesNothing() {
        String login = unique("policy") + "@example.com";
        String id = api.createUser(login).get("id").asText();
        String hash = hashOf(id);
        long updates = api.events("user.account.update_password");
        String localPart = login.substring(0, login.indexOf('@'));
        for (String weak : List.of("tr0ub4dor&3-horse", "Troubador-horse", "TR0UB4DOR&3-HORSE", "Sh0rt-A", "Zz-" + localPart + "-9")) {
            Http.Response partial = api.post("/api/v1/users/" + id, "{\"credentials\":{\"password\":{\"value\":\"" + weak + "\"}}}");
            assertOktaError(partial, 400, "E0000001");
            assertThat(partial.json().get("errorSummary").asText()).isEqualTo("Api validation failed: password");
            assertThat(partial.json().get("errorCauses")).extracting(c -> c.get("errorSummary").asText()).as(weak).containsExactly(OKTA_CAUSE);
            Http.Response full = api.put("/api/v1/users/" + id, DirectoryClient.userBody(login, "Ada", "Lovelace", weak));
            assertOktaError(full, 400, "E0000001");
        }
        Http.Response common = api.post("/api/v1/users/" + id, "{\"credentials\":{\"password\":{\"value\":\"Iloveyou2\"}}}");
        assertThat(common.json().get("errorCauses")).extracting(c -> c.get("errorSummary").asText())
                .containsExactly("password: This password was found in a list of commonly used passwords. Please try another password.");
        assertThat(hashOf(id)).isEqualTo(hash);
        assertThat(api.events("user.account.update_password")).isEqualTo(updates);

        assertThat(api.post("/api/v1/users/" + id, "{\"credentials\":{\"password\":{\"value\":\"Quiet-Lantern-58\"}}}").status()).isEqualTo(200);
        assertThat(api.events("user.account.update_password")).isEqualTo(updates + 1);
    }

    @Test
    void theConsoleShowsTheRulesOnEveryPasswordFormAndTheCauseWhenOneIsBroken() {
        Http.Response newForm = admin.get("/admin/people/new");
        assertThat(newForm.body()).contains(RULES_HTML);

        String login = unique("console") + "@example.com";
        Http.Response refused = admin.post("/admin/people", "csrf", Browser.csrf(newForm), "firstName", "Weak", "lastName", "Password",
                "login", login, "email", login, "password", "weakpassword", "activate", "on");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains(OKTA_CAUSE).contains(RULES_HTML);
        assertThat(api.get("/api/v1/users/" + login).status()).as("nothing was created").isEqualTo(404);

        String id = api.createUser(login).get("id").asText();
        String hash = hashOf(id);
        Http.Response person = admin.get("/admin/people/" + id);
        assertThat(person.body()).as("the reset-password form").contains(RULES_HTML);
        Http.Response reset = admin.post("/admin/people/" + id + "/password", "csrf", Browser.csrf(person), "password", "Console-" + login);
        assertThat(reset.status()).isEqualTo(400);
        assertThat(reset.body()).contains(OKTA_CAUSE);
        assertThat(hashOf(id)).isEqualTo(hash);

        Http.Response ok = admin.post("/admin/people/" + id + "/password", "csrf", Browser.csrf(person), "password", "Quiet-Lantern-58");
        assertThat(ok.status()).isEqualTo(303);
        assertThat(hashOf(id)).isNotEqualTo(hash);
    }

    @Test
    void aPasswordSetBeforeThePolicyKeepsSigningIn() {
        String login = unique("legacy") + "@example.com";
        String id = api.createUser(login).get("id").asText();
        var config = server.wiring().config;
        String weakHash = new PasswordHasher(new PasswordHasher.Params(config.argon2MemoryKib(), config.argon2Iterations(),
                config.argon2Parallelism()), new SecureRandom()).hash("weakpass");
        server.wiring().db.tx(h -> h.createUpdate("UPDATE users SET password_hash = :h WHERE id = :id").bind("h", weakHash).bind("id", id).execute());

        assertThat(PasswordPolicy.DEFAULT.check("weakpass", login)).as("the policy would refuse it today").isNotEmpty();
        assertThat(server.browser().signIn(login, "weakpass", "/").status()).as("sign-in does not apply the policy").isEqualTo(303);
        assertThat(server.browser().signIn(login, PASSWORD, "/").status()).isEqualTo(401);
    }
}
