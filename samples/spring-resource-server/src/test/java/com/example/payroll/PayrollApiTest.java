package com.example.payroll;

import dev.gatehouse.junit.GatehouseExtension;
import dev.gatehouse.junit.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** The API against a real Gatehouse: tokens from its hosted sign-in, checked by Spring Security as in production. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PayrollApiTest {

    @RegisterExtension
    static final GatehouseExtension idp = GatehouseExtension.withOrg("org.yaml");

    @DynamicPropertySource
    static void gatehouse(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", idp::issuer);
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void aRequestWithAnAccessTokenOfTheIssuerIsServed() throws Exception {
        Tokens tokens = idp.signIn("ada@example.com", "payroll-spa", "openid profile");

        HttpResponse<String> r = get("/api/payslips/mine", tokens.bearer());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"employee\":\"ada@example.com\"").contains("openid", "profile");
    }

    @Test
    void aRequestWithoutATokenIsRefused() throws Exception {
        HttpResponse<String> r = get("/api/payslips/mine", null);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer").doesNotContain("error=");
    }

    @Test
    void aTokenOfTheSameIssuerForAnotherAudienceIsRefused() throws Exception {
        // The default server issues for api://default; for a while it issues for another API instead.
        String server = idp.baseUrl() + "/api/v1/authorizationServers/default";
        Tokens forAnotherApi;
        setAudience(server, "api://another-api");
        try {
            forAnotherApi = idp.signIn("ada@example.com", "payroll-spa", "openid");
        } finally {
            setAudience(server, "api://default");
        }
        String claims = new String(Base64.getUrlDecoder().decode(forAnotherApi.accessToken().split("\\.")[1]), StandardCharsets.UTF_8);
        assertThat(claims).as("only the audience differs").contains("\"iss\":\"" + idp.issuer() + "\"").contains("\"aud\":\"api://another-api\"");

        HttpResponse<String> r = get("/api/payslips/mine", forAnotherApi.bearer());

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token").contains("aud");
        // and a token for this API, signed in the same way, is still served
        assertThat(get("/api/payslips/mine", idp.signIn("ada@example.com", "payroll-spa", "openid").bearer()).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Changes the default authorization server's audience through Gatehouse's management API (Okta's GET and PUT). */
    private static void setAudience(String server, String audience) throws Exception {
        HttpResponse<String> current = HTTP.send(HttpRequest.newBuilder(URI.create(server)).header("Authorization", "SSWS " + idp.apiToken())
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(current.statusCode()).as(current.body()).isEqualTo(200);
        String body = current.body().replaceFirst("\"audiences\":\\[[^\\]]*\\]", "\"audiences\":[\"" + audience + "\"]");
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server))
                .header("Authorization", "SSWS " + idp.apiToken()).header("Content-Type", "application/json")
                .header("Accept", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
