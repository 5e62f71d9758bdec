package dev.gatehouse.support;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Okta schema check itself (issue #24), on bodies written here: what it accepts, and that it refuses each kind of
 * difference, naming where. The HTTP test suites then run it on every /api/v1 response they receive.
 */
class OktaSchemaTest {

    private static final String JSON = "application/json";
    private static final String USER = """
            {"id":"00u1abcdefGHIJKLMNOP","status":"ACTIVE","created":"2026-01-01T00:00:00.000Z","activated":"2026-01-01T00:00:00.000Z",
             "statusChanged":"2026-01-01T00:00:00.000Z","lastLogin":null,"lastUpdated":"2026-01-01T00:00:00.000Z",
             "passwordChanged":"2026-01-01T00:00:00.000Z",
             "profile":{"firstName":"Ada","lastName":"Lovelace","mobilePhone":null,"secondEmail":null,"login":"ada@gatehouse.test",
                        "email":"ada@gatehouse.test","favouriteColour":"green"},
             "credentials":{"password":{},"provider":{"type":"OKTA","name":"OKTA"}},
             "_links":{"self":{"href":"https://gatehouse.test/api/v1/users/00u1abcdefGHIJKLMNOP"}}}""";
    private static final String OIDC_APP = """
            {"id":"0oa1abcdefGHIJKLMNOP","name":"oidc_client","label":"My SPA","status":"ACTIVE","signOnMode":"OPENID_CONNECT",
             "created":"2026-01-01T00:00:00.000Z","lastUpdated":"2026-01-01T00:00:00.000Z",
             "credentials":{"oauthClient":{"client_id":"0oa1abcdefGHIJKLMNOP","token_endpoint_auth_method":"none","pkce_required":true}},
             "settings":{"oauthClient":{"application_type":"browser","redirect_uris":["http://localhost:8080/login/callback"],
                         "response_types":["code"],"grant_types":["authorization_code"]}}}""";

    private final OktaSchema schema = OktaSchema.get();

    private List<String> check(String method, String path, int status, String body) {
        return schema.differences(method, path, status, JSON, body);
    }

    private static String edit(String json, String from, String to) {
        assertThat(json).contains(from);
        return json.replace(from, to);
    }

    @Test
    void aUserAsOktaDescribesItConforms() {
        assertThat(check("GET", "/api/v1/users/00u1abcdefGHIJKLMNOP", 200, USER)).isEmpty();
        assertThat(check("GET", "/api/v1/users", 200, "[" + USER + "]")).isEmpty();
    }

    @Test
    void aNullWhereOktasSchemaHasNoneIsReportedWithItsPath() {
        List<String> d = check("GET", "/api/v1/users/00u1", 200, edit(USER, "\"status\":\"ACTIVE\"", "\"status\":null"));
        assertThat(d).isNotEmpty().allSatisfy(x -> assertThat(x).startsWith("$.status: "));
        assertThat(d.getFirst()).startsWith("$.status: null found");
        assertThat(check("GET", "/api/v1/users", 200, "[" + edit(USER, "\"status\":\"ACTIVE\"", "\"status\":null") + "]").getFirst())
                .startsWith("$[0].status: null found");
    }

    @Test
    void aPropertyOktasSchemaDoesNotDeclareIsReportedItselfAndNotItsParents() {
        String body = edit(USER, "\"_links\":{", "\"extra\":1,\"_links\":{\"groups\":{\"href\":\"x\"},");
        assertThat(check("GET", "/api/v1/users/00u1", 200, body)).hasSize(2)
                .anySatisfy(d -> assertThat(d).startsWith("$._links.groups: Okta's schema does not declare this property"))
                .anySatisfy(d -> assertThat(d).startsWith("$.extra: Okta's schema does not declare this property"));
        // Custom profile attributes are declared open by Okta's UserProfile: favouriteColour above passed.
    }

    @Test
    void aValueOfTheWrongTypeIsReportedBeforeAnyUndeclaredPropertyAroundIt() {
        String body = edit(USER, "\"lastLogin\":null", "\"lastLogin\":42,\"extra\":1");
        assertThat(check("GET", "/api/v1/users/00u1", 200, body)).singleElement().asString().startsWith("$.lastLogin: integer found");
    }

    @Test
    void aSecretOktaOnlyAcceptsIsNeverAllowedInAResponse() {
        String body = edit(USER, "\"password\":{}", "\"password\":{\"value\":\"Tr0ub4dor&3\"}");
        assertThat(check("GET", "/api/v1/users/00u1", 200, body)).singleElement().asString().startsWith("$.credentials.password.value:");
    }

    @Test
    void theDiscriminatorChecksAnAppAgainstTheSchemaOfItsSignOnMode() {
        assertThat(check("GET", "/api/v1/apps/0oa1", 200, OIDC_APP)).isEmpty();
        // OpenIdConnectApplicationSettingsClient, which only an OPENID_CONNECT app is checked against, wants a list here.
        List<String> d = check("GET", "/api/v1/apps/0oa1", 200,
                edit(OIDC_APP, "\"redirect_uris\":[\"http://localhost:8080/login/callback\"]", "\"redirect_uris\":\"http://localhost:8080\""));
        assertThat(d).anySatisfy(x -> assertThat(x).startsWith("$.settings.oauthClient.redirect_uris: string found, array expected"));
        // And OpenIdConnectApplication requires name, settings and credentials.
        assertThat(check("GET", "/api/v1/apps", 200, "[" + edit(OIDC_APP, "\"name\":\"oidc_client\",", "") + "]"))
                .anySatisfy(x -> assertThat(x).contains("$[0]: required property 'name' not found"));
    }

    @Test
    void aSuccessStatusOktaDoesNotDocumentIsReportedWithTheOnesItDoes() {
        assertThat(check("POST", "/api/v1/authorizationServers", 200, "{}")).singleElement().asString()
                .isEqualTo("status 200 is not one Okta documents for POST /api/v1/authorizationServers (documented: 201, 400, 403, 429)");
        assertThat(check("PATCH", "/api/v1/users/00u1", 200, USER)).singleElement().asString()
                .isEqualTo("Okta's management API has no PATCH on /api/v1/users/{id}");
        assertThat(check("GET", "/api/v1/no-such-thing", 200, "{}")).singleElement().asString()
                .isEqualTo("Okta's management API has no path /api/v1/no-such-thing");
    }

    @Test
    void anErrorStatusTheOperationDoesNotListIsCheckedAgainstOktasErrorSchema() {
        String error = "{\"errorCode\":\"E0000011\",\"errorSummary\":\"Invalid token provided\",\"errorLink\":\"E0000011\","
                + "\"errorId\":\"oae1\",\"errorCauses\":[]}";
        assertThat(check("GET", "/api/v1/users", 401, error)).isEmpty();
        assertThat(check("GET", "/api/v1/no-such-thing", 404, error)).isEmpty();
        assertThat(check("GET", "/api/v1/users", 401, "{\"error\":\"invalid_token\"}")).singleElement().asString()
                .startsWith("$.error: Okta's schema does not declare this property");
        assertThat(schema.differences("GET", "/api/v1/users", 500, "text/html", "<h1>Oops</h1>"))
                .anySatisfy(d -> assertThat(d).startsWith("Content-Type is text/html"))
                .anySatisfy(d -> assertThat(d).startsWith("the body is not JSON"));
    }

    @Test
    void aResponseOktaDocumentsWithoutContentHasNoBody() {
        assertThat(check("DELETE", "/api/v1/users/00u1", 204, "")).isEmpty();
        assertThat(check("DELETE", "/api/v1/users/00u1", 204, "{}")).singleElement().asString()
                .isEqualTo("Okta documents no content for this status, but the response has a body");
    }

    @Test
    void literalPathSegmentsBeatParameters() {
        assertThat(schema.template("/api/v1/api-tokens/current")).isEqualTo("/api/v1/api-tokens/current");
        assertThat(schema.template("/api/v1/api-tokens/00Tabcdefg1234567890")).isEqualTo("/api/v1/api-tokens/{apiTokenId}");
        assertThat(schema.template("/api/v1/users/00u1/lifecycle/suspend")).isEqualTo("/api/v1/users/{id}/lifecycle/suspend");
        assertThat(schema.template("/api/v1/users/")).isNull();
    }

    @Test
    void aNonConformingResponseFailsWithMethodPathStatusAndTheDifferences() {
        HttpHeaders json = HttpHeaders.of(Map.of("Content-Type", List.of(JSON)), (a, b) -> true);
        assertThatThrownBy(() -> OktaSchema.check("POST", URI.create("http://127.0.0.1:1/api/v1/authorizationServers"), 200, json, "{}"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("POST /api/v1/authorizationServers -> 200")
                .hasMessageContaining("status 200 is not one Okta documents")
                .hasMessageContaining("OktaSchemaDeviations");
        // Outside /api/v1, and CORS preflights, nothing is checked.
        OktaSchema.check("GET", URI.create("http://127.0.0.1:1/oauth2/default/v1/keys"), 200, json, "not json");
        OktaSchema.check("OPTIONS", URI.create("http://127.0.0.1:1/api/v1/sessions/me"), 204, json, "");
    }

    @Test
    void aMissingSpecFailsWithWhereItIsExpected() {
        assertThatThrownBy(() -> OktaSchema.read(Path.of("no", "such", "management-minimal.yaml")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Okta's management API spec is missing")
                .hasMessageContaining("../shared/okta-openapi/management-minimal.yaml");
    }

    /** Each deviation in code is listed, under the same name, in docs/OKTA-COMPATIBILITY.md, and nothing else is. */
    @Test
    void theDeviationsInCodeAreTheOnesTheCompatibilityDocumentLists() throws IOException {
        String doc = Files.readString(Path.of("docs", "OKTA-COMPATIBILITY.md"));
        int start = doc.indexOf("## Deliberate deviations from Okta's schema");
        assertThat(start).as("the section in docs/OKTA-COMPATIBILITY.md").isNotNegative();
        int end = doc.indexOf("\n## ", start + 1);
        String section = end < 0 ? doc.substring(start) : doc.substring(start, end);
        List<String> listed = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^\\| (?!---|What\\b)(.+?) \\| .+ \\|$").matcher(section);
        while (row.find()) {
            listed.add(row.group(1).trim());
        }
        List<String> inCode = Stream.concat(OktaSchemaDeviations.SPEC_SLIPS.stream(), OktaSchemaDeviations.GATEHOUSE.stream())
                .map(OktaSchemaDeviations.Entry::where).toList();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(inCode);
    }
}
