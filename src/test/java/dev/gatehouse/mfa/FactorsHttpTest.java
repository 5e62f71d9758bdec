package dev.gatehouse.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.mfa.MfaClient.Enrolled;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.gatehouse.mfa.MfaClient.TOTP;
import static dev.gatehouse.mfa.MfaClient.assertSuccess;
import static dev.gatehouse.mfa.MfaClient.factors;
import static dev.gatehouse.mfa.MfaClient.passCode;
import static dev.gatehouse.support.ApiClient.firstCause;
import static dev.gatehouse.support.ApiClient.ok;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/v1/users/{id}/factors} for Google Authenticator TOTP: Okta's shapes, the code window on the moving clock,
 * replay and racing verifies, out-of-order and foreign requests, reset, and the events, on H2 and PostgreSQL.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class FactorsHttpTest {

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

    @BeforeEach
    void googleAuthenticatorIsActive() {
        api.googleOtpActive();
    }

    @Test
    void enrollmentAnswersOktasShapeWithTheSecretAndAOneTimeQrCode() throws Exception {
        String user = api.newUser();
        String login = ok(api.get("/api/v1/users/" + user)).at("/profile/login").asText();
        long updates = api.events("user.mfa.factor.update");
        Http.Response r = api.post(factors(user), TOTP);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode f = r.json();
        assertThat(fields(f)).containsExactly("id", "factorType", "provider", "vendorName", "status", "created", "lastUpdated", "profile",
                "_links", "_embedded");
        assertThat(f.get("id").asText()).matches("ost[A-Za-z0-9]{17}");
        assertThat(f.get("factorType").asText()).isEqualTo("token:software:totp");
        assertThat(f.get("provider").asText()).isEqualTo("GOOGLE");
        assertThat(f.get("vendorName").asText()).isEqualTo("GOOGLE");
        assertThat(f.get("status").asText()).isEqualTo("PENDING_ACTIVATION");
        assertThat(f.at("/profile/credentialId").asText()).isEqualTo(login);
        String self = server.wiring().config.baseUrl() + factors(user) + "/" + f.get("id").asText();
        assertThat(f.at("/_links/activate/href").asText()).isEqualTo(self + "/lifecycle/activate");
        assertThat(f.at("/_links/self/hints/allow").toString()).isEqualTo("[\"GET\"]");
        assertThat(f.at("/_links/user/href").asText()).isEqualTo(server.wiring().config.baseUrl() + "/api/v1/users/" + user);
        JsonNode activation = f.at("/_embedded/activation");
        assertThat(activation.get("timeStep").asInt()).isEqualTo(30);
        assertThat(activation.get("sharedSecret").asText()).matches("[A-Z2-7]{32}");
        assertThat(activation.get("encoding").asText()).isEqualTo("base32");
        assertThat(activation.get("keyLength").asInt()).isEqualTo(32);
        assertThat(activation.at("/_links/qrcode/type").asText()).isEqualTo("image/png");
        String qr = activation.at("/_links/qrcode/href").asText();
        assertThat(qr).startsWith(self + "/qr/");
        assertThat(api.events("user.mfa.factor.update")).isEqualTo(updates + 1);

        // The QR link: a PNG, once; its token (a one-time secret) is never written to the access log.
        ch.qos.logback.classic.Logger access = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("gatehouse.access");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        access.addAppender(lines);
        HttpResponse<byte[]> png;
        try {
            png = fetch(qr);
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
            while (lines.list.stream().noneMatch(l -> l.getFormattedMessage().contains("/qr/")) && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        } finally {
            access.detachAppender(lines);
        }
        String token = qr.substring(qr.lastIndexOf('/') + 1);
        assertThat(lines.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).filter(l -> l.contains("/qr/")).toList())
                .as("the access log line of the QR fetch").isNotEmpty()
                .allSatisfy(l -> assertThat(l).doesNotContain(token).contains("/qr/{token}"));
        assertThat(png.statusCode()).isEqualTo(200);
        assertThat(png.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("image/png"));
        assertThat(ImageIO.read(new ByteArrayInputStream(png.body())).getWidth()).isGreaterThan(100);
        assertThat(fetch(qr).statusCode()).as("the QR link is one-time").isEqualTo(404);
        assertThat(fetch(qr.substring(0, qr.length() - 1) + "x").statusCode()).isEqualTo(404);

        // Later answers never carry the secret.
        JsonNode got = ok(api.get(factors(user) + "/" + f.get("id").asText()));
        assertThat(got.has("_embedded")).isFalse();
        assertThat(got.toString()).doesNotContain(activation.get("sharedSecret").asText());
        JsonNode listed = ok(api.get(factors(user))).get(0);
        assertThat(listed.at("/_links/activate/href").asText()).isEqualTo(self + "/lifecycle/activate");
        assertThat(listed.toString()).doesNotContain(activation.get("sharedSecret").asText());
    }

    @Test
    void theOtpauthUriIsTheStandardOne() {
        assertThat(Factors.otpauthUri("ann@example.com", "JBSWY3DPEHPK3PXP"))
                .isEqualTo("otpauth://totp/Gatehouse:ann@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Gatehouse&digits=6&period=30&algorithm=SHA1");
        assertThat(Factors.otpauthUri("a&b?c#d@example.com", "X")).startsWith("otpauth://totp/Gatehouse:a%26b%3Fc%23d@example.com?secret=X&");
    }

    @Test
    void activateWithTheCurrentCodeThenVerifyWithALaterOne() {
        String user = api.newUser();
        Enrolled e = api.enroll(user);
        long activations = api.events("user.mfa.factor.activate");
        Http.Response r = api.activate(e, api.code(e, 0));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode f = r.json();
        assertThat(f.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(f.has("_embedded")).isFalse();
        assertThat(fields(f.get("_links"))).containsExactly("verify", "self", "user");
        assertThat(f.at("/_links/self/hints/allow").toString()).isEqualTo("[\"GET\",\"DELETE\"]");
        assertThat(api.events("user.mfa.factor.activate")).isEqualTo(activations + 1);

        long successes = api.events("user.authentication.auth_via_mfa");
        api.nextSteps(1);
        assertSuccess(api.verify(e, api.code(e, 0)));
        assertThat(api.events("user.authentication.auth_via_mfa")).isEqualTo(successes + 1);
        assertThat(ok(api.get(factors(user))).get(0).get("status").asText()).isEqualTo("ACTIVE");
        assertThat(ok(api.get("/api/v1/users/" + user)).at("/_links/resetFactors/href").asText())
                .endsWith("/api/v1/users/" + user + "/lifecycle/reset_factors");
        // In a list too (one query for the page), and only on the users with a factor.
        String without = api.newUser();
        for (String id : List.of(user, without)) {
            String login = ok(api.get("/api/v1/users/" + id)).at("/profile/login").asText();
            JsonNode listed = ok(api.get("/api/v1/users?q=" + login));
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).at("/_links").has("resetFactors")).as(id).isEqualTo(id.equals(user));
        }
        assertThat(ok(api.get("/api/v1/users/" + user)).at("/_links/resetFactors/method").asText()).isEqualTo("POST");
    }

    @Test
    void oneStepEitherSideIsAcceptedAndTwoAreNot() {
        Enrolled e = api.active(api.newUser());
        api.nextSteps(10);
        Http.Response early = api.verify(e, api.code(e, -2));
        assertOktaError(early, 403, "E0000068");
        assertThat(early.json().get("errorSummary").asText()).isEqualTo("Invalid Passcode/Answer");
        assertThat(firstCause(early)).isEqualTo("Your passcode doesn't match our records. Please try again.");
        assertOktaError(api.verify(e, api.code(e, 2)), 403, "E0000068");
        assertSuccess(api.verify(e, api.code(e, -1)));
        assertSuccess(api.verify(e, api.code(e, 0)));
        assertSuccess(api.verify(e, api.code(e, 1)));
    }

    @Test
    void aCodeIsAcceptedOnceAndAnEarlierOneNeverAfterALaterOne() {
        Enrolled e = api.active(api.newUser());
        api.nextSteps(5);
        String code = api.code(e, 0);
        assertSuccess(api.verify(e, code));
        long failures = api.events("user.authentication.auth_via_mfa");
        Http.Response again = api.verify(e, code);
        assertOktaError(again, 403, "E0000082");
        assertThat(again.json().get("errorSummary").asText()).isEqualTo("Each code can only be used once. Please wait for a new code and try again.");
        assertThat(api.events("user.authentication.auth_via_mfa")).as("the replay is logged as a failure").isEqualTo(failures + 1);
        assertOktaError(api.verify(e, api.code(e, -1)), 403, "E0000082");
        // The activation code itself cannot be replayed as a verification either.
        Enrolled other = api.enroll(api.newUser());
        String activationCode = api.code(other, 0);
        ok(api.activate(other, activationCode));
        assertOktaError(api.verify(other, activationCode), 403, "E0000082");
    }

    @Test
    void racingVerifiesOfOneCodeSucceedExactlyOnce() throws Exception {
        Enrolled e = api.active(api.newUser());
        api.nextSteps(3);
        String code = api.code(e, 0);
        int racers = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Future<Http.Response>> answers = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return api.verify(e, code);
                }));
            }
            go.countDown();
            int success = 0;
            for (Future<Http.Response> a : answers) {
                Http.Response r = a.get();
                if (r.status() == 200) {
                    success++;
                } else {
                    assertOktaError(r, 403, "E0000082");
                }
            }
            assertThat(success).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void outOfOrderRequestsAreRefusedAndChangeNothing() {
        String user = api.newUser();
        Enrolled e = api.enroll(user);
        Http.Response early = api.verify(e, api.code(e, 0));
        assertOktaError(early, 400, "E0000154");
        assertThat(early.json().get("errorSummary").asText()).isEqualTo("Invalid factor id, it is not currently active.");
        ok(api.activate(e, api.code(e, 0)));
        api.nextSteps(1);
        Http.Response twice = api.activate(e, api.code(e, 0));
        assertOktaError(twice, 400, "E0000001");
        assertThat(firstCause(twice)).isEqualTo("The factor is already active.");
        assertSuccess(api.verify(e, api.code(e, 0)));
    }

    @Test
    void aWrongActivationCodeIsRefusedAndTheFactorStaysPending() {
        Enrolled e = api.enroll(api.newUser());
        String wrong = api.code(e, 0).equals("000000") ? "000001" : "000000";
        Http.Response r = api.activate(e, wrong);
        assertOktaError(r, 403, "E0000068");
        assertThat(firstCause(r)).isEqualTo("Your passcode doesn't match our records. Please try again.");
        assertThat(ok(api.get(factors(e.userId()) + "/" + e.factorId())).get("status").asText()).isEqualTo("PENDING_ACTIVATION");
        ok(api.activate(e, api.code(e, 0)));
    }

    @Test
    void malformedAndOversizedPassCodesAreWrongCodesOrValidationErrors() {
        Enrolled e = api.active(api.newUser());
        api.nextSteps(1);
        assertOktaError(api.verify(e, "12345"), 403, "E0000068");
        assertOktaError(api.verify(e, "1234567"), 403, "E0000068");
        assertOktaError(api.verify(e, "abcdef"), 403, "E0000068");
        assertOktaError(api.verify(e, "9".repeat(100_000)), 403, "E0000068");
        assertOktaError(api.post(factors(e.userId()) + "/" + e.factorId() + "/verify", "{\"passCode\":123456}"), 400, "E0000001");
        assertOktaError(api.post(factors(e.userId()) + "/" + e.factorId() + "/verify", "{}"), 400, "E0000001");
        assertOktaError(api.post(factors(e.userId()) + "/" + e.factorId() + "/verify", "[\"x\"]"), 400, "E0000003");
        assertSuccess(api.verify(e, api.code(e, 0)));
    }

    @Test
    void anotherUsersFactorIsNotFoundAndUntouched() {
        Enrolled mine = api.active(api.newUser());
        String other = api.newUser();
        String path = factors(other) + "/" + mine.factorId();
        assertOktaError(api.get(path), 404, "E0000007");
        assertOktaError(api.post(path + "/verify", passCode(api.code(mine, 1))), 404, "E0000007");
        assertOktaError(api.post(path + "/lifecycle/activate", passCode(api.code(mine, 1))), 404, "E0000007");
        assertOktaError(api.delete(path), 404, "E0000007");
        assertOktaError(api.get(factors("00uDoesNotExist000000")), 404, "E0000007");
        assertOktaError(api.post(factors("00uDoesNotExist000000"), TOTP), 404, "E0000007");
        api.nextSteps(1);
        assertSuccess(api.verify(mine, api.code(mine, 0)));
    }

    @Test
    void onlyGoogleAuthenticatorTotpCanBeEnrolled() {
        String user = api.newUser();
        for (String body : List.of("{\"factorType\":\"token:software:totp\",\"provider\":\"OKTA\"}",
                "{\"factorType\":\"sms\",\"provider\":\"OKTA\",\"profile\":{\"phoneNumber\":\"+15555550100\"}}",
                "{\"factorType\":\"webauthn\",\"provider\":\"FIDO\"}", "{\"provider\":\"GOOGLE\"}", "{\"factorType\":\"token:software:totp\"}")) {
            Http.Response r = api.post(factors(user), body);
            assertOktaError(r, 400, "E0000001");
            assertThat(r.json().get("errorSummary").asText()).isEqualTo("Api validation failed: factorEnrollRequest");
            assertThat(firstCause(r)).isNotBlank();
        }
        assertThat(firstCause(api.post(factors(user), "{\"factorType\":\"token:software:totp\",\"provider\":\"OKTA\"}")))
                .contains("Okta Verify is not available");
        assertOktaError(api.post(factors(user), "{\"factorType\":17,\"provider\":\"GOOGLE\"}"), 400, "E0000001");
        assertThat(ok(api.get(factors(user)))).isEmpty();
    }

    @Test
    void aSecondTotpFactorIsRefusedButAPendingOneIsReplaced() {
        String user = api.newUser();
        Enrolled first = api.enroll(user);
        Enrolled second = api.enroll(user);
        assertThat(second.factorId()).isNotEqualTo(first.factorId());
        assertOktaError(api.get(factors(user) + "/" + first.factorId()), 404, "E0000007");
        assertThat(ok(api.get(factors(user)))).hasSize(1);
        ok(api.activate(second, api.code(second, 0)));
        Http.Response again = api.post(factors(user), TOTP);
        assertOktaError(again, 400, "E0000001");
        assertThat(again.json().get("errorSummary").asText()).isEqualTo("Api validation failed: factorEnrollRequest");
        assertThat(firstCause(again)).isEqualTo("A factor of this type is already set up.");
    }

    @Test
    void aPendingEnrollmentExpiresAfterFifteenMinutes() {
        String user = api.newUser();
        Enrolled e = api.enroll(user);
        server.clock.advance(Duration.ofMinutes(15));
        assertThat(ok(api.get(factors(user) + "/" + e.factorId())).get("status").asText()).isEqualTo("EXPIRED");
        Http.Response r = api.activate(e, api.code(e, 0));
        assertOktaError(r, 400, "E0000001");
        assertThat(firstCause(r)).contains("expired");
        Enrolled fresh = api.enroll(user);
        ok(api.activate(fresh, api.code(fresh, 0)));
    }

    @Test
    void deleteUnenrollsAndIsLogged() {
        Enrolled e = api.active(api.newUser());
        long events = api.events("user.mfa.factor.deactivate");
        Http.Response r = api.delete(factors(e.userId()) + "/" + e.factorId());
        assertThat(r.status()).as(r.body()).isEqualTo(204);
        assertThat(api.events("user.mfa.factor.deactivate")).isEqualTo(events + 1);
        assertThat(ok(api.get(factors(e.userId())))).isEmpty();
        assertOktaError(api.delete(factors(e.userId()) + "/" + e.factorId()), 404, "E0000007");
        assertThat(ok(api.get("/api/v1/users/" + e.userId())).at("/_links").has("resetFactors")).isFalse();
    }

    @Test
    void resetFactorsRemovesEveryFactorAnswersAnEmptyBodyAndIsLogged() {
        Enrolled e = api.active(api.newUser());
        long events = api.events("user.mfa.factor.reset_all");
        Http.Response r = api.post("/api/v1/users/" + e.userId() + "/lifecycle/reset_factors", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(api.events("user.mfa.factor.reset_all")).isEqualTo(events + 1);
        assertThat(ok(api.get(factors(e.userId())))).isEmpty();
        assertThat(ok(api.get("/api/v1/users/" + e.userId())).at("/_links").has("resetFactors")).isFalse();
        assertOktaError(api.post("/api/v1/users/00uDoesNotExist000000/lifecycle/reset_factors", null), 404, "E0000007");
        // The user enrolls again with a new secret.
        Enrolled again = api.enroll(e.userId());
        assertThat(again.seed()).isNotEqualTo(e.seed());
    }

    @Test
    void deletingAUserDeletesTheirFactors() {
        Enrolled e = api.active(api.newUser());
        assertThat(api.delete("/api/v1/users/" + e.userId()).status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/users/" + e.userId()).status()).isEqualTo(204);
        assertOktaError(api.get(factors(e.userId())), 404, "E0000007");
        long left = server.wiring().db.read(h -> h.createQuery("SELECT COUNT(*) FROM user_factors WHERE user_id = :u")
                .bind("u", e.userId()).mapTo(Long.class).one());
        assertThat(left).isZero();
    }

    @Test
    void theCatalogOffersGoogleAuthenticatorWhileItsAuthenticatorIsActive() {
        String user = api.newUser();
        JsonNode catalog = ok(api.get(factors(user) + "/catalog"));
        assertThat(catalog).hasSize(1);
        assertThat(catalog.get(0).get("factorType").asText()).isEqualTo("token:software:totp");
        assertThat(catalog.get(0).get("provider").asText()).isEqualTo("GOOGLE");
        assertThat(catalog.get(0).get("status").asText()).isEqualTo("NOT_SETUP");
        assertThat(catalog.at("/0/_links/enroll/href").asText()).endsWith(factors(user));
    }

    @Test
    void anInactiveAuthenticatorKeepsFactorsButRefusesEnrollActivateAndVerify() {
        Enrolled active = api.active(api.newUser());
        Enrolled pending = api.enroll(api.newUser());
        String user = api.newUser();
        api.googleOtpInactive();
        try {
            api.nextSteps(1);
            Http.Response verify = api.verify(active, api.code(active, 0));
            assertOktaError(verify, 400, "E0000001");
            assertThat(firstCause(verify)).contains("Google Authenticator authenticator is inactive");
            assertOktaError(api.activate(pending, api.code(pending, 0)), 400, "E0000001");
            Http.Response enroll = api.post(factors(user), TOTP);
            assertOktaError(enroll, 400, "E0000001");
            assertThat(firstCause(enroll)).contains("inactive");
            assertThat(ok(api.get(factors(user) + "/catalog"))).isEmpty();
            assertThat(ok(api.get(factors(active.userId()))).get(0).get("status").asText()).isEqualTo("ACTIVE");
        } finally {
            api.googleOtpActive();
        }
        assertSuccess(api.verify(active, api.code(active, 0)));
    }

    private static HttpResponse<byte[]> fetch(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "SSWS " + TestServer.API_TOKEN).header("Accept", "image/png, */*").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static List<String> fields(JsonNode o) {
        List<String> out = new ArrayList<>();
        o.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
