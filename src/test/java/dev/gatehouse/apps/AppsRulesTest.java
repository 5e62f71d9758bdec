package dev.gatehouse.apps;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.apps.AppSettings.ApplicationType;
import dev.gatehouse.apps.AppSettings.AuthMethod;
import dev.gatehouse.apps.AppSettings.GrantType;
import dev.gatehouse.apps.AppSettings.ResponseType;
import dev.gatehouse.apps.AppSettings.RotationType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@link AppRules} on its own, as the console calls it: defaults per application type and the rules, without a server. */
class AppsRulesTest {

    private static AppRequest.Builder request(String type) {
        return AppRequest.builder("An app", type).redirectUris(List.of("https://app.example.com/cb"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            browser | NONE                | true  | ROTATE | AUTHORIZATION_CODE | CODE
            native  | NONE                | true  | STATIC | AUTHORIZATION_CODE | CODE
            web     | CLIENT_SECRET_BASIC | false | STATIC | AUTHORIZATION_CODE | CODE
            service | CLIENT_SECRET_BASIC | false | STATIC | CLIENT_CREDENTIALS | TOKEN
            """)
    void eachApplicationTypeHasItsDefaults(String type, AuthMethod method, boolean pkce, RotationType rotation, GrantType grant,
                                          ResponseType response) {
        AppRequest.Builder b = AppRequest.builder("An app", type);
        if (!type.equals("service")) {
            b.redirectUris(List.of("https://app.example.com/cb"));
        }
        AppSettings s = AppRules.check(b.build(), null).settings();
        assertThat(s.applicationType().wire()).isEqualTo(type);
        assertThat(s.tokenEndpointAuthMethod()).isEqualTo(method);
        assertThat(s.hasClientSecret()).isEqualTo(method != AuthMethod.NONE);
        assertThat(s.pkceRequired()).isEqualTo(pkce);
        assertThat(s.refreshToken()).isEqualTo(new AppSettings.RefreshToken(rotation, 30));
        assertThat(s.grantTypes()).containsExactly(grant);
        assertThat(s.responseTypes()).containsExactly(response);
        assertThat(s.refreshTokenSettings()).isEmpty();
        assertThat(s.consentMethod()).isEqualTo(AppSettings.ConsentMethod.TRUSTED);
        assertThat(s.issuerMode()).isEqualTo(AppSettings.IssuerMode.ORG_URL);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            browser | authorization_code refresh_token implicit        | true
            browser | implicit                                         | true
            browser | authorization_code client_credentials            | false
            browser | authorization_code password                       | false
            web     | authorization_code refresh_token implicit client_credentials | true
            web     | authorization_code password                       | false
            web     | client_credentials                                | false
            native  | authorization_code refresh_token implicit password | true
            native  | authorization_code client_credentials             | false
            native  | password                                          | false
            service | client_credentials                                | true
            service | client_credentials refresh_token                  | false
            service | client_credentials interaction_code               | false
            """)
    void grantTypesAllowedPerApplicationType(String type, String grants, boolean allowed) {
        AppRequest r = request(type).grantTypes(Arrays.asList(grants.trim().split("\\s+")))
                .redirectUris(type.equals("service") ? null : List.of("https://app.example.com/cb")).build();
        if (allowed) {
            assertThat(AppRules.check(r, null).settings().grantTypes()).extracting(GrantType::wire)
                    .containsExactly(grants.trim().split("\\s+"));
        } else {
            ApiError e = catchThrowableOfType(ApiError.class, () -> AppRules.check(r, null));
            assertThat(e).isNotNull();
            assertThat(e.causes()).extracting(ApiError.Cause::field).contains("grant_types");
        }
    }

    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource(delimiter = '|', textBlock = """
            https://app.example.com/callback        | browser |
            https://app.example.com:8443/cb?a=1&b=2 | browser |
            http://localhost:8080/login/callback    | browser |
            http://LOCALHOST/cb                     | browser |
            http://127.0.0.1/cb                     | web     |
            http://[::1]:3000/cb                    | browser |
            com.example.app:/oauth2redirect         | native  |
            com.example.app:/oauth2redirect         | browser | the scheme must be https
            http://10.0.0.1/cb                      | web     | http is only allowed for localhost
            http://127.0.0.2/cb                     | web     | http is only allowed for localhost
            https://*.example.com/cb                | web     | wildcards are not supported
            https://app.example.com/cb#frag         | web     | it must not contain a fragment
            https://app.example.com/cb#             | web     | it must not contain a fragment
            //app.example.com/cb                    | web     | it must be an absolute URI
            https:/cb                               | web     | it must name a host
            https://admin@app.example.com/cb        | web     | it must not contain a user name or password
            ftp://app.example.com/cb                | web     | the scheme must be https
            data:text/html,hi                       | native  | the scheme must be https
            """)
    void redirectUriRules(String uri, String type, String problem) {
        ApplicationType t = AppSettings.Wire.parse(ApplicationType.class, type).orElseThrow();
        if (problem == null) {
            assertThat(AppRules.uriProblem(uri, t)).isNull();
        } else {
            assertThat(AppRules.uriProblem(uri, t)).startsWith(problem);
        }
    }

    @Test
    void redirectUrisAreKeptExactlyAsGiven() {
        List<String> uris = List.of("https://App.Example.com/Call%20Back?x=1", "http://localhost:8080/", "http://localhost:8080");
        AppSettings s = AppRules.check(request("browser").redirectUris(uris).build(), null).settings();
        assertThat(s.redirectUris()).containsExactlyElementsOf(uris);
    }

    @Test
    void nullItemsFromAFormAreCausesNotCrashes() {
        AppRequest r = request("browser").redirectUris(Arrays.asList("https://app.example.com/cb", null)).build();
        ApiError e = catchThrowableOfType(ApiError.class, () -> AppRules.check(r, null));
        assertThat(e.causes()).extracting(ApiError.Cause::summary).containsExactly("redirect_uris: 'null' is not allowed: it must be an absolute URI");
    }

    @Test
    void updateKeepsTheApplicationTypeClientIdAndPreviousRefreshValues() {
        AppRules.Accepted created = AppRules.check(request("browser").grantTypes(List.of("authorization_code", "refresh_token"))
                .refreshTokenLeeway(5).refreshTokenRotation("STATIC").build(), null);
        App app = new App("0oaApp00000000000001", "client-one", created.label(), App.Status.ACTIVE, created.settings(), false, null,
                Instant.EPOCH, Instant.EPOCH);
        AppRules.Accepted updated = AppRules.check(AppRequest.builder("Renamed", null).redirectUris(List.of("https://b.example.com/cb"))
                .grantTypes(List.of("authorization_code", "refresh_token")).build(), app);
        assertThat(updated.clientId()).isEqualTo("client-one");
        assertThat(updated.settings().applicationType()).isEqualTo(ApplicationType.BROWSER);
        assertThat(updated.settings().refreshTokenSettings()).contains(new AppSettings.RefreshToken(RotationType.STATIC, 5));
        assertThat(AppRules.check(AppRequest.of(app), app).settings()).as("an edit form that changes nothing").isEqualTo(app.settings());
        assertThatThrownBy(() -> AppRules.check(AppRequest.of(app).toBuilder().applicationType("web").build(), app))
                .isInstanceOf(ApiError.class).hasMessageContaining("application_type");
    }

    @Test
    /** Only the edges (management API, console pages) read HTTP; rules, stores and use cases never import Javalin. */
    void parsingAndDecidingNeverTouchJavalin() throws IOException {
        Path dir = Path.of("src/main/java/dev/gatehouse/apps");
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> withJavalin = files
                    .filter(f -> !f.getFileName().toString().endsWith("Api.java") && !f.getFileName().toString().endsWith("Pages.java"))
                    .filter(f -> read(f).contains("import io.javalin")).toList();
            assertThat(withJavalin).isEmpty();
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
