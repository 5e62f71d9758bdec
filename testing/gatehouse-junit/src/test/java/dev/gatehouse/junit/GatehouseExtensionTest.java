package dev.gatehouse.junit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The extension as an app's test uses it: a server from an org file, and tokens from the hosted sign-in. */
class GatehouseExtensionTest {

    @RegisterExtension
    static final GatehouseExtension idp = GatehouseExtension.withOrg("payroll-org.yaml");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static String baseUrlAtStart;

    @BeforeAll
    static void recordTheServer() {
        baseUrlAtStart = idp.baseUrl();
        System.out.println("GatehouseExtensionTest: the server started in " + idp.startTime().toMillis() + " ms");
    }

    @Test
    void theIssuerIsTheDefaultServerOfARunningGatehouseOnLoopback() throws Exception {
        assertThat(idp.baseUrl()).isEqualTo("http://127.0.0.1:" + idp.port());
        assertThat(idp.issuer()).isEqualTo(idp.baseUrl() + "/oauth2/default");
        JsonNode discovery = get(idp.issuer() + "/.well-known/openid-configuration");
        assertThat(discovery.path("issuer").asText()).isEqualTo(idp.issuer());
        assertThat(get(idp.orgIssuer() + "/.well-known/openid-configuration").path("issuer").asText()).isEqualTo(idp.baseUrl());
    }

