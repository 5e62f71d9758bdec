package dev.gatehouse.authn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.mfa.Totp;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestMail;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.gatehouse.authn.AuthnClient.AUTHN;
import static dev.gatehouse.authn.AuthnClient.PASSWORD;
import static dev.gatehouse.support.ApiClient.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outside review of issue #20's surface (the Authentication API, sessionTokens, the Sessions API by id), tried as an
 * attacker would: forged, replayed, out-of-order, concurrent, cross-user and cross-origin calls, odd bodies, and limits.
 * Each test named after a finding failed before its fix; the others keep what already held.
 */
class AuthnAttackHttpTest {

    static TestMail mail;
    static TestServer server;
    static AuthnClient authn;
    static ApiClient admin;

    @BeforeAll
    static void start() {
        mail = TestMail.start();
        server = TestServer.start(TestDatabase.H2, mail);
        authn = new AuthnClient(server);
        admin = authn.admin;
        authn.googleOtpActive();
        emailOffered();
    }

    @AfterAll
    static void stop() {
        server.close();
        mail.close();
    }

    // ---- helpers ----

    /** okta_email ACTIVE and OPTIONAL in the default enrollment policy (so MFA_ENROLL offers it). */
    static void emailOffered() {
        for (JsonNode a : ok(admin.get("/api/v1/authenticators"))) {
            if (a.get("key").asText().equals("okta_email") && !a.get("status").asText().equals("ACTIVE")) {
                ok(admin.post("/api/v1/authenticators/" + a.get("id").asText() + "/lifecycle/activate", null));
            }
        }
        for (JsonNode p : ok(admin.get("/api/v1/policies?type=MFA_ENROLL"))) {
            if (!p.get("system").asBoolean()) {
                continue;
            }
            ObjectNode body = new ObjectMapper().createObjectNode();
            body.put("type", "MFA_ENROLL").put("name", p.get("name").asText());
            ArrayNode list = body.putObject("settings").put("type", "AUTHENTICATORS").putArray("authenticators");
            for (JsonNode a : p.at("/settings/authenticators")) {
                String k = a.get("key").asText();
                list.addObject().put("key", k).putObject("enroll").put("self", k.equals("okta_email") ? "OPTIONAL" : a.at("/enroll/self").asText());
            }
            ok(admin.put("/api/v1/policies/" + p.get("id").asText(), body.toString()));
        }
    }

    static JsonNode signIn(AuthnClient.Person p) {
        Http.Response r = authn.primary(p.login(), PASSWORD);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static String state(String stateToken, String more) {
        return "{\"stateToken\":\"" + stateToken + "\"" + (more == null ? "" : "," + more) + "}";
    }

    static String verifyPath(String factorId) {
        return AUTHN + "/factors/" + factorId + "/verify";
    }

    static void assertError(Http.Response r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("errorCode").asText()).as(r.body()).isEqualTo(code);
    }

    static List<JsonNode> factorsOf(String userId) {
        List<JsonNode> out = new ArrayList<>();
        ok(admin.get("/api/v1/users/" + userId + "/factors")).forEach(out::add);
        return out;
    }

    static String emailFactorActive(AuthnClient.Person p) {
        return ok(admin.post("/api/v1/users/" + p.id() + "/factors?activate=true", "{\"factorType\":\"email\",\"provider\":\"OKTA\"}"))
                .get("id").asText();
    }

    static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");

    static String newestCode(AuthnClient.Person p, int n) {
        String text = TestMail.text(mail.awaitMessages(p.login(), n).get(n - 1));
        Matcher m = CODE.matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }

