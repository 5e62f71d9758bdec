package dev.gatehouse.directory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestMail;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.gatehouse.directory.DirectoryClient.unique;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Activation (issue #19): createUser with activate=true and no password, activateUser and reactivateUser with
 * {@code sendEmail}, Okta's UserActivationToken, and the welcome page the link opens, on H2 and PostgreSQL.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class ActivationHttpTest {

    private static final String NEW_PASSWORD = "Welcome-Aboard-77";

    @Parameter
    TestDatabase database;

    static TestMail mail;
    static TestServer server;
    static DirectoryClient api;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        mail = TestMail.start();
        server = TestServer.start(database, mail);
        api = new DirectoryClient(server);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
        mail.close();
    }

    private static String login() {
        return unique("welcome") + "@example.com";
    }

    /** A STAGED user without a password. */
    private static JsonNode staged(String login) {
        Http.Response r = api.post("/api/v1/users?activate=false", DirectoryClient.userBody(login, "Grace", "Hopper", null));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("STAGED");
        return r.json();
    }

    /** A PROVISIONED user and its activation link (activate with sendEmail=false). */
    private static JsonNode provisioned(String login) {
        String id = staged(login).get("id").asText();
        Http.Response r = api.post("/api/v1/users/" + id + "/lifecycle/activate?sendEmail=false", "");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static String path(JsonNode activation) {
        String url = activation.get("activationUrl").asText();
        assertThat(url).startsWith(server.url());
        return url.substring(server.url().length());
    }

    private static long tokens(String userId) {
        return Sql.count(server.wiring().db, "SELECT COUNT(*) FROM user_tokens WHERE purpose = 'ACTIVATION' AND user_id = '" + userId + "'");
    }

    private static String userIdOf(String login) {
        return api.get("/api/v1/users/" + DirectoryClient.enc(login)).json().get("id").asText();
    }

    @Test
    void createWithActivateAndNoPasswordIsProvisionedWithALiveLink() {
        long activations = api.events("user.lifecycle.activate");
        String login = login();
        Http.Response r = api.post("/api/v1/users?activate=true", DirectoryClient.userBody(login, "Ada", "Lovelace", null));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode u = r.json();
        assertThat(u.get("status").asText()).isEqualTo("PROVISIONED");
        assertThat(u.get("credentials").has("password")).isFalse();
        assertThat(u.get("activated").isNull()).isFalse();
        assertThat(u.get("_links").get("reactivate").get("href").asText()).endsWith("/lifecycle/reactivate");
        assertThat(u.has("activationToken")).isFalse();
        assertThat(tokens(u.get("id").asText())).isEqualTo(1);
        assertThat(api.events("user.lifecycle.activate")).isEqualTo(activations + 1);
    }

    @Test
    void theActivationEmailReachesThePersonAndItsLinkOpensTheWelcomePage() {
        String login = login();
        Http.Response r = api.post("/api/v1/users?activate=true", DirectoryClient.userBody(login, "Ada", "Lovelace", null));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String id = r.json().get("id").asText();
        jakarta.mail.internet.MimeMessage m = mail.awaitOne(login);
        assertThat(TestMail.to(m)).isEqualToIgnoringCase(login);
        assertThat(TestMail.subject(m)).isEqualTo("Welcome to Gatehouse!");
        assertThat(TestMail.text(m)).contains("Hi Ada").contains(login);
        String link = TestMail.firstLink(m);
        assertThat(link).matches(java.util.regex.Pattern.quote(server.url()) + "/welcome/[A-Za-z0-9]{20}");
        assertThat(TestMail.html(m)).contains(link);
        String path = link.substring(server.url().length());
        assertThat(server.browser().get(path).status()).isEqualTo(200);

        // Reactivate with sendEmail=true: a second email, whose link replaces the first.
        assertThat(api.post("/api/v1/users/" + id + "/lifecycle/reactivate?sendEmail=true", "").status()).isEqualTo(200);
        List<jakarta.mail.internet.MimeMessage> both = mail.awaitMessages(login, 2);
        String second = TestMail.firstLink(both.get(1));
        assertThat(second).isNotEqualTo(link).startsWith(server.url() + "/welcome/");
        assertThat(server.browser().get(path).status()).isEqualTo(410);
        Browser b = server.browser();
        String secondPath = second.substring(server.url().length());
        Http.Response page = b.get(secondPath);
        assertThat(b.post(secondPath, "csrf", Browser.csrf(page), "password", NEW_PASSWORD, "confirm", NEW_PASSWORD).status()).isEqualTo(303);
        assertThat(api.status(id)).isEqualTo("ACTIVE");
        assertThat(mail.messagesTo(login)).as("each email sent once").hasSize(2);
    }

    @Test
    void activateWithSendEmailFalseAnswersOktasUserActivationTokenAndStoresOnlyItsHash() {
        String login = login();
        String id = staged(login).get("id").asText();
        Http.Response r = api.post("/api/v1/users/" + id + "/lifecycle/activate?sendEmail=false", "");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.size()).isEqualTo(2);
        String token = body.get("activationToken").asText();
        assertThat(token).matches("[A-Za-z0-9]{20}");
        assertThat(body.get("activationUrl").asText()).isEqualTo(server.url() + "/welcome/" + token);
        assertThat(api.status(id)).isEqualTo("PROVISIONED");
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM user_tokens WHERE token_hash = '" + token + "'")).isZero();
        assertThat(tokens(id)).isEqualTo(1);
        assertThat(mail.messagesTo(login)).as("sendEmail=false sends nothing").isEmpty();
    }

    @Test
    void activateSendsTheEmailByDefaultAndAnswersAnEmptyObject() {
        String login = login();
        String id = staged(login).get("id").asText();
        Http.Response r = api.post("/api/v1/users/" + id + "/lifecycle/activate", "");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().isObject()).isTrue();
        assertThat(r.json().size()).isZero();
        assertThat(api.status(id)).isEqualTo("PROVISIONED");
        assertThat(tokens(id)).isEqualTo(1);
        assertThat(TestMail.firstLink(mail.awaitOne(login))).startsWith(server.url() + "/welcome/");
    }

    @Test
    void activatingAUserWithAPasswordMakesItActiveWithoutALink() {
        JsonNode u = api.createUser(login(), "Alan", "Turing", false);
        String id = u.get("id").asText();
        Http.Response r = api.post("/api/v1/users/" + id + "/lifecycle/activate?sendEmail=false", "");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().size()).isZero();
        assertThat(api.status(id)).isEqualTo("ACTIVE");
        assertThat(tokens(id)).isZero();
    }

    @Test
    void badSendEmailAndWrongStatusAreOktaErrorsAndChangeNothing() {
        String id = staged(login()).get("id").asText();
        assertOktaError(api.post("/api/v1/users/" + id + "/lifecycle/activate?sendEmail=maybe", ""), 400, "E0000001");
        assertThat(api.status(id)).isEqualTo("STAGED");
        assertOktaError(api.post("/api/v1/users/" + id + "/lifecycle/reactivate", ""), 403, "E0000038");
        assertOktaError(api.post("/api/v1/users/00u00000000000000000/lifecycle/reactivate", ""), 404, "E0000007");
        JsonNode active = api.createUser(login());
        Http.Response already = api.post("/api/v1/users/" + active.get("id").asText() + "/lifecycle/activate", "");
        assertOktaError(already, 403, "E0000016");
        assertThat(already.json().get("errorSummary").asText()).isEqualTo("Activation failed because the user is already active");
        assertOktaError(api.post("/api/v1/users/" + active.get("id").asText() + "/lifecycle/reactivate?sendEmail=false", ""), 403, "E0000038");
        assertThat(tokens(id)).isZero();
    }

    @Test
    void theWelcomePageSetsThePasswordSignsInAndTheLinkWorksOnce() {
        String login = login();
        String link = path(provisioned(login));
        String id = userIdOf(login);
        Browser b = server.browser();
        Http.Response page = b.get(link);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(page.body()).contains("Welcome to Gatehouse").contains(login).contains("at least 8 characters")
                .contains("an uppercase letter").contains("name=\"confirm\"");
        assertThat(b.get(link).status()).as("a GET uses nothing up").isEqualTo(200);
        long passwordEvents = api.events("user.account.update_password");
        long activateEvents = api.events("user.lifecycle.activate");
        Http.Response done = b.post(link, "csrf", Browser.csrf(page), "password", NEW_PASSWORD, "confirm", NEW_PASSWORD);
        assertThat(done.status()).as(done.body()).isEqualTo(303);
        assertThat(done.header("Location")).isEqualTo("/");
        assertThat(b.cookies).containsKey("sid");
        assertThat(api.status(id)).isEqualTo("ACTIVE");
        assertThat(tokens(id)).isZero();
        assertThat(api.events("user.account.update_password")).isEqualTo(passwordEvents + 1);
        assertThat(api.events("user.lifecycle.activate")).isEqualTo(activateEvents + 1);
        JsonNode me = b.send("GET", "/api/v1/sessions/me", "Accept", "application/json").json();
        assertThat(me.get("login").asText()).isEqualTo(login);

        Http.Response again = server.browser().get(link);
        assertThat(again.status()).isEqualTo(410);
        assertThat(again.body()).contains("This activation link is no longer valid").contains("href=\"/signin\"");
        Browser other = server.browser();
        String csrf = Browser.csrf(other.get("/signin"));
        assertThat(other.post(link, "csrf", csrf, "password", "Another-Pass-99", "confirm", "Another-Pass-99").status()).isEqualTo(410);
        assertThat(server.browser().signIn(login, NEW_PASSWORD, "/").status()).as("the first password stands").isEqualTo(303);
    }

    @Test
    void thePasswordLeavesTheLogsAndTheTokenNeverReachesThem() {
        String login = login();
        JsonNode activation = provisioned(login);
        String token = activation.get("activationToken").asText();
        Browser b = server.browser();
        Http.Response page = b.get(path(activation));
        b.post(path(activation), "csrf", Browser.csrf(page), "password", NEW_PASSWORD, "confirm", NEW_PASSWORD);
        String logs = api.get("/api/v1/logs?limit=1000").body();
        assertThat(logs).contains("/welcome/{token}").doesNotContain(token).doesNotContain(NEW_PASSWORD);
    }

    @Test
    void everyLoggedPathHidesTheLinkToken() {
        assertThat(dev.gatehouse.http.HttpServer.loggedPath("/welcome/XE6wE17zmphl3KqAPFxO")).isEqualTo("/welcome/{token}");
        assertThat(dev.gatehouse.http.HttpServer.loggedPath("/tokens/XE6wE17zmphl3KqAPFxO/verify")).isEqualTo("/tokens/{token}/verify");
        assertThat(dev.gatehouse.http.HttpServer.loggedPath("/admin/welcome/x")).as("only at the root").isEqualTo("/admin/welcome/x");
    }

    @Test
    void aPasswordThatBreaksThePolicyShowsTheReasonsAndLeavesTheLinkUsable() {
        String login = login();
        String link = path(provisioned(login));
        String id = userIdOf(login);
        Browser b = server.browser();
        String csrf = Browser.csrf(b.get(link));
        Http.Response weak = b.post(link, "csrf", csrf, "password", "short", "confirm", "short");
        assertThat(weak.status()).isEqualTo(400);
        assertThat(weak.body()).contains("Password requirements were not met");
        Http.Response mismatch = b.post(link, "csrf", csrf, "password", NEW_PASSWORD, "confirm", NEW_PASSWORD + "x");
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.body()).contains("do not match");
        Http.Response withLogin = b.post(link, "csrf", csrf, "password", login + "A1", "confirm", login + "A1");
        assertThat(withLogin.status()).isEqualTo(400);
        assertThat(api.status(id)).isEqualTo("PROVISIONED");
        assertThat(tokens(id)).isEqualTo(1);
        assertThat(b.post(link, "csrf", csrf, "password", NEW_PASSWORD, "confirm", NEW_PASSWORD).status()).isEqualTo(303);
    }

    @Test
    void aPostWithoutTheCsrfTokenChangesNothing() {
        String login = login();
        String link = path(provisioned(login));
        String id = userIdOf(login);
        Browser b = server.browser();
        b.get(link);
        Http.Response r = b.post(link, "password", NEW_PASSWORD, "confirm", NEW_PASSWORD);
        assertThat(r.status()).isEqualTo(403);
        Http.Response forged = b.post(link, "csrf", "x".repeat(43), "password", NEW_PASSWORD, "confirm", NEW_PASSWORD);
        assertThat(forged.status()).isEqualTo(403);
        assertThat(api.status(id)).isEqualTo("PROVISIONED");
        assertThat(tokens(id)).isEqualTo(1);
        assertThat(b.get(link).status()).isEqualTo(200);
    }

    @Test
    void tamperedMalformedUnknownAndOtherPurposeTokensGetTheSamePage() {
        String login = login();
        JsonNode activation = provisioned(login);
        String token = activation.get("activationToken").asText();
        String id = userIdOf(login);
        char last = token.charAt(token.length() - 1);
        String tampered = token.substring(0, token.length() - 1) + (last == 'a' ? 'b' : 'a');
        String recovery = server.wiring().db.tx(h -> new UserTokenStore(new dev.gatehouse.storage.Ids(new java.security.SecureRandom()))
                .issue(h, id, UserTokenStore.Purpose.RECOVERY, server.clock.instant(), Duration.ofHours(1)));
        for (String bad : List.of(tampered, "short", "x".repeat(300), recovery, "%00", "..%2F..%2Fadmin")) {
            Http.Response r = server.browser().get("/welcome/" + bad);
            assertThat(r.status()).as(bad).isIn(404, 410, 400);
            if (r.status() == 410) {
                assertThat(r.body()).contains("This activation link is no longer valid");
            }
        }
        assertThat(server.browser().get("/welcome/" + tampered).status()).isEqualTo(410);
        assertThat(server.browser().get("/welcome/" + recovery).status()).isEqualTo(410);
        assertThat(server.browser().get("/tokens/" + token + "/verify").status()).as("Okta's Identity Engine path").isEqualTo(200);
        assertThat(api.status(id)).isEqualTo("PROVISIONED");
    }

    @Test
    void reactivateKillsTheOldLinkAndAnswersANewOne() {
        String login = login();
        JsonNode first = provisioned(login);
        String id = userIdOf(login);
        long events = api.events("user.lifecycle.reactivate");
        Http.Response r = api.post("/api/v1/users/" + id + "/lifecycle/reactivate", "");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode second = r.json();
        assertThat(second.get("activationToken").asText()).as("Okta's default sendEmail=false for reactivate")
                .isNotEqualTo(first.get("activationToken").asText());
        assertThat(api.events("user.lifecycle.reactivate")).isEqualTo(events + 1);
        assertThat(server.browser().get(path(first)).status()).isEqualTo(410);
        assertThat(server.browser().get(path(second)).status()).isEqualTo(200);
        Http.Response emailed = api.post("/api/v1/users/" + id + "/lifecycle/reactivate?sendEmail=true", "");
        assertThat(emailed.status()).isEqualTo(200);
        assertThat(emailed.json().size()).isZero();
        assertThat(server.browser().get(path(second)).status()).isEqualTo(410);
        assertThat(tokens(id)).isEqualTo(1);
    }

    @Test
    void anExpiredLinkIsRefusedAndChangesNothing() {
        String login = login();
        String link = path(provisioned(login));
        String id = userIdOf(login);
        Browser b = server.browser();
        String csrf = Browser.csrf(b.get(link));
        server.clock.advance(Duration.ofDays(7).plusMinutes(1));
        assertThat(server.browser().get(link).status()).isEqualTo(410);
        assertThat(b.post(link, "csrf", csrf, "password", NEW_PASSWORD, "confirm", NEW_PASSWORD).status()).isEqualTo(410);
        assertThat(api.status(id)).isEqualTo("PROVISIONED");
    }

    @Test
    void ofTwoConcurrentPostsExactlyOneWins() throws Exception {
        String login = login();
        String link = path(provisioned(login));
        String id = userIdOf(login);
        int n = 4;
        List<Browser> browsers = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Browser b = server.browser();
            tokens.add(Browser.csrf(b.get(link)));
            browsers.add(b);
        }
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Browser b = browsers.get(i);
                String csrf = tokens.get(i);
                String password = "Concurrent-" + i + "-Pass";
                results.add(pool.submit(() -> {
                    go.await();
                    return b.post(link, "csrf", csrf, "password", password, "confirm", password).status();
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : results) {
                statuses.add(f.get());
            }
            assertThat(statuses).as(statuses.toString()).containsOnly(303, 410);
            assertThat(statuses.stream().filter(s -> s == 303).count()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(api.status(id)).isEqualTo("ACTIVE");
        assertThat(tokens(id)).isZero();
    }

    private static String tokenHash(String userId) {
        return server.wiring().db.read(h -> h.createQuery("SELECT token_hash FROM user_tokens WHERE purpose = 'ACTIVATION' AND user_id = :u")
                .bind("u", userId).mapTo(String.class).findOne().orElse(null));
    }

    @Test
    void theConsoleAddsAPersonByActivationEmailAndResendsIt() {
        Browser admin = server.browser();
        assertThat(admin.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin").status()).isEqualTo(303);
        Http.Response form = admin.get("/admin/people/new");
        assertThat(form.body()).contains("Activate now and send an activation email").contains("Set password");
        String csrf = Browser.csrf(form);
        String login = login();
        Http.Response both = admin.post("/admin/people", "csrf", csrf, "firstName", "Mary", "lastName", "Jackson", "login", login,
                "email", login, "setup", "email", "password", NEW_PASSWORD, "activate", "on");
        assertThat(both.status()).as("an activation email and a typed password contradict").isEqualTo(400);
        assertThat(api.get("/api/v1/users/" + DirectoryClient.enc(login)).status()).isEqualTo(404);

        Http.Response added = admin.post("/admin/people", "csrf", csrf, "firstName", "Mary", "lastName", "Jackson", "login", login,
                "email", login, "setup", "email", "activate", "on");
        assertThat(added.status()).as(added.body()).isEqualTo(303);
        assertThat(added.header("Location")).endsWith("?notice=created-email");
        String id = userIdOf(login);
        assertThat(api.status(id)).isEqualTo("PROVISIONED");
        String firstHash = tokenHash(id);
        assertThat(firstHash).isNotNull();

        Http.Response page = admin.get("/admin/people/" + id);
        assertThat(page.body()).contains("Resend activation email");
        Http.Response forged = admin.post("/admin/people/" + id + "/activation");
        assertThat(forged.status()).isEqualTo(403);
        assertThat(tokenHash(id)).isEqualTo(firstHash);
        Http.Response resent = admin.post("/admin/people/" + id + "/activation", "csrf", Browser.csrf(page));
        assertThat(resent.status()).isEqualTo(303);
        assertThat(resent.header("Location")).endsWith("?notice=activation-sent");
        assertThat(tokenHash(id)).isNotNull().isNotEqualTo(firstHash);
        assertThat(admin.get(resent.header("Location")).body()).contains("Activation email sent");

        String stagedId = staged(login()).get("id").asText();
        Http.Response stagedPage = admin.get("/admin/people/" + stagedId);
        assertThat(stagedPage.body()).contains("Send activation email").doesNotContain("Resend activation email");
        assertThat(admin.post("/admin/people/" + stagedId + "/activation", "csrf", Browser.csrf(stagedPage)).status()).isEqualTo(303);
        assertThat(api.status(stagedId)).isEqualTo("PROVISIONED");
        assertThat(tokens(stagedId)).isEqualTo(1);
    }

    @Test
    void whereTheEnrollmentPolicyRequiresAnAuthenticatorTheWelcomeContinuesToItsEnrollment() {
        for (JsonNode a : api.get("/api/v1/authenticators").json()) {
            if (a.get("key").asText().equals("google_otp") && !a.get("status").asText().equals("ACTIVE")) {
                assertThat(api.post("/api/v1/authenticators/" + a.get("id").asText() + "/lifecycle/activate", "").status()).isEqualTo(200);
            }
        }
        String group = api.createGroup(unique("enrollers")).get("id").asText();
        Http.Response policy = api.post("/api/v1/policies", "{\"type\":\"MFA_ENROLL\",\"name\":\"Activation " + System.nanoTime()
                + "\",\"priority\":1,\"conditions\":{\"people\":{\"groups\":{\"include\":[\"" + group + "\"]}}},"
                + "\"settings\":{\"type\":\"AUTHENTICATORS\",\"authenticators\":[{\"key\":\"okta_password\",\"enroll\":{\"self\":\"REQUIRED\"}},"
                + "{\"key\":\"google_otp\",\"enroll\":{\"self\":\"REQUIRED\"}}]}}");
        assertThat(policy.status()).as(policy.body()).isEqualTo(200);
        String policyId = policy.json().get("id").asText();
        try {
            String login = login();
            Http.Response created = api.post("/api/v1/users?activate=false", "{\"profile\":{\"firstName\":\"Dorothy\",\"lastName\":\"Vaughan\","
                    + "\"email\":\"" + login + "\",\"login\":\"" + login + "\"},\"groupIds\":[\"" + group + "\"]}");
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            String id = created.json().get("id").asText();
            JsonNode activation = api.post("/api/v1/users/" + id + "/lifecycle/activate?sendEmail=false", "").json();
            String link = path(activation);
            Browser b = server.browser();
            String csrf = Browser.csrf(b.get(link));
            Http.Response done = b.post(link, "csrf", csrf, "password", NEW_PASSWORD, "confirm", NEW_PASSWORD);
            assertThat(done.status()).as(done.body()).isEqualTo(303);
            assertThat(done.header("Location")).isEqualTo("/signin/enroll?fromURI=%2F");
            Http.Response enroll = b.get(done.header("Location"));
            assertThat(enroll.status()).as(enroll.body()).isEqualTo(200);
            assertThat(enroll.body()).containsIgnoringCase("Google Authenticator");
        } finally {
            api.post("/api/v1/policies/" + policyId + "/lifecycle/deactivate", "");
        }
    }
}
