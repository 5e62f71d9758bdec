package dev.gatehouse.mail;

import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.People;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestMail;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.syslog.EventContext;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #19 attacked as an outsider would, with real requests against a real server (H2 and PostgreSQL) and a real SMTP
 * server (GreenMail): a link token of one purpose at another endpoint or with its case changed, framing, caching and
 * referrers of the token pages, CSRF on every new form (hosted pages and console), a profile name with CRLF and HTML in
 * an email's headers and body, two resets racing on one link, the expired-password form's return target, tokens in the
 * System Log and the outbox at rest, and odd input on every new endpoint (never a 500).
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class EmailAttackHttpTest {

    private static final String PASSWORD = "Correct-Horse-Battery-9";
    private static final String NEW_PASSWORD = "Fresh-Lantern-Quay-71";
    private static final String OTHER_PASSWORD = "Quiet-Harbour-Mosaic-58";

    /** Only the recovery families limited (as shipped per username); everything else off, as RecoveryHttpTest. */
    private static final String LIMITS = "recovery=1000,recovery-user=5,signin=0,signin-user=0,users=0,api=0,apps=0,app=0,logs=0,"
            + "sessions=0,authorize=0,token=0,oauth2=0,token-user=0,factor-user=0,console=0";

    @Parameter
    TestDatabase database;

    static TestMail mail;
    static TestServer server;
    static ApiClient api;
    static Browser admin;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        mail = TestMail.start();
        server = TestServer.start(database, mail, "--rate-limit-multiplier", "1", "--rate-limits", LIMITS);
        api = ApiClient.of(server);
        admin = server.browser();
        assertThat(admin.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin").status()).isEqualTo(303);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
        mail.close();
    }

    private static String unique(String prefix) {
        return prefix + "-" + System.nanoTime() + "@example.com";
    }

    private static String staged(String login) {
        Http.Response created = api.post("/api/v1/users?activate=false",
                "{\"profile\":{\"firstName\":\"S\",\"lastName\":\"P\",\"email\":\"" + login + "\",\"login\":\"" + login + "\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        return created.json().get("id").asText();
    }

    private static String activationToken(String userId) {
        Http.Response r = api.post("/api/v1/users/" + userId + "/lifecycle/activate?sendEmail=false", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("activationToken").asText();
    }

    private static String resetToken(String userId) {
        Http.Response r = api.post("/api/v1/users/" + userId + "/lifecycle/reset_password?sendEmail=false", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String url = r.json().get("resetPasswordUrl").asText();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private static String flipCase(String token) {
        StringBuilder b = new StringBuilder(token);
        for (int i = 0; i < b.length(); i++) {
            char c = b.charAt(i);
            if (Character.isLetter(c)) {
                b.setCharAt(i, Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
                return b.toString();
            }
        }
        throw new AssertionError("no letter in " + token);
    }

    // ---- tokens ----

    @Test
    void aTokenWorksOnlyForItsOwnPurposeAndExactly() {
        String activating = unique("act");
        String activatingId = staged(activating);
        String activation = activationToken(activatingId);
        String recovering = unique("rec");
        String recoveringId = People.create(server.http(), recovering, PASSWORD);
        String recovery = resetToken(recoveringId);
        Browser b = server.browser();

        // each at the other's pages: the invalid-link page, nothing shown of the user
        assertThat(b.get("/reset_password/" + activation).status()).isEqualTo(410);
        assertThat(b.get("/signin/reset-password/" + activation).header("Location")).isEqualTo("/reset_password/" + activation);
        assertThat(b.get("/welcome/" + recovery).status()).isEqualTo(410);
        assertThat(b.get("/tokens/" + recovery + "/verify").status()).isEqualTo(410);
        // a changed case, an extra or a missing character: not the token
        for (String t : List.of(flipCase(activation), activation + "a", activation.substring(1), activation.toLowerCase(),
                activation.toUpperCase())) {
            if (!t.equals(activation)) {
                assertThat(b.get("/welcome/" + t).status()).as(t).isEqualTo(410);
            }
        }
        for (String t : List.of(flipCase(recovery), recovery + "a", recovery.substring(1))) {
            assertThat(b.get("/reset_password/" + t).status()).as(t).isEqualTo(410);
        }
        // a post of the activation token to the reset form sets nothing
        Http.Response page = b.get("/signin/forgot-password");
        Http.Response posted = b.post("/reset_password/" + activation, "csrf", Browser.csrf(page), "password", NEW_PASSWORD,
                "confirm", NEW_PASSWORD);
        assertThat(posted.status()).isEqualTo(410);
        assertThat(api.get("/api/v1/users/" + activatingId).json().get("status").asText()).isEqualTo("PROVISIONED");
        // both still work where they belong
        assertThat(b.get("/welcome/" + activation).status()).isEqualTo(200);
        assertThat(b.get("/reset_password/" + recovery).status()).isEqualTo(200);
    }

    @Test
    void theTokenPagesAreNotFramedCachedOrReferred() {
        String login = unique("headers");
        String id = People.create(server.http(), login, PASSWORD);
        String recovery = resetToken(id);
        String activation = activationToken(staged(unique("headers-act")));
        for (String path : List.of("/signin/forgot-password", "/reset_password/" + recovery, "/welcome/" + activation,
                "/tokens/" + activation + "/verify", "/reset_password/NoSuchToken000000000", "/welcome/NoSuchToken000000000")) {
            Http.Response r = server.browser().get(path);
            assertThat(r.header("Referrer-Policy")).as(path).isEqualTo("no-referrer");
            assertThat(r.header("Content-Security-Policy")).as(path).contains("frame-ancestors 'none'");
            assertThat(r.header("X-Frame-Options")).as(path).isEqualTo("DENY");
        }
        // a page whose path holds a live token must not be kept by a shared cache or the browser's history cache
        for (String path : List.of("/reset_password/" + recovery, "/welcome/" + activation, "/tokens/" + activation + "/verify")) {
            Http.Response r = server.browser().get(path);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Cache-Control")).as(path).contains("no-store");
        }
    }

    @Test
    void twoResetsRacingOnOneLinkSetOnePassword() throws Exception {
        String login = unique("race");
        String id = People.create(server.http(), login, PASSWORD);
        String token = resetToken(id);
        long before = OAuthFlow.events(server, "user.account.update_password", "SUCCESS");
        Browser one = server.browser();
        Browser two = server.browser();
        String csrfOne = Browser.csrf(one.get("/reset_password/" + token));
        String csrfTwo = Browser.csrf(two.get("/reset_password/" + token));
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Http.Response> a = CompletableFuture.supplyAsync(() -> {
            await(go);
            return one.post("/reset_password/" + token, "csrf", csrfOne, "password", NEW_PASSWORD, "confirm", NEW_PASSWORD);
        });
        CompletableFuture<Http.Response> b = CompletableFuture.supplyAsync(() -> {
            await(go);
            return two.post("/reset_password/" + token, "csrf", csrfTwo, "password", OTHER_PASSWORD, "confirm", OTHER_PASSWORD);
        });
        go.countDown();
        List<Integer> statuses = List.of(a.get().status(), b.get().status());
        assertThat(statuses).containsExactlyInAnyOrder(303, 410);
        assertThat(OAuthFlow.events(server, "user.account.update_password", "SUCCESS") - before).isEqualTo(1);
        String winner = a.get().status() == 303 ? NEW_PASSWORD : OTHER_PASSWORD;
        String loser = winner.equals(NEW_PASSWORD) ? OTHER_PASSWORD : NEW_PASSWORD;
        assertThat(server.browser().signIn(login, winner, "/").status()).isEqualTo(303);
        assertThat(server.browser().signIn(login, loser, "/").status()).isNotEqualTo(303);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void noTokenInTheSystemLogNorInTheOutboxAtRest() {
        String login = unique("rest");
        String id = People.create(server.http(), login, PASSWORD);
        Browser b = server.browser();
        Http.Response form = b.get("/signin/forgot-password");
        assertThat(b.post("/signin/forgot-password", "csrf", Browser.csrf(form), "username", login).status()).isEqualTo(200);
        MimeMessage m = mail.awaitOne(login);
        String link = TestMail.firstLink(m);
        String token = link.substring(link.lastIndexOf('/') + 1);
        // used well and badly: a GET, a bad post, a good one
        assertThat(b.get(link.substring(server.url().length())).status()).isEqualTo(200);
        assertThat(b.post("/reset_password/" + token, "csrf", Browser.csrf(form), "password", "x", "confirm", "y").status()).isEqualTo(400);
        assertThat(b.post("/reset_password/" + flipCase(token), "csrf", Browser.csrf(form), "password", "x", "confirm", "x").status())
                .isEqualTo(410);
        Http.Response page = b.get("/reset_password/" + token);
        assertThat(b.post("/reset_password/" + token, "csrf", Browser.csrf(page), "password", NEW_PASSWORD, "confirm", NEW_PASSWORD)
                .status()).isEqualTo(303);
        String logs = api.get("/api/v1/logs?limit=1000").body();
        assertThat(logs).doesNotContain(token).doesNotContain(flipCase(token));
        String rows = server.wiring().db.read(h -> h.createQuery("SELECT * FROM system_log_events").mapToMap().list().toString());
        assertThat(rows).doesNotContain(token).doesNotContain(flipCase(token));
        String outbox = server.wiring().db.read(h -> h.createQuery("SELECT * FROM mail_outbox").mapToMap().list().toString());
        assertThat(outbox).doesNotContain(token);
        String tokens = server.wiring().db.read(h -> h.createQuery("SELECT * FROM user_tokens").mapToMap().list().toString());
        assertThat(tokens).doesNotContain(token);
        assertThat(id).isNotBlank();
    }

    /**
     * A password set another way (an admin's new password through the API, expire_password_with_temp_password) ends the
     * reset link a "Forgot password?" sent earlier: an admin who answers a compromise with a new password must not leave a
     * link alive that sets another one (and signs in) for the rest of its hour.
     */
    @Test
    void aPasswordSetAnotherWayEndsThePendingResetLink() {
        for (String how : List.of("api", "temp")) {
            String login = unique("other-way-" + how);
            String id = People.create(server.http(), login, PASSWORD);
            Browser b = server.browser();
            Http.Response form = b.get("/signin/forgot-password");
            assertThat(b.post("/signin/forgot-password", "csrf", Browser.csrf(form), "username", login).status()).isEqualTo(200);
            String link = TestMail.firstLink(mail.awaitOne(login)).substring(server.url().length());
            assertThat(b.get(link).status()).isEqualTo(200);
            Http.Response set = how.equals("api")
                    ? api.post("/api/v1/users/" + id, "{\"credentials\":{\"password\":{\"value\":\"" + OTHER_PASSWORD + "\"}}}")
                    : api.post("/api/v1/users/" + id + "/lifecycle/expire_password_with_temp_password", null);
            assertThat(set.status()).as(set.body()).isEqualTo(200);
            assertThat(b.get(link).status()).as(how).isEqualTo(410);
            Http.Response page = b.get("/signin/forgot-password");
            Http.Response used = b.post(link, "csrf", Browser.csrf(page), "password", NEW_PASSWORD, "confirm", NEW_PASSWORD);
            assertThat(used.status()).as(how).isEqualTo(410);
            assertThat(server.browser().signIn(login, NEW_PASSWORD, "/").status()).as(how).isNotEqualTo(303);
        }
    }

    /** Status, headers and page alike for an ACTIVE, a SUSPENDED, a DEPROVISIONED, a STAGED and an unknown login. */
    @Test
    void forgotPasswordAnswersAlikeInStatusHeadersAndPage() {
        String active = unique("alike-a");
        People.create(server.http(), active, PASSWORD);
        String suspended = unique("alike-s");
        String suspendedId = People.create(server.http(), suspended, PASSWORD);
        assertThat(api.post("/api/v1/users/" + suspendedId + "/lifecycle/suspend", null).status()).isEqualTo(200);
        String gone = unique("alike-d");
        String goneId = People.create(server.http(), gone, PASSWORD);
        assertThat(api.post("/api/v1/users/" + goneId + "/lifecycle/deactivate", null).status()).isEqualTo(200);
        String staged = unique("alike-t");
        staged(staged);
        String unknown = unique("alike-u");
        Map<String, List<String>> first = null;
        String firstBody = null;
        for (String login : List.of(active, suspended, gone, staged, unknown)) {
            Browser b = server.browser();
            Http.Response form = b.get("/signin/forgot-password");
            Http.Response r = b.post("/signin/forgot-password", "csrf", Browser.csrf(form), "username", login);
            assertThat(r.status()).as(login).isEqualTo(200);
            Map<String, List<String>> headers = new java.util.TreeMap<>(r.headers().map());
            // what differs per request whatever the login: the date, the length (the echoed login), the request id, and
            // the per-client counter (the per-login bucket is not shown, and counts unknown logins alike)
            headers.keySet().removeAll(List.of("date", "content-length", "x-okta-request-id", "x-rate-limit-remaining",
                    "x-rate-limit-reset"));
            String body = r.body().replace(login, "{username}").replaceAll("name=\"csrf\" value=\"[^\"]*\"", "");
            assertThat(body).doesNotContain(login);
            if (first == null) {
                first = headers;
                firstBody = body;
            } else {
                assertThat(headers).as(login).isEqualTo(first);
                assertThat(body).as(login).isEqualTo(firstBody);
            }
        }
        assertThat(mail.awaitOne(active)).isNotNull();
        assertThat(mail.messagesTo(suspended)).isEmpty();
        assertThat(mail.messagesTo(gone)).isEmpty();
        assertThat(mail.messagesTo(staged)).isEmpty();
    }

    /** The invalid-link pages do not echo the token they were given. */
    @Test
    void anInvalidLinkPageDoesNotEchoItsToken() {
        String token = "Zq0" + Long.toString(System.nanoTime(), 36).toUpperCase() + "xYz0000000";
        token = token.substring(0, 20);
        for (String path : List.of("/reset_password/" + token, "/welcome/" + token, "/tokens/" + token + "/verify",
                "/signin/email-verify/" + token)) {
            Http.Response r = server.browser().get(path);
            assertThat(r.status()).as(path).isLessThan(500);
            assertThat(r.body()).as(path).doesNotContain(token);
            assertThat(String.valueOf(r.header("Location"))).as(path).doesNotContain(token);
        }
    }

    /**
     * A suspension ends the user's reset link: unsuspended within the link's hour, the person must ask again (before, the
     * link sent before the suspension worked again once the user was ACTIVE).
     */
    @Test
    void aSuspensionEndsThePendingResetLink() {
        String login = unique("suspended-link");
        String id = People.create(server.http(), login, PASSWORD);
        Browser b = server.browser();
        Http.Response form = b.get("/signin/forgot-password");
        assertThat(b.post("/signin/forgot-password", "csrf", Browser.csrf(form), "username", login).status()).isEqualTo(200);
        String link = TestMail.firstLink(mail.awaitOne(login)).substring(server.url().length());
        assertThat(b.get(link).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/users/" + id + "/lifecycle/suspend", null).status()).isEqualTo(200);
        assertThat(b.get(link).status()).isEqualTo(410);
        assertThat(api.post("/api/v1/users/" + id + "/lifecycle/unsuspend", null).status()).isEqualTo(200);
        assertThat(b.get(link).status()).isEqualTo(410);
        Http.Response page = b.get("/signin/forgot-password");
        assertThat(b.post(link, "csrf", Browser.csrf(page), "password", NEW_PASSWORD, "confirm", NEW_PASSWORD).status()).isEqualTo(410);
    }

    // ---- CSRF ----

    @Test
    void everyNewHostedFormRefusesAPostWithoutItsCsrfToken() {
        String login = unique("csrf");
        String id = People.create(server.http(), login, PASSWORD);
        String recovery = resetToken(id);
        String activatingId = staged(unique("csrf-act"));
        String activation = activationToken(activatingId);
        Browser b = server.browser();
        b.get("/signin/forgot-password");   // a pre-session cookie, as a victim's browser has
        for (String path : List.of("/signin/forgot-password", "/reset_password/" + recovery, "/reset_password/" + recovery + "/verify",
                "/welcome/" + activation, "/tokens/" + activation + "/verify", "/signin/password-expired")) {
            for (String csrf : List.of("", "forged")) {
                Http.Response r = b.post(path, "csrf", csrf, "username", login, "password", NEW_PASSWORD, "confirm", NEW_PASSWORD,
                        "factorId", "x", "passCode", "123456", "state", "x");
                assertThat(r.status()).as(path + " " + r.body()).isEqualTo(403);
            }
        }
        assertThat(api.get("/api/v1/users/" + id).json().get("status").asText()).isEqualTo("RECOVERY");
        assertThat(api.get("/api/v1/users/" + activatingId).json().get("status").asText()).isEqualTo("PROVISIONED");
        assertThat(b.get("/reset_password/" + recovery).status()).isEqualTo(200);
        assertThat(b.get("/welcome/" + activation).status()).isEqualTo(200);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM user_tokens WHERE purpose = 'RECOVERY' AND user_id = '" + id + "'"))
                .isEqualTo(1);
        assertThat(mail.messagesTo(login)).isEmpty();
    }

    @Test
    void everyNewConsoleFormRefusesAPostWithoutItsCsrfToken() {
        String login = unique("console-csrf");
        String id = People.create(server.http(), login, PASSWORD);
        String stagedId = staged(unique("console-csrf-act"));
        long outbox = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM mail_outbox");
        for (String path : List.of("/admin/people/" + id + "/password/email", "/admin/people/" + id + "/password/expire",
                "/admin/people/" + stagedId + "/activation", "/admin/settings/emails/templates/ForgotPassword")) {
            Http.Response r = admin.post(path, "csrf", "forged", "action", "save", "subject", "Hacked", "text", "t", "html", "<p>h</p>");
            assertThat(r.status()).as(path).isEqualTo(403);
            Http.Response none = admin.post(path, "action", "reset");
            assertThat(none.status()).as(path).isEqualTo(403);
        }
        assertThat(api.get("/api/v1/users/" + id).json().get("status").asText()).isEqualTo("ACTIVE");
        assertThat(api.get("/api/v1/users/" + stagedId).json().get("status").asText()).isEqualTo("STAGED");
        assertThat(server.wiring().mailTemplates.edited(EmailTemplate.ForgotPassword)).isFalse();
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM mail_outbox")).isEqualTo(outbox);
    }

    // ---- injection ----

    @Test
    void aProfileNameWithLineBreaksAndHtmlNeitherAddsHeadersNorMarkup() throws Exception {
        String login = unique("inject");
        String spy = unique("spy");
        String body = "{\"profile\":{\"firstName\":\"Eve\\r\\nBcc: " + spy + "\\r\\nX-Evil: 1\",\"lastName\":\"<script>alert(1)</script>\","
                + "\"email\":\"" + login + "\",\"login\":\"" + login + "\"},\"credentials\":{\"password\":{\"value\":\"" + PASSWORD + "\"}}}";
        Http.Response created = api.post("/api/v1/users?activate=true", body);
        if (created.status() != 200) {
            // refusing such a name is a fine answer too (Okta's format, not a 500)
            assertThat(created.status()).as(created.body()).isEqualTo(400);
            return;
        }
        // the admin lets the name reach a header: the subject
        server.wiring().mailTemplates.save(EventContext.system("test"), EmailTemplate.ForgotPassword, new Templates.Text(
                "Reset for ${user.profile.firstName} ${user.profile.lastName}", "Hi ${user.profile.firstName} ${resetPasswordLink}",
                "<p>Hi ${user.profile.firstName} ${user.profile.lastName}</p><a href=\"${resetPasswordLink}\">x</a>"));
        try {
            Browser b = server.browser();
            Http.Response form = b.get("/signin/forgot-password");
            assertThat(b.post("/signin/forgot-password", "csrf", Browser.csrf(form), "username", login).status()).isEqualTo(200);
            MimeMessage m = mail.awaitOne(login);
            List<String> recipients = new ArrayList<>();
            for (Address a : m.getAllRecipients()) {
                recipients.add(((jakarta.mail.internet.InternetAddress) a).getAddress());
            }
            assertThat(recipients).containsExactly(login);
            assertThat(m.getHeader("Bcc")).isNull();
            assertThat(m.getHeader("X-Evil")).isNull();
            assertThat(TestMail.subject(m)).doesNotContain("\n").doesNotContain("\r");
            assertThat(TestMail.html(m)).doesNotContain("<script>").contains("&lt;script&gt;");
            Thread.sleep(500);
            assertThat(mail.messagesTo(spy)).isEmpty();
        } finally {
            server.wiring().mailTemplates.reset(EventContext.system("test"), EmailTemplate.ForgotPassword);
        }
    }

    @Test
    void theExpiredPasswordFormDoesNotRedirectOffSite() {
        String login = unique("expired");
        String id = People.create(server.http(), login, PASSWORD);
        assertThat(api.post("/api/v1/users/" + id + "/lifecycle/expire_password", null).status()).isEqualTo(200);
        Browser b = server.browser();
        Http.Response expired = b.signIn(login, PASSWORD, "/");
        assertThat(expired.status()).as(expired.body()).isEqualTo(200);
        java.util.regex.Matcher state = java.util.regex.Pattern.compile("name=\"state\" value=\"([^\"]+)\"").matcher(expired.body());
        assertThat(state.find()).isTrue();
        Http.Response done = b.post("/signin/password-expired", "csrf", Browser.csrf(expired), "state", state.group(1),
                "fromURI", "https://evil.example/steal", "password", NEW_PASSWORD, "confirm", NEW_PASSWORD);
        assertThat(done.status()).as(done.body()).isIn(200, 303);
        assertThat(String.valueOf(done.header("Location"))).doesNotContain("evil.example");
        assertThat(done.body()).doesNotContain("https://evil.example/steal\"");
    }

    // ---- never a 500 ----

    @Test
    void oddInputOnEveryNewEndpointIsNeverAServerError() {
        String login = unique("odd");
        String id = People.create(server.http(), login, PASSWORD);
        String recovery = resetToken(id);
        String big = "A".repeat(70_000);
        List<String> tokens = List.of("%00", "%0d%0aX-Evil:%201", "%C0%AE%C0%AE", "..%2F..%2Fadmin", "a".repeat(5000), "%F0%9F%98%80",
                recovery + "%00", recovery + ";jsessionid=1", recovery.toLowerCase(), "%25");
        List<String> failures = new ArrayList<>();
        Browser b = server.browser();
        String csrf = Browser.csrf(b.get("/signin/forgot-password"));
        for (String t : tokens) {
            for (String path : List.of("/reset_password/" + t, "/signin/reset-password/" + t, "/welcome/" + t, "/tokens/" + t + "/verify",
                    "/signin/email-verify/" + t, "/reset_password/" + t + "/verify")) {
                check(failures, "GET " + path, () -> b.get(path));
                // A POST with %00 in its path is refused by Jetty before any route (400, connection closed while the body is
                // unread: the client may see the connection end instead); that is the HTTP layer's, not these pages'.
                if (!t.contains("%00")) {
                    check(failures, "POST " + path, () -> b.post(path, "csrf", csrf, "password", NEW_PASSWORD, "confirm", NEW_PASSWORD));
                }
            }
        }
        for (String username : List.of("a\r\nb", "\u0000", " ", "x".repeat(300), big, "\uD800", "admin@gatehouse.test\u0000", "%00",
                "${org.name}", "<script>")) {
            check(failures, "forgot " + username.length(), () -> b.post("/signin/forgot-password", "csrf", csrf, "username", username));
        }
        for (String[] fields : List.<String[]>of(new String[]{"password", big, "confirm", big}, new String[]{"password", NEW_PASSWORD},
                new String[]{}, new String[]{"password", "\u0000", "confirm", "\u0000"},
                new String[]{"factorId", big, "passCode", big}, new String[]{"factorId", "x", "passCode", "\u0000"})) {
            List<String> all = new ArrayList<>(List.of("csrf", csrf));
            all.addAll(Arrays.asList(fields));
            check(failures, "reset " + fields.length, () -> b.post("/reset_password/" + recovery, all.toArray(String[]::new)));
            check(failures, "reset/verify " + fields.length, () -> b.post("/reset_password/" + recovery + "/verify", all.toArray(String[]::new)));
            List<String> expired = new ArrayList<>(all);
            expired.addAll(List.of("state", big.substring(0, 3000), "fromURI", "javascript:alert(1)"));
            check(failures, "expired " + fields.length, () -> b.post("/signin/password-expired", expired.toArray(String[]::new)));
        }
        check(failures, "forgot hint", () -> b.get("/signin/forgot-password?username=" + "x".repeat(4000)));
        assertThat(failures).isEmpty();
        assertThat(b.get("/reset_password/" + recovery).status()).as("the link survived").isEqualTo(200);
    }

    private static void check(List<String> failures, String what, java.util.function.Supplier<Http.Response> request) {
        String shown = what.substring(0, Math.min(120, what.length()));
        try {
            Http.Response r = request.get();
            if (r.status() >= 500) {
                failures.add(shown + " -> " + r.status() + " " + r.body().substring(0, Math.min(200, r.body().length())));
            }
        } catch (RuntimeException | AssertionError e) {
            failures.add(shown + " -> " + e);
        }
    }

    @Test
    void theOutboxRowsOfAForgotPasswordFloodAreBounded() {
        String login = unique("flood");
        People.create(server.http(), login, PASSWORD);
        long before = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM mail_outbox WHERE recipient = '" + login + "'");
        Browser b = server.browser();
        String csrf = Browser.csrf(b.get("/signin/forgot-password"));
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            // variants of one login: one bucket, as sign-in's
            String variant = i % 3 == 0 ? login : i % 3 == 1 ? login.toUpperCase() : "  " + login + " ";
            statuses.add(b.post("/signin/forgot-password", "csrf", csrf, "username", variant).status());
        }
        long queued = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM mail_outbox WHERE recipient = '" + login + "'") - before;
        assertThat(statuses).contains(429);
        assertThat(queued).isLessThanOrEqualTo(5);
    }
}
