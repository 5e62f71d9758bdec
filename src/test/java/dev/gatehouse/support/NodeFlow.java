package dev.gatehouse.support;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SPA flow of {@link OAuthFlow} against nodes named by URL, so one client can send each request to a different
 * node (as behind a round-robin load balancer). Every call takes the node it goes to; nothing is remembered per node.
 */
public final class NodeFlow {

    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final String BASE = "/oauth2/default/v1";
    /** One client for every call (an HttpClient each would cost a selector thread each). */
    private static final java.net.http.HttpClient CLIENT = java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(5)).build();

    public final String clientId;

    private NodeFlow(String clientId) {
        this.clientId = clientId;
    }

    /** A rotating-refresh SPA assigned to everyone, created on {@code node}, with the given grace period in seconds. */
    public static NodeFlow spa(String node, int leeway) {
        String body = """
                {"name":"oidc_client","label":"Node SPA %d","signOnMode":"OPENID_CONNECT",
                 "credentials":{"oauthClient":{"token_endpoint_auth_method":"none","pkce_required":true}},
                 "settings":{"implicitAssignment":true,"oauthClient":{"application_type":"browser",
                   "redirect_uris":["%s"],"post_logout_redirect_uris":["%s"],
                   "response_types":["code"],"grant_types":["authorization_code","refresh_token"],
                   "refresh_token":{"rotation_type":"ROTATE","leeway":%d},"consent_method":"TRUSTED"}}}"""
                .formatted(SEQ.incrementAndGet(), OAuthFlow.REDIRECT_URI, OAuthFlow.POST_LOGOUT_REDIRECT_URI, leeway);
        Http.Response r = ApiClient.of(api(node)).post("/api/v1/apps", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return new NodeFlow(r.json().get("credentials").get("oauthClient").get("client_id").asText());
    }

    public static Http api(String node) {
        return new Http(node, CLIENT);
    }

    /** Signs in at the hosted page: the form from {@code pageNode}, the post to {@code postNode}; the 303 response. */
    public static Http.Response signIn(Browser browser, String pageNode, String postNode, String login, String password) {
        Http.Response page = browser.get(pageNode + "/signin?fromURI=%2F");
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        return browser.post(postNode + "/signin", "csrf", Browser.csrf(page), "username", login, "password", password, "fromURI", "/");
    }

    /** The code {@code /authorize} on {@code node} gives the signed-in browser, for the PKCE {@code verifier}. */
    public String code(Browser browser, String node, String verifier) {
        String url = node + BASE + "/authorize?client_id=" + OAuthFlow.enc(clientId) + "&redirect_uri=" + OAuthFlow.enc(OAuthFlow.REDIRECT_URI)
                + "&response_type=code&scope=" + OAuthFlow.enc(OAuthFlow.ALL_SCOPES) + "&state=s1&nonce=" + OAuthFlow.freshNonce() + "&code_challenge="
                + OAuthFlow.challenge(verifier) + "&code_challenge_method=S256";
        Http.Response r = browser.get(url);
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        String location = r.header("Location");
        assertThat(location).as("redirect").startsWith(OAuthFlow.REDIRECT_URI + "?");
        Map<String, String> q = OAuthFlow.query(URI.create(location).getRawQuery());
        assertThat(q).as(location).containsKey("code");
        return q.get("code");
    }

    /** {@code /authorize} on {@code authorizeNode}, the code exchanged on {@code tokenNode}: the /token JSON. */
    public JsonNode tokens(Browser browser, String authorizeNode, String tokenNode) {
        String verifier = OAuthFlow.randomVerifier();
        String code = code(browser, authorizeNode, verifier);
        Http.Response r = form(tokenNode, "/token", "grant_type", "authorization_code", "client_id", clientId,
                "redirect_uri", OAuthFlow.REDIRECT_URI, "code", code, "code_verifier", verifier);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    public Http.Response refresh(String node, String refreshToken) {
        return form(node, "/token", "grant_type", "refresh_token", "client_id", clientId, "refresh_token", refreshToken);
    }

    public Http.Response introspect(String node, String token, String hint) {
        return form(node, "/introspect", "client_id", clientId, "token", token, "token_type_hint", hint);
    }

    public Http.Response form(String node, String endpoint, String... fields) {
        return api(node).send("POST", BASE + endpoint, OAuthFlow.encode(fields), "Content-Type", "application/x-www-form-urlencoded");
    }
}