    static <T> List<T> atOnce(List<Callable<T>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> c : calls) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return c.call();
                }));
            }
            go.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** A GET outside the schema-checking client (the QR link is a PNG Okta's management spec does not describe). */
    static int raw(String path) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    // ---- findings ----

    /**
     * Finding 1: an MFA_ENROLL step begun while the person had no factor stayed open to enrollment after they set one up
     * (and `previous`/`enroll` kept it alive indefinitely): someone with only the password could add their own factor
     * (here email; equally a security key of their own) without ever proving the factor the person now has.
     */
    @Test
    void aStaleEnrollStepCannotAddAFactorOnceThePersonHasOne() {
        AuthnClient.Person p = authn.person();
        String policy = authn.requireFactorFor(p.id());
        try {
            JsonNode first = signIn(p);
            assertThat(first.get("status").asText()).isEqualTo("MFA_ENROLL");
            String st = first.get("stateToken").asText();
            // Meanwhile the person sets up Google Authenticator (e.g. on the hosted pages).
            authn.totp(p);
            Http.Response enroll = authn.post(AUTHN + "/factors", state(st, "\"factorType\":\"email\",\"provider\":\"OKTA\""));
            assertError(enroll, 403, "E0000079");
            assertThat(factorsOf(p.id())).extracting(f -> f.get("factorType").asText()).containsExactly("token:software:totp");
            // The transaction now asks for the factor the person has.
            Http.Response now = authn.post(AUTHN, state(st, null));
            assertThat(now.json().get("status").asText()).as(now.body()).isEqualTo("MFA_REQUIRED");
        } finally {
            authn.deactivatePolicy(policy);
        }
    }

    /** Finding 1, the activation side: a factor enrolled in the stale step cannot be activated once the person has another. */
    @Test
    void aFactorEnrolledInAStaleStepCannotBeActivatedOnceThePersonHasAnother() {
        AuthnClient.Person p = authn.person();
        String policy = authn.requireFactorFor(p.id());
        try {
            String st = signIn(p).get("stateToken").asText();
            Http.Response enroll = authn.post(AUTHN + "/factors", state(st, "\"factorType\":\"email\",\"provider\":\"OKTA\""));
            assertThat(enroll.json().get("status").asText()).as(enroll.body()).isEqualTo("MFA_ENROLL_ACTIVATE");
            String pending = enroll.json().at("/_embedded/factor/id").asText();
            String code = newestCode(p, 1);
            authn.totp(p);   // the person's own factor, set up meanwhile
            Http.Response activate = authn.post(AUTHN + "/factors/" + pending + "/lifecycle/activate", state(st, "\"passCode\":\"" + code + "\""));
            assertError(activate, 403, "E0000079");
            assertThat(factorsOf(p.id())).filteredOn(f -> f.get("status").asText().equals("ACTIVE"))
                    .extracting(f -> f.get("factorType").asText()).containsExactly("token:software:totp");
        } finally {
            authn.deactivatePolicy(policy);
        }
    }

    /**
     * Finding 2: a RECOVERY transaction offers only TOTP and security keys (the reset link came by email), but verify
     * accepted any usable factor, so an email code (read in the same mailbox as the link) passed the step that the
     * person's authenticator app should guard.
     */
    @Test
    void anEmailCodeCannotVerifyAPasswordReset() {
        AuthnClient.Person p = authn.person();
        authn.totp(p);
        String email = emailFactorActive(p);
        // An email code is sent (any reason: here the Factors API's challenge), and the reset link too: one mailbox.
        ok(admin.post("/api/v1/users/" + p.id() + "/factors/" + email + "/verify", null));
        String code = newestCode(p, 1);
        // "Forgot password?" (self-service: the person stays ACTIVE): the link comes to the same mailbox.
        assertThat(authn.post(AUTHN + "/recovery/password", "{\"username\":\"" + p.login() + "\",\"factorType\":\"EMAIL\"}").status())
                .isEqualTo(200);
        String text = TestMail.text(mail.awaitMessages(p.login(), 2).get(1));
        Matcher link = Pattern.compile("/(?:reset_password|signin/reset-password)/([A-Za-z0-9]+)").matcher(text);
        assertThat(link.find()).as(text).isTrue();
        String recoveryToken = link.group(1);
        Http.Response t = authn.post(AUTHN + "/recovery/token", "{\"recoveryToken\":\"" + recoveryToken + "\"}");
        assertThat(t.json().get("status").asText()).as(t.body()).isEqualTo("MFA_REQUIRED");
        assertThat(t.json().at("/_embedded/factors").findValuesAsText("factorType")).containsExactly("token:software:totp");
        String st = t.json().get("stateToken").asText();
        Http.Response verify = authn.post(verifyPath(email), state(st, "\"passCode\":\"" + code + "\""));
        assertError(verify, 404, "E0000007");
        assertThat(authn.post(AUTHN, state(st, null)).json().get("status").asText()).isEqualTo("MFA_REQUIRED");
    }

    /**
     * Finding 3: each email enroll made a new pending factor and mailed it at once, with no wait, so an enroll/previous
     * loop with only the password mailed the person without limit (measured: 30 emails in 2.1 s). Now an enrollment
     * mailed within the resend wait is taken up again.
     */
    @Test
    void anEnrollPreviousLoopDoesNotFloodThePersonsMailbox() {
        AuthnClient.Person p = authn.person();
        String policy = authn.requireFactorFor(p.id());
        try {
            String st = signIn(p).get("stateToken").asText();
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (int i = 0; i < 10; i++) {
                Http.Response e = authn.post(AUTHN + "/factors", state(st, "\"factorType\":\"email\",\"provider\":\"OKTA\""));
                assertThat(e.status()).as(e.body()).isEqualTo(200);
                ids.add(e.json().at("/_embedded/factor/id").asText());
                assertThat(authn.post(AUTHN + "/previous", state(st, null)).status()).isEqualTo(200);
            }
            assertThat(ids).hasSize(1);
            assertThat(emailsSent(p)).isEqualTo(1);
            server.clock.advance(java.time.Duration.ofSeconds(6));
            Http.Response later = authn.post(AUTHN + "/factors", state(st, "\"factorType\":\"email\",\"provider\":\"OKTA\""));
            assertThat(later.status()).as(later.body()).isEqualTo(200);
            assertThat(emailsSent(p)).isEqualTo(2);
            // The code of the one email activates the factor the step shows.
            String code = newestCode(p, 2);
            Http.Response done = authn.post(AUTHN + "/factors/" + later.json().at("/_embedded/factor/id").asText() + "/lifecycle/activate",
                    state(st, "\"passCode\":\"" + code + "\""));
            assertThat(done.json().get("status").asText()).as(done.body()).isEqualTo("SUCCESS");
        } finally {
            authn.deactivatePolicy(policy);
        }
    }

    /** However often a step is moved on, a transaction ends an hour after it began (Authn.MAX_AGE). */
    @Test
    void aTransactionMovedOnForEverStillEndsAnHourAfterItBegan() {
        AuthnClient.Person p = authn.person();
        String policy = authn.requireFactorFor(p.id());
        try {
            String st = signIn(p).get("stateToken").asText();
            Http.Response last = null;
            for (int i = 0; i < 16; i++) {   // 16 moves, 4 minutes apart: 64 minutes, each within the 5-minute window
                server.clock.advance(java.time.Duration.ofMinutes(4));
                last = authn.post(AUTHN + "/factors", state(st, "\"factorType\":\"email\",\"provider\":\"OKTA\""));
                if (last.status() != 200) {
                    break;
                }
                assertThat(authn.post(AUTHN + "/previous", state(st, null)).status()).isEqualTo(200);
            }
            assertThat(last.status()).as(last.body()).isEqualTo(401);
            assertThat(last.json().get("errorCode").asText()).isEqualTo("E0000011");
        } finally {
            authn.deactivatePolicy(policy);
        }
    }

    /** Unredeemed sessionTokens are capped per user: the eleventh ends the first (SessionTokenStore.MAX_PER_USER). */
    @Test
    void aUserHoldsAtMostTenUnredeemedSessionTokens() {
        AuthnClient.Person p = authn.person();
        java.util.List<String> tokens = new java.util.ArrayList<>();
        for (int i = 0; i < 11; i++) {
            tokens.add(signIn(p).get("sessionToken").asText());
            server.clock.advance(java.time.Duration.ofMillis(300));
        }
        long rows = server.wiring().db.read(h -> h.createQuery("SELECT COUNT(*) FROM session_tokens WHERE user_id = :u")
                .bind("u", p.id()).mapTo(Long.class).one());
        assertThat(rows).isEqualTo(10);
        Http.Response first = admin.post("/api/v1/sessions", "{\"sessionToken\":\"" + tokens.getFirst() + "\"}");
        assertThat(first.status()).isEqualTo(401);
        Http.Response newest = admin.post("/api/v1/sessions", "{\"sessionToken\":\"" + tokens.getLast() + "\"}");
        assertThat(newest.status()).as(newest.body()).isEqualTo(200);
    }

    static long emailsSent(AuthnClient.Person p) {
        JsonNode events = ok(admin.get("/api/v1/logs?limit=1000&filter=" + java.net.URLEncoder.encode(
                "eventType eq \"system.email.send_factor_verify_message\"", java.nio.charset.StandardCharsets.UTF_8)));
        long n = 0;
        for (JsonNode e : events) {
            for (JsonNode t : e.path("target")) {
                n += t.path("id").asText().equals(p.id()) ? 1 : 0;
            }
        }
        return n;
    }

    /**
     * Finding 4: removing a person's factor (a stolen phone) makes their sessions forget it, but an unredeemed sessionToken
     * earned with it still became a session with mfa, and a transaction that verified it went on.
     */
    @Test
    void removingAFactorAlsoVoidsWhatItProvedInTokensAndTransactions() {
        AuthnClient.Person p = authn.person();
        AuthnClient.Factor f = authn.totp(p);
        String policy = authn.requireFactorFor(p.id());
        try {
            String st = signIn(p).get("stateToken").asText();
            Http.Response ok = authn.post(verifyPath(f.id()), state(st, "\"passCode\":\"" + authn.code(f.seed()) + "\""));
            String token = ok.json().get("sessionToken").asText();
            String pending = signIn(p).get("stateToken").asText();
            assertThat(admin.send("DELETE", "/api/v1/users/" + p.id() + "/factors/" + f.id(), null).status()).isEqualTo(204);
            JsonNode s = ok(admin.post("/api/v1/sessions", "{\"sessionToken\":\"" + token + "\"}"));
            assertThat(s.get("amr").toString()).isEqualTo("[\"pwd\"]");
            assertThat(s.get("lastFactorVerification").isNull()).isTrue();
            assertError(authn.post(AUTHN, state(pending, null)), 401, "E0000011");
        } finally {
            authn.deactivatePolicy(policy);
        }
    }

    // ---- what held ----

    @Test
    void stateTokensAreNotGuessableTransferableOrReusable() {
        AuthnClient.Person a = authn.person();
        AuthnClient.Person b = authn.person();
        AuthnClient.Factor fa = authn.totp(a);
        AuthnClient.Factor fb = authn.totp(b);
        String policy = authn.requireFactorFor(a.id(), b.id());
        try {
            String st = signIn(a).get("stateToken").asText();
            // Forged: one letter changed, a different shape, another prefix.
            String forged = st.substring(0, st.length() - 1) + (st.endsWith("A") ? "B" : "A");
            for (String s : List.of(forged, "00" + "A".repeat(40), st.substring(2), st + "x", st.toLowerCase())) {
                if (!s.equals(st)) {
                    assertError(authn.post(AUTHN, state(s, null)), 401, "E0000011");
                }
            }
            // Another user's factor, with a's transaction: not found, and b's right code is not spent.
            assertError(authn.post(verifyPath(fb.id()), state(st, "\"passCode\":\"" + authn.code(fb.seed()) + "\"")), 404, "E0000007");
            // Out of order: enroll and activate while MFA_REQUIRED; an unknown 10 KB-ish factor id.
            assertError(authn.post(AUTHN + "/factors", state(st, "\"factorType\":\"email\",\"provider\":\"OKTA\"")), 403, "E0000079");
            assertError(authn.post(AUTHN + "/factors/" + fa.id() + "/lifecycle/activate", state(st, "\"passCode\":\"123456\"")), 403, "E0000079");
            assertError(authn.post(verifyPath("x".repeat(4000)), state(st, "\"passCode\":\"123456\"")), 404, "E0000007");
            assertError(authn.post(AUTHN + "/credentials/reset_password", state(st, "\"newPassword\":\"Another-Horse-77\"")), 403, "E0000079");
            // Skipping the factor with the password again: a new transaction that asks for the factor again.
            Http.Response again = authn.post(AUTHN, "{\"stateToken\":\"" + st + "\",\"username\":\"" + a.login() + "\",\"password\":\"" + PASSWORD + "\"}");
            assertThat(again.json().get("status").asText()).isEqualTo("MFA_REQUIRED");
            assertThat(again.json().has("sessionToken")).isFalse();
            // The right code: SUCCESS once; the stateToken is then dead (replay with a later code too).
            Http.Response ok = authn.post(verifyPath(fa.id()), state(st, "\"passCode\":\"" + authn.code(fa.seed()) + "\""));
            assertThat(ok.json().get("status").asText()).as(ok.body()).isEqualTo("SUCCESS");
            authn.nextStep();
            assertError(authn.post(verifyPath(fa.id()), state(st, "\"passCode\":\"" + authn.code(fa.seed()) + "\"")), 401, "E0000011");
            assertError(authn.post(AUTHN + "/cancel", state(st, null)), 401, "E0000011");
            // Cancelled: dead.
            String other = again.json().get("stateToken").asText();
            assertThat(authn.post(AUTHN + "/cancel", state(other, null)).status()).isEqualTo(200);
            assertError(authn.post(verifyPath(fa.id()), state(other, "\"passCode\":\"" + authn.code(fa.seed()) + "\"")), 401, "E0000011");
        } finally {
            authn.deactivatePolicy(policy);
        }
    }

    @Test
    void twoRightCodesAtOnceMakeOneSessionTokenAndOneRedemptionWins() throws Exception {
        AuthnClient.Person p = authn.person();
        AuthnClient.Factor f = authn.totp(p);
        String policy = authn.requireFactorFor(p.id());
        try {
            String st = signIn(p).get("stateToken").asText();
            long step = Totp.step(server.clock.instant());
            // The codes of this step and the next are both inside the window: both right, racing.
            List<Http.Response> rs = atOnce(List.of(
                    () -> authn.post(verifyPath(f.id()), state(st, "\"passCode\":\"" + Totp.code(f.seed(), step) + "\"")),
                    () -> authn.post(verifyPath(f.id()), state(st, "\"passCode\":\"" + Totp.code(f.seed(), step + 1) + "\"")),
                    () -> authn.post(verifyPath(f.id()), state(st, "\"passCode\":\"000000\""))));
            List<String> tokens = rs.stream().filter(r -> r.status() == 200 && r.json().has("sessionToken"))
                    .map(r -> r.json().get("sessionToken").asText()).toList();
            assertThat(tokens).as(rs.toString()).hasSize(1);
            // Eight redemptions of it at once: exactly one session.
            List<Callable<Http.Response>> redeem = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                redeem.add(() -> admin.post("/api/v1/sessions", "{\"sessionToken\":\"" + tokens.getFirst() + "\"}"));
            }
            List<Http.Response> sessions = atOnce(redeem);
            assertThat(sessions.stream().filter(r -> r.status() == 200).count()).as(sessions.toString()).isEqualTo(1);
            JsonNode s = sessions.stream().filter(r -> r.status() == 200).findFirst().orElseThrow().json();
            assertThat(s.get("amr").toString()).contains("pwd", "otp", "mfa");
        } finally {
            authn.deactivatePolicy(policy);
        }
    }

    @Test
    void aSessionTokenCarriesOnlyWhatWasProvedAndDiesWithASuspensionOrAReset() {
        AuthnClient.Person p = authn.person();
        String token = signIn(p).get("sessionToken").asText();
        JsonNode s = ok(admin.post("/api/v1/sessions", "{\"sessionToken\":\"" + token + "\"}"));
        assertThat(s.get("amr").toString()).isEqualTo("[\"pwd\"]");
        assertError(admin.post("/api/v1/sessions", "{\"sessionToken\":\"" + token + "\"}"), 401, "E0000004");

        String suspended = signIn(p).get("sessionToken").asText();
        ok(admin.post("/api/v1/users/" + p.id() + "/lifecycle/suspend", null));
        ok(admin.post("/api/v1/users/" + p.id() + "/lifecycle/unsuspend", null));
        assertError(admin.post("/api/v1/sessions", "{\"sessionToken\":\"" + suspended + "\"}"), 401, "E0000004");
        assertThat(server.browser().get("/login/sessionCookieRedirect?token=" + suspended + "&redirectUrl=/").status()).isEqualTo(401);

        String reset = signIn(p).get("sessionToken").asText();
        ok(admin.post("/api/v1/users/" + p.id() + "/lifecycle/reset_password?sendEmail=false", null));
        assertError(admin.post("/api/v1/sessions", "{\"sessionToken\":\"" + reset + "\"}"), 401, "E0000004");
    }

    @Test
    void crossOriginCallsGetNoCorsAndASimplePostChecksNoPassword() {
        AuthnClient.Person p = authn.person();
        String evil = "https://evil.example";
        Http.Response pre = server.http().send("OPTIONS", AUTHN, null, "Origin", evil, "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "content-type");
        assertThat(pre.header("Access-Control-Allow-Origin")).isNull();
        assertThat(pre.header("Access-Control-Allow-Credentials")).isNull();
        Http.Response json = server.http().send("POST", AUTHN, "{\"username\":\"" + p.login() + "\",\"password\":\"" + PASSWORD + "\"}",
                "Content-Type", "application/json", "Origin", evil);
        assertThat(json.header("Access-Control-Allow-Origin")).isNull();
        // A form's or text/plain simple POST (no preflight) is refused before any password is checked.
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
            Http.Response simple = server.http().send("POST", AUTHN, "{\"username\":\"" + p.login() + "\",\"password\":\"wrong\"}",
                    "Content-Type", type, "Origin", evil);
            assertThat(simple.status()).as(type + " " + simple.body()).isIn(400, 415);
            assertThat(simple.header("Access-Control-Allow-Origin")).isNull();
        }
        assertThat(admin.get("/api/v1/logs?limit=1000").body()).doesNotContain("\"loginAttempted\":\"" + p.login());   // nothing checked
        // The API token is still refused from a browser on the Sessions API by id.
        Http.Response token = server.http().send("POST", "/api/v1/sessions", "{\"sessionToken\":\"" + "a".repeat(42) + "\"}",
                "Content-Type", "application/json", "Authorization", "SSWS " + TestServer.API_TOKEN, "Origin", evil);
        assertError(token, 403, "E0000006");
        Http.Response get = server.http().send("GET", "/api/v1/sessions/102abc", null, "Authorization", "SSWS " + TestServer.API_TOKEN,
                "Origin", evil);
        assertError(get, 403, "E0000006");
    }

    @Test
    void theQrLinkWorksOnceWithoutATokenAndOnlyForItsOwnUser() {
        AuthnClient.Person p = authn.person();
        AuthnClient.Person other = authn.person();
        String policy = authn.requireFactorFor(p.id());
        try {
            String st = signIn(p).get("stateToken").asText();
            Http.Response e = authn.post(AUTHN + "/factors", state(st, "\"factorType\":\"token:software:totp\",\"provider\":\"GOOGLE\""));
            assertThat(e.status()).as(e.body()).isEqualTo(200);
            String qr = URI.create(e.json().at("/_embedded/factor/_embedded/activation/_links/qrcode/href").asText()).getPath();
            String swapped = qr.replace("/users/" + p.id() + "/", "/users/" + other.id() + "/");
            assertThat(raw(swapped)).isEqualTo(404);
            assertThat(raw(qr.replace("/qr/", "/qr/x"))).isEqualTo(404);
            assertThat(raw(qr)).isEqualTo(200);
            assertThat(raw(qr)).isEqualTo(404);
            // Nothing else of /api/v1/users opens without the token.
            assertThat(raw(qr.substring(0, qr.indexOf("/qr/")))).isEqualTo(401);
        } finally {
            authn.deactivatePolicy(policy);
        }
    }

    @Test
    void oddBodiesGetOktasErrorsNeverA500() {
        List<String> bodies = List.of("[" .repeat(5000) + "]".repeat(5000), "{\"username\":" + "{\"a\":".repeat(3000) + "1" + "}".repeat(3001),
                "", "null", "[1]", "{\"username\":12,\"password\":\"x\"}", "{\"username\":\"a\",\"password\":{}}", "{\"stateToken\":[\"00\"]}",
                "{\"username\":\"a@b.c\",\"password\":\"x\",\"relayState\":\"" + "r".repeat(100_000) + "\"}",
                "{\"username\":\"" + "u".repeat(100_000) + "\",\"password\":\"x\"}", "{\"username\":\"\\ud800\",\"password\":\"x\"}",
                "{\"recoveryToken\":\"" + "t".repeat(10_000) + "\"}", "{\"stateToken\":\"00" + "a".repeat(10_000) + "\",\"passCode\":{}}",
                "{\"stateToken\":\"00" + "a".repeat(40) + "\",\"factorType\":[],\"profile\":\"x\"}");
        List<String> paths = List.of(AUTHN, AUTHN + "/factors", verifyPath("f".repeat(2000)), AUTHN + "/factors/x/lifecycle/activate",
                AUTHN + "/recovery/password", AUTHN + "/recovery/token", AUTHN + "/credentials/reset_password",
                AUTHN + "/credentials/change_password", AUTHN + "/cancel", AUTHN + "/previous", AUTHN + "/introspect");
        for (String path : paths) {
            for (String body : bodies) {
                Http.Response r = authn.post(path, body);
                assertThat(r.status()).as(path + " " + body.substring(0, Math.min(60, body.length())) + " → " + r.body()).isBetween(200, 499);
                if (r.status() >= 400 && r.status() != 414) {
                    assertThat(r.json().has("errorCode")).as(r.body()).isTrue();
                }
            }
        }
    }

    @Test
    void limitsHoldOnTheApiPerUsernamePerFactorAndPerRecoveryAddress() {
        try (TestServer limited = TestServer.start(TestDatabase.H2, "--rate-limit-multiplier", "1")) {
            AuthnClient c = new AuthnClient(limited);
            AuthnClient.Person p = c.person();
            int refused = 0;
            for (int i = 0; i < 6; i++) {
                refused += c.primary(i % 2 == 0 ? p.login() : p.login().toUpperCase(), "Wrong-Password-" + i).status() == 429 ? 1 : 0;
            }
            assertThat(refused).as("per-username limit of 4 per second").isGreaterThanOrEqualTo(2);
            limited.clock.advance(java.time.Duration.ofSeconds(2));
            // Factor codes: 5 per 5 minutes per person, across stateTokens.
            AuthnClient.Factor f = c.totp(p);
            String policy = c.requireFactorFor(p.id());
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                limited.clock.advance(java.time.Duration.ofSeconds(1));
                Http.Response s = c.primary(p.login(), PASSWORD);
                String st = s.json().get("stateToken").asText();
                statuses.add(c.post(verifyPath(f.id()), state(st, "\"passCode\":\"000000\"")).status());
            }
            assertThat(statuses).as(statuses.toString()).contains(429);
            c.deactivatePolicy(policy);
            // Forgot password: 5 per 15 minutes per address, whatever the spelling.
            int sent = 0;
            for (int i = 0; i < 8; i++) {
                String u = i % 2 == 0 ? p.login() : " " + p.login().toUpperCase() + " ";
                sent += c.post(AUTHN + "/recovery/password", "{\"username\":\"" + u + "\",\"factorType\":\"EMAIL\"}").status() == 200 ? 1 : 0;
            }
            assertThat(sent).isEqualTo(5);
        }
    }
}
