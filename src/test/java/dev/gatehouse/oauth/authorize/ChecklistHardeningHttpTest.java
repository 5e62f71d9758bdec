package dev.gatehouse.oauth.authorize;

import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.OAuthFlow.Client;
import dev.gatehouse.support.OAuthFlow.Code;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.gatehouse.support.OAuthFlow.DEFAULT;
import static dev.gatehouse.support.OAuthFlow.authorizeUrl;
import static dev.gatehouse.support.OAuthFlow.params;
import static dev.gatehouse.support.OAuthFlow.parameters;
import static dev.gatehouse.support.OAuthFlow.randomVerifier;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checklist items that were "not covered yet" (SECURITY.md): 13 constant PKCE challenges are detected, 21 an app
 * that asks for consent goes to the consent page (or, with prompt=none, is refused) rather than approved without it, 22 no token pretends to be sender-constrained,
 * 24 there is no dynamic client registration to abuse. On H2 and PostgreSQL.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class ChecklistHardeningHttpTest {

    private static final String REUSED = "The PKCE code challenge was already used. Each authorization request needs a new code_verifier.";
    private static final String NONCE_REUSED = "The 'nonce' parameter was already used. Each authorization request needs a new nonce.";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static OAuthFlow flow;
    static Client spa;
    static Browser signedIn;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        flow = new OAuthFlow(server);
        spa = flow.spaClient();
        signedIn = flow.signedIn();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    // ---- 13: constant PKCE challenges ----------------------------------------------------------------

    @Test
    void challengeReusedWhileItsCodeLivesIsRefusedAndWritesNoCode() {
        String verifier = randomVerifier();
        Code first = flow.code(signedIn, DEFAULT, params(spa, verifier));
        long refusals = flow.events("app.oauth2.as.authorize");

        Map<String, String> again = params(spa, verifier);
        assertRefused(again, "invalid_request", REUSED);
        assertThat(flow.events("app.oauth2.as.authorize")).as("the refusal is in the System Log").isEqualTo(refusals + 1);

        // Also after the first code was exchanged: a used code's challenge is just as constant.
        assertThat(flow.token(DEFAULT, OAuthFlow.exchange(spa, first)).status()).isEqualTo(200);
        assertRefused(params(spa, verifier), "invalid_request", REUSED);
    }

    @Test
    void challengeIsFreeAgainOnceTheCodeItWasUsedForExpired() {
        String verifier = randomVerifier();
        flow.code(signedIn, DEFAULT, params(spa, verifier));
        server.clock.advance(Duration.ofSeconds(301));
        flow.code(signedIn, DEFAULT, params(spa, verifier));
    }

    @Test
    void challengeIsComparedPerClient() {
        String verifier = randomVerifier();
        flow.code(signedIn, DEFAULT, params(spa, verifier));
        Client other = flow.spaClient();
        Code code = flow.code(signedIn, DEFAULT, params(other, verifier));
        assertThat(flow.token(DEFAULT, OAuthFlow.exchange(other, code)).status()).isEqualTo(200);
    }

    @Test
    void aSignInInTheMiddleDoesNotCountAsAReuse() {
        // okta-auth-js sends the same /authorize twice when there is no session yet: before and after the sign-in page.
        Browser fresh = server.browser();
        Map<String, String> p = params(spa, randomVerifier());
        Http.Response toSignIn = fresh.get(authorizeUrl(DEFAULT, p));
        assertThat(toSignIn.status()).isEqualTo(302);
        assertThat(toSignIn.header("Location")).doesNotStartWith(spa.redirectUri());
        assertThat(fresh.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/").status()).isEqualTo(303);
        flow.code(fresh, DEFAULT, p);
    }

    // ---- 13 (issue #14): reused nonces ---------------------------------------------------------------------

    @Test
    void nonceReusedWhileItsCodeLivesIsRefusedAndWritesNoCode() {
        // A replayed authorization request (or a client with a constant nonce) gets no second code: the nonce is what binds
        // an ID token to one request, and a client that checks it cannot tell two codes of one nonce apart.
        Map<String, String> first = params(spa, randomVerifier());
        Code code = flow.code(signedIn, DEFAULT, first);
        long refusals = flow.events("app.oauth2.as.authorize");
        long nonceRefusals = nonceRefusals();

        Map<String, String> again = params(spa, randomVerifier());   // a new verifier: only the nonce repeats
        again.put("nonce", first.get("nonce"));
        assertRefused(again, "invalid_request", NONCE_REUSED);
        assertThat(flow.events("app.oauth2.as.authorize")).as("the refusal is in the System Log").isEqualTo(refusals + 1);
        assertThat(nonceRefusals()).as("with its reason").isEqualTo(nonceRefusals + 1);

        // Also once the first code was exchanged; the legitimate path, a new nonce, still works.
        assertThat(flow.token(DEFAULT, OAuthFlow.exchange(spa, code)).status()).isEqualTo(200);
        assertRefused(again, "invalid_request", NONCE_REUSED);
        flow.code(signedIn, DEFAULT, params(spa, randomVerifier()));
    }

    @Test
    void nonceIsFreeAgainOnceTheCodeItWasUsedForExpiredAndIsComparedPerClient() {
        Map<String, String> first = params(spa, randomVerifier());
        flow.code(signedIn, DEFAULT, first);
        Client other = flow.spaClient();
        Map<String, String> otherClient = params(other, randomVerifier());
        otherClient.put("nonce", first.get("nonce"));
        flow.code(signedIn, DEFAULT, otherClient);

        server.clock.advance(Duration.ofSeconds(301));
        Map<String, String> later = params(spa, randomVerifier());
        later.put("nonce", first.get("nonce"));
        flow.code(signedIn, DEFAULT, later);
    }

    @Test
    void aRequestWithoutANonceIsNotAReuse() {
        for (int i = 0; i < 2; i++) {
            Map<String, String> p = params(spa, randomVerifier());
            p.remove("nonce");
            flow.code(signedIn, DEFAULT, p);
        }
    }

    private long nonceRefusals() {
        return flow.count("SELECT COUNT(*) FROM system_log_events WHERE event_type = 'app.oauth2.as.authorize' "
                + "AND outcome_result = 'FAILURE' AND debug_data LIKE '%needs a new nonce%'");
    }

    // ---- 21: consent -----------------------------------------------------------------------------------

    @Test
    void aScopeThatNeedsConsentGoesToTheConsentPageForAnAppThatRequiresItRatherThanApprovedWithoutIt() throws Exception {
        // As at Okta, an app with consent_method REQUIRED asking only for scopes of IMPLICIT consent signs in as usual.
        Client asksConsent = flow.spaClient(a -> OAuthFlow.oauthClient(a).put("consent_method", "REQUIRED"));
        flow.code(signedIn, DEFAULT, params(asksConsent, randomVerifier()));

        // Once a requested scope needs consent, Okta shows its consent screen, and so does Gatehouse (ConsentHttpTest has the rest).
        String scopeId = null;
        for (var scope : server.http().get("/api/v1/authorizationServers/default/scopes", Http.ssws(TestServer.API_TOKEN)).json()) {
            if ("email".equals(scope.get("name").asText())) {
                scopeId = scope.get("id").asText();
            }
        }
        setEmailConsent(scopeId, "REQUIRED");
        try {
            long refusals = flow.events("app.oauth2.as.authorize");
            long codes = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM authorization_codes");
            Http.Response asked = signedIn.get(authorizeUrl(DEFAULT, params(asksConsent, randomVerifier())));
            assertThat(asked.status()).as(asked.body()).isEqualTo(302);
            assertThat(asked.header("Location")).startsWith("/signin/consent?request=");
            assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM authorization_codes")).isEqualTo(codes);
            Map<String, String> none = params(asksConsent, randomVerifier());
            none.put("prompt", "none");
            assertRefused(none, "consent_required", "The following scopes require user consent: [email].");
            assertThat(flow.events("app.oauth2.as.authorize")).isEqualTo(refusals + 1);
            assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM authorization_codes")).isEqualTo(codes);

            // A TRUSTED app is never asked for consent, whatever its scopes say.
            flow.code(signedIn, DEFAULT, params(spa, randomVerifier()));

            // The same app, switched to TRUSTED by its admin, signs in.
            Http.Response app = server.http().get("/api/v1/apps/" + asksConsent.appId(), Http.ssws(TestServer.API_TOKEN));
            String trusted = app.body().replace("\"consent_method\":\"REQUIRED\"", "\"consent_method\":\"TRUSTED\"");
            Http.Response put = server.http().send("PUT", "/api/v1/apps/" + asksConsent.appId(), trusted,
                    Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
            assertThat(put.status()).as(put.body()).isEqualTo(200);
            flow.code(signedIn, DEFAULT, params(asksConsent, randomVerifier()));
        } finally {
            setEmailConsent(scopeId, "IMPLICIT");
        }
    }

    private void setEmailConsent(String scopeId, String consent) {
        String path = "/api/v1/authorizationServers/default/scopes/" + scopeId;
        ApiClient api = ApiClient.of(server);
        String body = api.get(path).body().replaceAll("\"consent\":\"[A-Z]+\"", "\"consent\":\"" + consent + "\"");
        Http.Response put = api.put(path, body);
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().get("consent").asText()).isEqualTo(consent);
    }

    // ---- 22: sender-constrained tokens ---------------------------------------------------------------------

    @Test
    void aDpopProofIsNotMistakenForABindingTokensStayBearer() {
        Code code = flow.code(signedIn, DEFAULT, params(spa, randomVerifier()));
        Http.Response r = flow.token(DEFAULT, OAuthFlow.exchange(spa, code), "DPoP",
                "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2In0.eyJodG0iOiJQT1NUIn0.c2ln");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("token_type").asText()).as("never claims a DPoP binding it does not enforce").isEqualTo("Bearer");
        assertThat(OAuthFlow.claims(r.json().get("access_token").asText()).has("cnf")).isFalse();
        Http.Response discovery = server.http().get("/oauth2/default/.well-known/openid-configuration");
        assertThat(discovery.json().has("dpop_signing_alg_values_supported")).isFalse();
    }

    // ---- 24: dynamic client registration -----------------------------------------------------------------

    @Test
    void thereIsNoDynamicClientRegistrationToChooseAClientIdOrSub() {
        long apps = flow.count("SELECT COUNT(*) FROM apps");
        String body = "{\"client_name\":\"evil\",\"redirect_uris\":[\"https://evil.example/cb\"],\"client_id\":\"" + TestServer.ADMIN + "\"}";
        for (String path : new String[]{"/oauth2/v1/clients", "/oauth2/default/v1/clients", "/oauth2/v1/register", "/oauth2/default/v1/register"}) {
            Http.Response r = server.http().send("POST", path, body, "Content-Type", "application/json", "Accept", "application/json");
            assertThat(r.status()).as(path + " " + r.body()).isIn(404, 405);
        }
        assertThat(flow.count("SELECT COUNT(*) FROM apps")).isEqualTo(apps);
        Http.Response discovery = server.http().get("/oauth2/default/.well-known/openid-configuration");
        assertThat(discovery.json().has("registration_endpoint")).isFalse();

        // Admins choose client ids, but never one that looks like a user's login (the sub of user tokens).
        Http.Response r = server.http().send("POST", "/api/v1/apps", """
                {"name":"oidc_client","label":"Looks Like A Person","signOnMode":"OPENID_CONNECT",
                 "credentials":{"oauthClient":{"client_id":"%s"}},
                 "settings":{"oauthClient":{"application_type":"service"}}}""".formatted(TestServer.ADMIN),
                Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("errorCode").asText()).isEqualTo("E0000001");
        assertThat(flow.count("SELECT COUNT(*) FROM apps")).isEqualTo(apps);
    }

    private void assertRefused(Map<String, String> p, String error, String description) {
        String before = flow.issuedRows();
        Http.Response r = signedIn.get(authorizeUrl(DEFAULT, p));
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        Map<String, String> answer = parameters(r.header("Location"));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("error", error);
        expected.put("error_description", description);
        expected.put("state", p.get("state"));
        expected.put("iss", server.url() + "/oauth2/default");
        assertThat(answer).containsExactlyEntriesOf(expected);
        assertThat(flow.issuedRows()).as("a refused request writes no code").isEqualTo(before);
    }
}
