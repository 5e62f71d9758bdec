package dev.gatehouse.oauth.consent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.oauth.authorize.ConsentPages;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.OAuthFlow.Client;
import dev.gatehouse.support.People;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.gatehouse.support.OAuthFlow.DEFAULT;
import static dev.gatehouse.support.OAuthFlow.ORG;
import static dev.gatehouse.support.OAuthFlow.authorizeUrl;
import static dev.gatehouse.support.OAuthFlow.params;
import static dev.gatehouse.support.OAuthFlow.parameters;
import static dev.gatehouse.support.OAuthFlow.randomVerifier;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consent (issue 17, research notes §7): when the hosted consent page is shown (Okta's table), Allow and Don't Allow, the
 * binding of the consent form (forged, replayed, another session's, after sign-out), the User Grants API's shapes,
 * pagination and 404s, and revocation ending the tokens a grant produced. On H2 and PostgreSQL.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class ConsentHttpTest {

    private static final AtomicInteger SEQ = new AtomicInteger();

    @Parameter
    TestDatabase database;

    static TestServer server;
    static OAuthFlow flow;
    static ApiClient api;
    static Browser signedIn;
    static String adminId;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        flow = new OAuthFlow(server);
        api = ApiClient.of(server);
        signedIn = flow.signedIn();
        adminId = api.get("/api/v1/users/me").json().get("id").asText();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    // ---- when the page is shown (notes §7.1) ----------------------------------------------------------------------------

    @Test
    void oktasConsentTableDecidesWhenThePageIsShown() {
        // prompt, the app's consent_method, the scope's consent -> asked?
        String[][] cases = {
                {"consent", "TRUSTED", "REQUIRED", "asked"},
                {"consent", "REQUIRED", "REQUIRED", "asked"},
                {"consent", "TRUSTED", "FLEXIBLE", "asked"},
                {"consent", "REQUIRED", "FLEXIBLE", "asked"},
                {"consent", "TRUSTED", "IMPLICIT", "not"},
                {null, "TRUSTED", "REQUIRED", "not"},
                {null, "TRUSTED", "FLEXIBLE", "not"},
                {null, "REQUIRED", "FLEXIBLE", "asked"},
                {null, "REQUIRED", "REQUIRED", "asked"},
                {null, "REQUIRED", "IMPLICIT", "not"},
        };
        for (String[] c : cases) {
            App app = app(c[1]);
            String scope = scope(c[2]).name();
            Map<String, String> p = request(app, scope);
            if (c[0] != null) {
                p.put("prompt", c[0]);
            }
            String before = flow.issuedRows();
            Http.Response r = signedIn.get(authorizeUrl(DEFAULT, p));
            assertThat(r.status()).as(String.join(",", java.util.Arrays.toString(c)) + r.body()).isEqualTo(302);
            if (c[3].equals("asked")) {
                assertThat(r.header("Location")).as(java.util.Arrays.toString(c)).startsWith(ConsentPages.PATH + "?request=");
                assertThat(flow.issuedRows()).as("no code before consent").isEqualTo(before);
            } else {
                assertThat(parameters(r.header("Location"))).as(java.util.Arrays.toString(c)).containsKey("code");
            }
        }
    }

    @Test
    void promptLoginConsentSignsInAgainAndStillAsks() {
        App app = app("TRUSTED");
        Scope a = scope("REQUIRED");
        Map<String, String> p = request(app, a.name());
        p.put("prompt", "login consent");
        Http.Response r = signedIn.get(authorizeUrl(DEFAULT, p));
        assertThat(r.status()).isEqualTo(302);
        String fromUri = OAuthFlow.query(URI.create(r.header("Location")).getRawQuery()).get("fromURI");
        assertThat(fromUri).as("the way back after the sign-in still asks for consent").contains("prompt=consent");
    }

    @Test
    void theOrgServerNeverAsks() {
        App app = app("REQUIRED");
        Map<String, String> p = params(app.client(), randomVerifier());
        p.put("scope", "openid profile email");
        p.put("prompt", "consent");
        Http.Response r = signedIn.get(authorizeUrl(ORG, p));
        assertThat(r.status()).isEqualTo(302);
        assertThat(parameters(r.header("Location"))).containsKey("code");
    }

    @Test
    void promptNoneIsOktasConsentRequiredAndWritesNothing() {
        App app = app("REQUIRED");
        Scope a = scope("REQUIRED");
        Scope b = scope("FLEXIBLE");
        Map<String, String> p = request(app, a.name() + " " + b.name());
        p.put("prompt", "none");
        String before = flow.issuedRows();
        long requests = flow.count("SELECT COUNT(*) FROM oauth2_consent_requests");
        Map<String, String> answer = parameters(signedIn.get(authorizeUrl(DEFAULT, p)).header("Location"));
        assertThat(answer).containsEntry("error", "consent_required")
                .containsEntry("error_description", "The following scopes require user consent: [" + a.name() + ", " + b.name() + "].")
                .containsEntry("state", p.get("state"));
        assertThat(flow.issuedRows()).isEqualTo(before);
        assertThat(flow.count("SELECT COUNT(*) FROM oauth2_consent_requests")).isEqualTo(requests);
    }

    // ---- Allow, Don't Allow ---------------------------------------------------------------------------------------------

    @Test
    void allowRecordsOneGrantPerScopeContinuesToTheCodeAndTheNextSignInSkipsThePage() {
        App app = app("REQUIRED");
        Scope a = scope("REQUIRED");
        Scope b = scope("FLEXIBLE");
        Map<String, String> p = request(app, a.name() + " " + b.name());
        Http.Response page = consentPage(signedIn, p);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<b>" + app.label() + "</b> would like to access:")
                .contains("Display " + a.name()).contains("Description of " + a.name())
                .contains("Display " + b.name()).contains("Allow Access").contains("Don't Allow")
                .doesNotContain("View your email address.");   // email is IMPLICIT: only what needs consent is listed
        long grantEvents = flow.events("app.oauth2.as.consent.grant");

        Map<String, String> answer = allow(signedIn, page, p);
        assertThat(answer).containsKey("code").containsEntry("state", p.get("state"));
        assertThat(flow.events("app.oauth2.as.consent.grant")).isEqualTo(grantEvents + 2);   // a and b; email is IMPLICIT
        Http.Response token = flow.token(DEFAULT, OAuthFlow.exchange(app.client(), new OAuthFlow.Code(answer.get("code"),
                p.get(OAuthFlow.VERIFIER), answer)));
        assertThat(token.status()).as(token.body()).isEqualTo(200);
        assertThat(OAuthFlow.claims(token.json().get("access_token").asText()).get("scp").toString()).contains(a.name(), b.name());

        // The second sign-in goes straight to the code, and prompt=consent asks again.
        Map<String, String> again = request(app, a.name() + " " + b.name());
        assertThat(parameters(signedIn.get(authorizeUrl(DEFAULT, again)).header("Location"))).containsKey("code");
        Map<String, String> reask = request(app, a.name());
        reask.put("prompt", "consent");
        Http.Response asked = signedIn.get(authorizeUrl(DEFAULT, reask));
        assertThat(asked.header("Location")).startsWith(ConsentPages.PATH);
        // ... and Allow after prompt=consent keeps the one grant per scope.
        allow(signedIn, signedIn.get(asked.header("Location")), reask);
        assertThat(flow.count("SELECT COUNT(*) FROM oauth2_consent_grants WHERE client_id = '" + app.clientId()
                + "' AND status = 'ACTIVE'")).isEqualTo(2);
    }

    @Test
    void dontAllowSendsAccessDeniedWithStateAndRecordsNothing() {
        App app = app("REQUIRED");
        Scope a = scope("REQUIRED");
        Map<String, String> p = request(app, a.name());
        Http.Response page = consentPage(signedIn, p);
        String before = flow.issuedRows();
        Http.Response r = signedIn.post(ConsentPages.PATH, "csrf", Browser.csrf(page), "request", requestId(page), "consent", "deny");
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        assertThat(r.header("Location")).startsWith(app.client().redirectUri() + "?");
        assertThat(parameters(r.header("Location"))).containsEntry("error", "access_denied")
                .containsEntry("error_description", "The resource owner or authorization server denied the request.")
                .containsEntry("state", p.get("state")).containsEntry("iss", server.url() + "/oauth2/default");
        assertThat(grants(app)).isZero();
        assertThat(flow.issuedRows()).isEqualTo(before);
        // Not remembered: the next request asks again.
        assertThat(signedIn.get(authorizeUrl(DEFAULT, request(app, a.name()))).header("Location")).startsWith(ConsentPages.PATH);
    }

    // ---- the binding of the consent form ------------------------------------------------------------------------------

    @Test
    void forgedReplayedCrossSessionAndAfterSignOutConsentPostsGrantNothing() {
        App app = app("REQUIRED");
        Scope a = scope("REQUIRED");
        Map<String, String> p = request(app, a.name());

        // Forged: an id Gatehouse never issued.
        Http.Response page = consentPage(signedIn, p);
        assertThat(signedIn.post(ConsentPages.PATH, "csrf", Browser.csrf(page), "request", "x".repeat(43), "consent", "allow").status())
                .isEqualTo(400);
        // Without the CSRF token (the one mechanism refuses it before the page sees it).
        assertThat(signedIn.post(ConsentPages.PATH, "request", requestId(page), "consent", "allow").status()).isEqualTo(403);
        // Another session of the same person cannot answer it (nor see it).
        Browser other = flow.signedIn();
        Http.Response otherPage = consentPage(other, request(app, a.name()));
        assertThat(other.get(ConsentPages.PATH + "?request=" + requestId(page)).status()).isEqualTo(400);
        assertThat(other.post(ConsentPages.PATH, "csrf", Browser.csrf(otherPage), "request", requestId(page), "consent", "allow").status())
                .isEqualTo(400);
        // Another session's CSRF token with the right id is refused by the CSRF check.
        assertThat(signedIn.post(ConsentPages.PATH, "csrf", Browser.csrf(otherPage), "request", requestId(page), "consent", "allow")
                .status()).isEqualTo(403);
        // A bogus decision.
        assertThat(signedIn.post(ConsentPages.PATH, "csrf", Browser.csrf(page), "request", requestId(page), "consent", "maybe").status())
                .isEqualTo(400);
        assertThat(grants(app)).isZero();

        // Replayed: the first answer counts, a second post of the same form grants nothing (even after the grant is revoked).
        assertThat(signedIn.post(ConsentPages.PATH, "csrf", Browser.csrf(page), "request", requestId(page), "consent", "allow").status())
                .isEqualTo(303);
        assertThat(grants(app)).isEqualTo(1);
        assertThat(api.delete("/api/v1/users/" + adminId + "/clients/" + app.clientId() + "/grants").status()).isEqualTo(204);
        assertThat(signedIn.post(ConsentPages.PATH, "csrf", Browser.csrf(page), "request", requestId(page), "consent", "allow").status())
                .isEqualTo(400);
        assertThat(grants(app)).isZero();

        // After sign-out: the page belonged to the session that ended; a new session cannot answer it.
        Browser leaving = flow.signedIn();
        Http.Response pending = consentPage(leaving, request(app, a.name()));
        Http.Response confirm = leaving.get("/signout");
        assertThat(leaving.post("/signout", "csrf", Browser.csrf(confirm)).status()).isEqualTo(303);
        assertThat(leaving.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/").status()).isEqualTo(303);
        Http.Response fresh = leaving.get("/signout");
        assertThat(leaving.post(ConsentPages.PATH, "csrf", Browser.csrf(fresh), "request", requestId(pending), "consent", "allow").status())
                .isEqualTo(400);

        // Expired: ten minutes later the page is gone.
        Http.Response late = consentPage(signedIn, request(app, a.name()));
        server.clock.advance(Duration.ofMinutes(11));
        assertThat(signedIn.post(ConsentPages.PATH, "csrf", Browser.csrf(late), "request", requestId(late), "consent", "allow").status())
                .isEqualTo(400);
        assertThat(grants(app)).isZero();
        // The answered, the forged and the stale pages granted nothing; unrelated requests were not touched.
        assertThat(flow.count("SELECT COUNT(*) FROM oauth2_consent_grants WHERE client_id = '" + app.clientId() + "'")).isEqualTo(1);
    }

    @Test
    void consentsAnsweredAtOnceInSeveralTabsEachContinueWithOneGrantPerScope() throws Exception {
        // Two tabs of one session asked for the same scopes: both Allow at once. Each used to insert the grant it did not yet
        // see, and the slower one failed on the one-ACTIVE-grant key with a 500.
        App app = app("REQUIRED");
        Scope a = scope("REQUIRED");
        Scope b = scope("REQUIRED");
        List<Http.Response> pages = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            pages.add(consentPage(signedIn, request(app, a.name() + " " + b.name())));
        }
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Integer>> answers = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(pages.size())) {
            for (Http.Response page : pages) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return signedIn.post(ConsentPages.PATH, "csrf", Browser.csrf(page), "request", requestId(page), "consent", "allow")
                            .status();
                }));
            }
            go.countDown();
            for (var answer : answers) {
                assertThat(answer.get()).isEqualTo(303);
            }
        }
        assertThat(grants(app)).isEqualTo(2);
    }

    @Test
    void offlineAccessTheRuleDoesNotGrantIsNotAskedFor() {
        // A rule without the refresh_token grant silently drops offline_access (Okta). Consent was asked before that drop:
        // the person was asked to "keep you signed in" and a grant was recorded for a scope the code never carried.
        String as = api.post("/api/v1/authorizationServers", "{\"name\":\"consent " + System.nanoTime() + "\",\"audiences\":[\"api://c"
                + System.nanoTime() + "\"]}").json().get("id").asText();
        String policy = api.post("/api/v1/authorizationServers/" + as + "/policies", OAuthFlow.ALLOW_ALL_POLICY).json().get("id").asText();
        assertThat(api.post("/api/v1/authorizationServers/" + as + "/policies/" + policy + "/rules", OAuthFlow.ALLOW_ALL_RULE
                .replace("\"authorization_code\",\"client_credentials\",\"refresh_token\"", "\"authorization_code\"")).status()).isEqualTo(201);
        String offline = null;
        for (JsonNode s : api.get("/api/v1/authorizationServers/" + as + "/scopes").json()) {
            if (s.get("name").asText().equals("offline_access")) {
                offline = s.get("id").asText();
            }
        }
        Http.Response put = api.send("PUT", "/api/v1/authorizationServers/" + as + "/scopes/" + offline,
                "{\"name\":\"offline_access\",\"consent\":\"REQUIRED\"}");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        App app = app("REQUIRED");
        Map<String, String> p = params(app.client(), randomVerifier());
        p.put("scope", "openid offline_access");
        Http.Response r = signedIn.get(authorizeUrl("/oauth2/" + as + "/v1", p));
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        assertThat(parameters(r.header("Location"))).as(r.header("Location")).containsKey("code");
        assertThat(grants(app)).isZero();
    }

    @Test
    void aConsentIsForTheScopesAndClientItWasShownFor() {
        // The form carries only the id: what is granted is what the stored request asked, whatever else is posted.
        App app = app("REQUIRED");
        Scope a = scope("REQUIRED");
        Scope b = scope("REQUIRED");
        App another = app("REQUIRED");
        Http.Response page = consentPage(signedIn, request(app, a.name()));
        Http.Response r = signedIn.post(ConsentPages.PATH, "csrf", Browser.csrf(page), "request", requestId(page), "consent", "allow",
                "scope", b.name(), "client_id", another.clientId());
        assertThat(r.status()).isEqualTo(303);
        assertThat(flow.count("SELECT COUNT(*) FROM oauth2_consent_grants WHERE client_id = '" + app.clientId() + "' AND scope_id = '"
                + a.id() + "'")).isEqualTo(1);
        assertThat(flow.count("SELECT COUNT(*) FROM oauth2_consent_grants WHERE scope_id = '" + b.id() + "'")).isZero();
        assertThat(grants(another)).isZero();
    }

    // ---- User Grants API (notes §7.3) ---------------------------------------------------------------------------------

    @Test
    void userGrantsApiShapesPaginationAndNotFound() {
        App app = app("REQUIRED");
        Scope a = scope("REQUIRED");
        Scope b = scope("REQUIRED");
        allow(signedIn, consentPage(signedIn, request(app, a.name() + " " + b.name())), null);

        String base = "/api/v1/users/" + adminId;
        JsonNode list = ApiClient.ok(api.get(base + "/clients/" + app.clientId() + "/grants"));
        assertThat(list).hasSize(2);
        JsonNode g = list.get(0);
        List<String> keys = new ArrayList<>();
        g.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("id", "status", "created", "createdBy", "lastUpdated", "issuer", "clientId", "userId", "scopeId",
                "source", "_links");
        assertThat(g.get("id").asText()).startsWith("oag").hasSize(20);
        assertThat(g.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(g.get("source").asText()).isEqualTo("END_USER");
        assertThat(g.get("issuer").asText()).isEqualTo(server.url() + "/oauth2/default");
        assertThat(g.get("clientId").asText()).isEqualTo(app.clientId());
        assertThat(g.get("userId").asText()).isEqualTo(adminId);
        assertThat(g.get("createdBy").get("id").asText()).isEqualTo(adminId);
        assertThat(g.get("createdBy").get("type").asText()).isEqualTo("User");
        assertThat(List.of(a.id(), b.id())).contains(g.get("scopeId").asText());
        assertThat(g.get("_links").get("self").get("href").asText()).isEqualTo(server.url() + base + "/grants/" + g.get("id").asText());
        assertThat(g.get("_links").get("self").get("hints").get("allow").toString()).isEqualTo("[\"GET\",\"DELETE\"]");
        assertThat(g.get("_links").get("client").get("href").asText()).isEqualTo(server.url() + "/oauth2/v1/clients/" + app.clientId());
        assertThat(g.get("_links").get("client").get("title").asText()).isEqualTo(app.label());
        assertThat(g.get("_links").get("authorizationServer").get("href").asText())
                .isEqualTo(server.url() + "/api/v1/authorizationServers/default");

        JsonNode one = ApiClient.ok(api.get(base + "/grants/" + g.get("id").asText() + "?expand=scope"));
        assertThat(one.get("_embedded").get("scope").get("id").asText()).isEqualTo(g.get("scopeId").asText());
        assertThat(ApiClient.ok(api.get(base + "/grants?scopeId=" + a.id()))).hasSize(1);

        // Pagination: limit 1, Link next, then the rest.
        Http.Response first = api.get(base + "/clients/" + app.clientId() + "/grants?limit=1");
        assertThat(first.json()).hasSize(1);
        String next = first.header("Link").replaceAll(".*<([^>]+)>; rel=\"next\".*", "$1");
        assertThat(next).contains("after=");
        Http.Response second = api.get(URI.create(next).getRawPath() + "?" + URI.create(next).getRawQuery());
        assertThat(second.json()).hasSize(1);
        assertThat(second.json().get(0).get("id").asText()).isNotEqualTo(first.json().get(0).get("id").asText());
        assertThat(second.header("Link")).doesNotContain("rel=\"next\"");
        assertThat(api.get(base + "/grants?limit=0").status()).isEqualTo(400);
        assertThat(api.get(base + "/grants?limit=abc").status()).isEqualTo(400);
        assertThat(api.get(base + "/grants?expand=user").status()).isEqualTo(400);

        // Clients
        JsonNode clients = ApiClient.ok(api.get(base + "/clients"));
        JsonNode client = null;
        for (JsonNode c : clients) {
            if (c.get("client_id").asText().equals(app.clientId())) {
                client = c;
            }
        }
        assertThat(client).isNotNull();
        assertThat(client.get("client_name").asText()).isEqualTo(app.label());
        assertThat(client.get("_links").get("grants").get("href").asText())
                .isEqualTo(server.url() + base + "/clients/" + app.clientId() + "/grants");

        // 404s: unknown user, unknown grant, unknown client, and another user's grant id.
        assertThat(api.get("/api/v1/users/00uNoSuchUser0000000/grants").status()).isEqualTo(404);
        assertThat(api.get(base + "/grants/oagNoSuchGrant000000").status()).isEqualTo(404);
        assertThat(api.delete(base + "/grants/oagNoSuchGrant000000").status()).isEqualTo(404);
        assertThat(api.get(base + "/clients/0oaNoSuchClient00000/grants").status()).isEqualTo(404);
        assertThat(api.delete(base + "/clients/0oaNoSuchClient00000/grants").status()).isEqualTo(404);
        String login = "grantee" + SEQ.incrementAndGet() + "@gatehouse.test";
        String otherUser = People.create(server.http(), login, "Another-Horse-42");
        Http.Response notHis = api.get("/api/v1/users/" + otherUser + "/grants/" + g.get("id").asText());
        assertThat(notHis.status()).isEqualTo(404);
        assertThat(notHis.json().get("errorCode").asText()).isEqualTo("E0000007");
        assertThat(api.delete("/api/v1/users/" + otherUser + "/grants/" + g.get("id").asText()).status()).isEqualTo(404);
        assertThat(ApiClient.ok(api.get("/api/v1/users/" + otherUser + "/grants"))).isEmpty();
        assertThat(grants(app)).isEqualTo(2);
    }

    @Test
    void revokingAGrantEndsTheTokensItProducedAndTheNextSignInAsksAgain() {
        App app = app("REQUIRED");
        Scope a = scope("REQUIRED");
        Scope b = scope("REQUIRED");
        Map<String, String> p = request(app, a.name() + " offline_access");
        Map<String, String> answer = allow(signedIn, consentPage(signedIn, p), p);
        JsonNode tokens = flow.token(DEFAULT, OAuthFlow.exchange(app.client(), new OAuthFlow.Code(answer.get("code"),
                p.get(OAuthFlow.VERIFIER), answer))).json();
        // A second family, for scope b only: revoking a's grant leaves it alone.
        Map<String, String> pb = request(app, b.name() + " offline_access");
        Map<String, String> answerB = allow(signedIn, consentPage(signedIn, pb), pb);
        JsonNode tokensB = flow.token(DEFAULT, OAuthFlow.exchange(app.client(), new OAuthFlow.Code(answerB.get("code"),
                pb.get(OAuthFlow.VERIFIER), answerB))).json();
        OAuthFlow client = OAuthFlow.forClient(server, app.clientId());
        assertThat(introspect(client, tokens.get("access_token").asText())).isTrue();

        String grantId = null;
        for (JsonNode g : ApiClient.ok(api.get("/api/v1/users/" + adminId + "/clients/" + app.clientId() + "/grants"))) {
            if (g.get("scopeId").asText().equals(a.id())) {
                grantId = g.get("id").asText();
            }
        }
        long revokeEvents = flow.events("app.oauth2.as.consent.revoke");
        assertThat(api.delete("/api/v1/users/" + adminId + "/grants/" + grantId).status()).isEqualTo(204);
        assertThat(flow.events("app.oauth2.as.consent.revoke")).isEqualTo(revokeEvents + 1);
        JsonNode revoked = ApiClient.ok(api.get("/api/v1/users/" + adminId + "/grants/" + grantId));
        assertThat(revoked.get("status").asText()).isEqualTo("REVOKED");

        Http.Response refresh = client.refresh(tokens.get("refresh_token").asText());
        assertThat(refresh.status()).as(refresh.body()).isEqualTo(400);
        assertThat(refresh.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(introspect(client, tokens.get("access_token").asText())).isFalse();
        // The other scope's family still works.
        assertThat(client.refresh(tokensB.get("refresh_token").asText()).status()).isEqualTo(200);
        // And consent is asked again for a.
        assertThat(signedIn.get(authorizeUrl(DEFAULT, request(app, a.name()))).header("Location")).startsWith(ConsentPages.PATH);
    }

    @Test
    void deactivatingTheAppTheUserOrTheServerEndsTheirGrantsAndDeletingTheScopeRemovesThem() {
        App app = app("REQUIRED");
        Scope a = scope("REQUIRED");
        allow(signedIn, consentPage(signedIn, request(app, a.name())), null);
        assertThat(grants(app)).isEqualTo(1);
        assertThat(api.post("/api/v1/apps/" + app.client().appId() + "/lifecycle/deactivate", "").status()).isEqualTo(200);
        assertThat(grants(app)).isZero();

        // The user: deactivated, their consent ends.
        String login = "consenter" + SEQ.incrementAndGet() + "@gatehouse.test";
        String userId = People.create(server.http(), login, "Another-Horse-42");
        Browser person = OAuthFlow.signedIn(server, login, "Another-Horse-42");
        App second = app("REQUIRED");
        allow(person, consentPage(person, request(second, a.name())), null);
        assertThat(grants(second)).isEqualTo(1);
        assertThat(api.post("/api/v1/users/" + userId + "/lifecycle/deactivate", "").status()).isEqualTo(200);
        assertThat(grants(second)).isZero();

        // The scope: deleted, its grants go with it.
        App third = app("REQUIRED");
        Scope b = scope("REQUIRED");
        allow(signedIn, consentPage(signedIn, request(third, b.name())), null);
        assertThat(grants(third)).isEqualTo(1);
        assertThat(api.delete("/api/v1/authorizationServers/default/scopes/" + b.id()).status()).isEqualTo(204);
        assertThat(flow.count("SELECT COUNT(*) FROM oauth2_consent_grants WHERE scope_id = '" + b.id() + "'")).isZero();

        // The server: deactivated, every consent on it ends (and stays ended when it comes back).
        App fourth = app("REQUIRED");
        allow(signedIn, consentPage(signedIn, request(fourth, a.name())), null);
        assertThat(grants(fourth)).isEqualTo(1);
        try {
            assertThat(api.post("/api/v1/authorizationServers/default/lifecycle/deactivate", "").status()).isEqualTo(204);
        } finally {
            assertThat(api.post("/api/v1/authorizationServers/default/lifecycle/activate", "").status()).isEqualTo(204);
        }
        assertThat(grants(fourth)).isZero();
        assertThat(signedIn.get(authorizeUrl(DEFAULT, request(fourth, a.name()))).header("Location")).startsWith(ConsentPages.PATH);
    }

    @Test
    void clientCredentialsRefusesRequiredScopesAndGrantsFlexibleOnes() {
        Client service = flow.serviceClient();
        Scope required = scope("REQUIRED");
        Scope flexible = scope("FLEXIBLE");
        String basic = OAuthFlow.basic(service.clientId(), service.secret());
        Http.Response refused = flow.token(DEFAULT, OAuthFlow.fields("grant_type", "client_credentials", "scope",
                flexible.name() + " " + required.name()), "Authorization", basic);
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("consent_required");
        assertThat(refused.json().get("error_description").asText()).isEqualTo("The following scopes require user consent and cannot be "
                + "granted for the client credentials grant type: [" + required.name() + "].");
        Http.Response ok = flow.token(DEFAULT, OAuthFlow.fields("grant_type", "client_credentials", "scope", flexible.name()),
                "Authorization", basic);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }

    // ---- helpers --------------------------------------------------------------------------------------------------------

    record App(Client client, String label) {
        String clientId() {
            return client.clientId();
        }
    }

    record Scope(String id, String name) {
    }

    private App app(String consentMethod) {
        Client c = flow.spaClient(a -> OAuthFlow.oauthClient(a).put("consent_method", consentMethod));
        return new App(c, api.get("/api/v1/apps/" + c.appId()).json().get("label").asText());
    }

    private Scope scope(String consent) {
        String name = "consent.read." + SEQ.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        Http.Response r = api.post("/api/v1/authorizationServers/default/scopes", """
                {"name":"%s","displayName":"Display %s","description":"Description of %s","consent":"%s"}"""
                .formatted(name, name, name, consent));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return new Scope(r.json().get("id").asText(), name);
    }

    private static Map<String, String> request(App app, String scopes) {
        Map<String, String> p = params(app.client(), randomVerifier());
        p.put("scope", "openid email " + scopes);
        return p;
    }

    private static Http.Response consentPage(Browser b, Map<String, String> p) {
        Http.Response r = b.get(authorizeUrl(DEFAULT, p));
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        assertThat(r.header("Location")).startsWith(ConsentPages.PATH + "?request=");
        Http.Response page = b.get(r.header("Location"));
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        return page;
    }

    private static String requestId(Http.Response page) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"request\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        return m.group(1);
    }

    /** Clicks Allow Access and follows the way back to /authorize: the parameters at the redirect URI. */
    private static Map<String, String> allow(Browser b, Http.Response page, Map<String, String> p) {
        Http.Response r = b.post(ConsentPages.PATH, "csrf", Browser.csrf(page), "request", requestId(page), "consent", "allow");
        assertThat(r.status()).as(r.body()).isEqualTo(303);
        String back = r.header("Location");
        assertThat(back).startsWith(DEFAULT + "/authorize?");
        Http.Response code = b.get(back);
        assertThat(code.status()).as(code.body()).isEqualTo(302);
        Map<String, String> answer = parameters(code.header("Location"));
        assertThat(answer).as(code.header("Location")).containsKey("code");
        if (p != null) {
            assertThat(answer).containsEntry("state", p.get("state"));
        }
        return answer;
    }

    private static long grants(App app) {
        return flow.count("SELECT COUNT(*) FROM oauth2_consent_grants WHERE client_id = '" + app.clientId() + "' AND status = 'ACTIVE'");
    }

    private static boolean introspect(OAuthFlow client, String token) {
        Http.Response r = client.form("/introspect", "client_id", client.clientId(), "token", token, "token_type_hint", "access_token");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("active").asBoolean();
    }
}
