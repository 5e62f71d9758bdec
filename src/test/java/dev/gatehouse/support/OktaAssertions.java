package dev.gatehouse.support;

import com.fasterxml.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on Okta's wire shapes shared by the HTTP tests. */
public final class OktaAssertions {

    private OktaAssertions() {
    }

    /** An Okta management-API error: status, code, and the full shape, with no stack trace leaking. */
    public static void assertOktaError(Http.Response r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode j = r.json();
        assertThat(j.get("errorCode").asText()).isEqualTo(code);
        assertThat(j.get("errorLink").asText()).isEqualTo(code);
        assertThat(j.get("errorId").asText()).startsWith("oae");
        assertThat(j.get("errorSummary").asText()).isNotBlank();
        assertThat(j.get("errorCauses").isArray()).isTrue();
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at dev.gatehouse");
    }
}