    @Test
    void signInReturnsTokensSignedByTheIssuerForTheApp() throws Exception {
        Tokens tokens = idp.signIn("ada@example.com", "payroll-spa", "openid profile email offline_access");

        SignedJWT access = verified(tokens.accessToken());
        assertThat(access.getJWTClaimsSet().getIssuer()).isEqualTo(idp.issuer());
        assertThat(access.getJWTClaimsSet().getAudience()).containsExactly("api://default");
        assertThat(access.getJWTClaimsSet().getSubject()).isEqualTo("ada@example.com");
        assertThat(access.getJWTClaimsSet().getStringClaim("cid")).isEqualTo("payroll-spa");
        assertThat(access.getJWTClaimsSet().getStringListClaim("scp")).contains("openid", "profile", "email", "offline_access");

        SignedJWT id = verified(tokens.idToken());
        assertThat(id.getJWTClaimsSet().getIssuer()).isEqualTo(idp.issuer());
        assertThat(id.getJWTClaimsSet().getAudience()).containsExactly("payroll-spa");
        assertThat(id.getJWTClaimsSet().getStringClaim("email")).isEqualTo("ada@example.com");
        assertThat(tokens.refreshToken()).as("offline_access on an app with the refresh_token grant").isNotBlank();
        assertThat(tokens.scope()).contains("openid");
        assertThat(tokens.expiresIn()).isPositive();
        assertThat(tokens.bearer()).isEqualTo("Bearer " + tokens.accessToken());

        // The tokens are the server's own: userinfo accepts the access token.
        HttpResponse<String> userinfo = HTTP.send(HttpRequest.newBuilder(URI.create(idp.issuer() + "/v1/userinfo"))
                .header("Authorization", tokens.bearer()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(userinfo.statusCode()).as(userinfo.body()).isEqualTo(200);
        assertThat(JSON.readTree(userinfo.body()).path("email").asText()).isEqualTo("ada@example.com");
    }

    @Test
    void eachSignInIsANewSessionAndNewTokens() {
        Tokens first = idp.signIn("ada@example.com", "payroll-spa", "openid");
        Tokens second = idp.signIn("ada@example.com", "payroll-spa", "openid");
        assertThat(second.accessToken()).isNotEqualTo(first.accessToken());
        assertThat(first.refreshToken()).as("no offline_access asked for").isNull();
    }

    @Test
    void aWrongPasswordIsRefusedByTheSignInPage() {
        assertThatThrownBy(() -> idp.signIn("ada@example.com", "Not-Her-Password-9", "payroll-spa", "openid"))
                .isInstanceOfSatisfying(SignInException.class, e -> {
                    assertThat(e.step()).isEqualTo("sign-in");
                    assertThat(e.status()).isEqualTo(401);
                })
                .hasMessageContaining("did not sign ada@example.com in")
                .hasMessageContaining("Check your username and password");
    }

    @Test
    void aPersonTheAppIsNotAssignedToIsRefusedAtAuthorize() {
        assertThatThrownBy(() -> idp.signIn("bob@example.com", "payroll-spa", "openid"))
                .isInstanceOfSatisfying(SignInException.class, e -> assertThat(e.step()).isEqualTo("authorize"))
                .hasMessageContaining("bob@example.com").hasMessageContaining("Payroll SPA");
    }

    @Test
    void anUnknownClientOrLoginSaysWhatIsThere() {
        assertThatThrownBy(() -> idp.signIn("ada@example.com", "no-such-app", "openid"))
                .isInstanceOf(SignInException.class).hasMessageContaining("No app with client_id no-such-app")
                .hasMessageContaining("payroll-spa");
        assertThatThrownBy(() -> idp.signIn("carol@example.com", "payroll-spa", "openid"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no user whose profile.login is carol@example.com");
    }

    @Test
    void aSecretFixedInTheOrgFileIsTheOneTheClientUses() {
        assertThat(idp.clientSecret("payroll-reports")).isEqualTo("reports-dev-secret-0123");
        Tokens tokens = idp.signIn("ada@example.com", "payroll-reports", "openid");
        assertThat(tokens.accessToken()).isNotBlank();
        assertThat(idp.clientSecret("payroll-reports")).as("not replaced by the sign-in").isEqualTo("reports-dev-secret-0123");
    }

    @Test
    void aConfidentialClientSignsInWithASecretTheExtensionMadeAndSharesWithTheTest() throws Exception {
        Tokens tokens = idp.signIn("ada@example.com", "payroll-web", "openid profile");
        assertThat(verified(tokens.accessToken()).getJWTClaimsSet().getStringClaim("cid")).isEqualTo("payroll-web");
        String secret = idp.clientSecret("payroll-web");
        assertThat(idp.clientSecret("payroll-web")).as("made once").isEqualTo(secret);
        // The app under test authenticates with it: introspection of the token it received.
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(idp.issuer() + "/v1/introspect"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(("payroll-web:" + secret).getBytes()))
                .POST(HttpRequest.BodyPublishers.ofString("token_type_hint=access_token&token=" + tokens.accessToken())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("active").asBoolean()).isTrue();
        assertThatThrownBy(() -> idp.clientSecret("payroll-spa")).isInstanceOf(SignInException.class).hasMessageContaining("public client");
    }

    @Test
    void theOrgAuthorizationServerIssuesToo() throws Exception {
        Tokens tokens = idp.signInAt("org", "ada@example.com", "Correct-Horse-Battery-1", "payroll-spa", "openid");
        SignedJWT id = SignedJWT.parse(tokens.idToken());
        assertThat(id.getJWTClaimsSet().getIssuer()).isEqualTo(idp.orgIssuer());
    }

    @Test
    void theApiTokenIsASuperAdminsForTheManagementApi() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(idp.baseUrl() + "/api/v1/users?limit=200"))
                .header("Authorization", "SSWS " + idp.apiToken()).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> logins = JSON.readTree(r.body()).findValuesAsText("login");
        assertThat(logins).contains("ada@example.com", "bob@example.com");
    }

    @Nested
    class InANestedClass {
        @Test
        void theSameServerServes() {
            assertThat(idp.baseUrl()).isEqualTo(baseUrlAtStart);
            assertThat(idp.signIn("ada@example.com", "payroll-spa", "openid").accessToken()).isNotBlank();
        }
    }

    /** The JWT, after checking its signature with the key of that kid in the issuer's JWKS. */
    private static SignedJWT verified(String jwt) throws Exception {
        SignedJWT parsed = SignedJWT.parse(jwt);
        String jwksUri = get(parsed.getJWTClaimsSet().getIssuer() + "/.well-known/openid-configuration").path("jwks_uri").asText();
        JWKSet keys = JWKSet.load(URI.create(jwksUri).toURL());
        assertThat(parsed.verify(new RSASSAVerifier(keys.getKeyByKeyId(parsed.getHeader().getKeyID()).toRSAKey()))).isTrue();
        return parsed;
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
