package dev.gatehouse.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.People;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.syslog.EventContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.gatehouse.apps.AppClient.JSON;
import static dev.gatehouse.apps.AppClient.SPA;
import static dev.gatehouse.apps.AppClient.edit;
import static dev.gatehouse.apps.AppClient.oauthClient;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /api/v1/apps}: Okta's OIDC app JSON, the rules an app must keep, and its lifecycle, on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class AppsHttpTest {

    /** OKTA-REFERENCE §14.2: a real SPA GET response (Admin-Console-created). */
    private static final String OKTA_SPA = """
            {"id":"0oarbiy03keA3gkfm1d7","orn":"orn:oktapreview:idp:00onkw1sbuAh3Q06I1d7:apps:oidc_client:0oarbiy03keA3gkfm1d7",
             "name":"oidc_client","label":"My SPA","status":"ACTIVE",
             "lastUpdated":"2025-10-27T09:10:45.000Z","created":"2025-10-27T09:10:44.000Z",
             "accessibility":{"selfService":false,"errorRedirectUrl":null,"loginRedirectUrl":null},
             "features":[],"signOnMode":"OPENID_CONNECT",
             "credentials":{"userNameTemplate":{"template":"${source.login}","type":"BUILT_IN"},
              "signing":{"kid":"sALQDM5PBTRR6dsVDGloCQexOBDrJNwQmFiZuWur7eo"},
              "oauthClient":{"autoKeyRotation":true,"client_id":"0oarbiy03keA3gkfm1d7","token_endpoint_auth_method":"none","pkce_required":true}},
             "settings":{"app":{},"manualProvisioning":false,"implicitAssignment":true,"emOptInStatus":"NONE",
              "notes":{"admin":null,"enduser":null},
              "oauthClient":{"client_uri":null,"logo_uri":null,
               "redirect_uris":["http://localhost:8080/login/callback"],"post_logout_redirect_uris":["http://localhost:8080"],
               "response_types":["id_token","token","code"],"grant_types":["authorization_code","refresh_token","implicit"],
               "application_type":"browser","consent_method":"REQUIRED","issuer_mode":"DYNAMIC",
               "refresh_token":{"rotation_type":"ROTATE","leeway":30},
               "idp_initiated_login":{"mode":"DISABLED","default_scope":[]},
               "wildcard_redirect":"DISABLED","dpop_bound_access_tokens":false,"participate_slo":false}}}""";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static AppClient api;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = new AppClient(server);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @Test
    void spaFromTheOktaGuideHasOktasShapeAndDefaults() throws IOException {
        long creates = api.events("application.lifecycle.create");
        JsonNode created = api.create(SPA);
        String id = created.get("id").asText();
        JsonNode app = api.app(id);
        assertThat(app).isEqualTo(created);

        TreeSet<String> expected = paths(JSON.readTree(OKTA_SPA), "");
        expected.removeIf(p -> p.equals("orn") || p.startsWith("credentials.signing"));
        assertThat(paths(app, "")).containsAll(expected);

        assertThat(id).matches("0oa[A-Za-z0-9]{17}");
        assertThat(app.get("name").asText()).isEqualTo("oidc_client");
        assertThat(app.get("signOnMode").asText()).isEqualTo("OPENID_CONNECT");
        assertThat(app.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(app.get("label").asText()).startsWith("My SPA");
        assertThat(app.get("features")).isEmpty();
        for (String date : List.of("created", "lastUpdated")) {
            assertThat(app.get(date).asText()).as(date).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        }
        assertThat(app.get("credentials").get("oauthClient")).isEqualTo(JSON.readTree("""
                {"autoKeyRotation":true,"client_id":"%s","token_endpoint_auth_method":"none","pkce_required":true}""".formatted(id)));
        JsonNode client = app.get("settings").get("oauthClient");
        assertThat(client.get("application_type").asText()).isEqualTo("browser");
        assertThat(client.get("redirect_uris")).containsExactly(JSON.readTree("\"http://localhost:8080/login/callback\""));
        assertThat(client.get("post_logout_redirect_uris")).containsExactly(JSON.readTree("\"http://localhost:8080\""));
        assertThat(texts(client.get("response_types"))).containsExactly("code");
        assertThat(texts(client.get("grant_types"))).containsExactly("authorization_code", "refresh_token");
        assertThat(client.get("refresh_token")).isEqualTo(JSON.readTree("{\"rotation_type\":\"ROTATE\",\"leeway\":30}"));
        assertThat(client.get("initiate_login_uri").asText()).isEqualTo("http://localhost:8080/login");
        assertThat(client.get("consent_method").asText()).isEqualTo("TRUSTED");
        assertThat(client.get("issuer_mode").asText()).isEqualTo("ORG_URL");
        assertThat(client.get("wildcard_redirect").asText()).isEqualTo("DISABLED");
        assertThat(app.get("settings").get("implicitAssignment").asBoolean()).isFalse();
        String self = server.wiring().config.baseUrl() + "/api/v1/apps/" + id;
        JsonNode links = app.get("_links");
        assertThat(links.get("self").get("href").asText()).isEqualTo(self);
        assertThat(links.get("users").get("href").asText()).isEqualTo(self + "/users");
        assertThat(links.get("groups").get("href").asText()).isEqualTo(self + "/groups");
        assertThat(links.get("deactivate").get("href").asText()).isEqualTo(self + "/lifecycle/deactivate");
        assertThat(links.has("activate")).isFalse();
        assertThat(created.toString()).doesNotContain("\"client_secret\"");
        assertThat(api.events("application.lifecycle.create")).isEqualTo(creates + 1);
    }

    @Test
    void spaLeftToDefaultsIsAPublicCodeFlowClient() {
        String body = """
                {"label":"Minimal SPA","settings":{"oauthClient":{"application_type":"browser",
                  "redirect_uris":["https://spa.example.com/callback"]}}}""";
        JsonNode app = api.create(body);
        assertThat(app.get("credentials").get("oauthClient").get("token_endpoint_auth_method").asText()).isEqualTo("none");
        assertThat(app.get("credentials").get("oauthClient").get("pkce_required").asBoolean()).isTrue();
        JsonNode client = app.get("settings").get("oauthClient");
        assertThat(texts(client.get("grant_types"))).containsExactly("authorization_code");
        assertThat(texts(client.get("response_types"))).containsExactly("code");
        assertThat(client.has("refresh_token")).as("no refresh_token grant, so no refresh_token settings").isFalse();
        assertThat(client.has("initiate_login_uri")).isFalse();
        assertThat(client.get("post_logout_redirect_uris")).isEmpty();
    }

    @Test
    void implicitGrantImpliesTokenResponseTypesAndLoopbackAddressesAreAllowed() {
        String body = edit(SPA, a -> {
            oauthClient(a).putArray("grant_types").add("authorization_code").add("refresh_token").add("implicit");
            oauthClient(a).remove("response_types");
            oauthClient(a).putArray("redirect_uris").add("http://127.0.0.1:3000/cb").add("http://[::1]:3000/cb")
                    .add("https://spa.example.com/cb?x=1");
        });
        JsonNode client = api.create(body).get("settings").get("oauthClient");
        assertThat(texts(client.get("response_types"))).containsExactly("code", "token", "id_token");
        assertThat(texts(client.get("redirect_uris")))
                .containsExactly("http://127.0.0.1:3000/cb", "http://[::1]:3000/cb", "https://spa.example.com/cb?x=1");
    }

    @Test
    void refreshTokenSettingsGivenWithoutTheGrantAreDropped() {
        String body = edit(SPA, a -> oauthClient(a).putArray("grant_types").add("authorization_code"));
        JsonNode client = api.create(body).get("settings").get("oauthClient");
        assertThat(client.has("refresh_token")).isFalse();
    }

    /** Each row changes one member of the §14.3 SPA (JSON pointer, new JSON value or {@code <absent>}). */
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            /credentials/oauthClient/token_endpoint_auth_method | "client_secret_basic" | token_endpoint_auth_method: A single-page app (browser) is a public client and cannot keep a client secret; use 'none' with PKCE
            /credentials/oauthClient/token_endpoint_auth_method | "client_secret_post" | token_endpoint_auth_method: A single-page app (browser) is a public client and cannot keep a client secret; use 'none' with PKCE
            /credentials/oauthClient/token_endpoint_auth_method | "private_key_jwt" | token_endpoint_auth_method: 'private_key_jwt' is not supported by Gatehouse. Valid values: [client_secret_basic, client_secret_post, none]
            /credentials/oauthClient/token_endpoint_auth_method | "magic" | token_endpoint_auth_method: 'magic' is invalid. Valid values: [client_secret_basic, client_secret_post, none]
            /credentials/oauthClient/pkce_required | false | pkce_required: A single-page app (browser) is a public client: pkce_required must be true
            /credentials/oauthClient/pkce_required | "yes" | pkce_required: Does not match required type: boolean
            /credentials/oauthClient/autoKeyRotation | false | autoKeyRotation: Gatehouse rotates keys automatically
            /credentials/oauthClient/client_id | "ab" | client_id: 'ab' is not allowed: use 6 to 100 letters
            /credentials/oauthClient/client_id | "ALL_CLIENTS" | client_id: 'ALL_CLIENTS' is not allowed
            /credentials/oauthClient/client_secret | "my-own-secret-value" | client_secret: This app is a public client (token_endpoint_auth_method 'none'): it has no client secret
            /settings/oauthClient/grant_types | ["authorization_code","client_credentials"] | grant_types: 'client_credentials' is not allowed for a single-page app (browser). Allowed: [authorization_code, refresh_token, implicit]
            /settings/oauthClient/grant_types | ["authorization_code","password"] | grant_types: 'password' is not allowed for a single-page app (browser).
            /settings/oauthClient/grant_types | ["authorization_code","urn:ietf:params:oauth:grant-type:device_code"] | grant_types: 'urn:ietf:params:oauth:grant-type:device_code' is not allowed
            /settings/oauthClient/grant_types | ["refresh_token"] | grant_types: A single-page app (browser) needs the authorization_code or implicit grant
            /settings/oauthClient/grant_types | [] | grant_types: A single-page app (browser) needs the authorization_code or implicit grant
            /settings/oauthClient/grant_types | "authorization_code" | grant_types: Must be an array of strings
            /settings/oauthClient/response_types | ["code","token"] | response_types: 'token' needs the implicit or client_credentials grant in grant_types
            /settings/oauthClient/response_types | ["code","id_token"] | response_types: 'id_token' needs the implicit grant in grant_types
            /settings/oauthClient/response_types | [] | response_types: The authorization_code grant needs the 'code' response type
            /settings/oauthClient/response_types | ["code","device"] | response_types: 'device' is invalid. Valid values: [code, token, id_token]
            /settings/oauthClient/redirect_uris | ["http://app.example.com/cb"] | redirect_uris: 'http://app.example.com/cb' is not allowed: http is only allowed for localhost, 127.0.0.1 and [::1]; use https
            /settings/oauthClient/redirect_uris | ["http://localhost.evil.example/cb"] | redirect_uris: 'http://localhost.evil.example/cb' is not allowed: http is only allowed
            /settings/oauthClient/redirect_uris | ["https://*.example.com/cb"] | redirect_uris: 'https://*.example.com/cb' is not allowed: wildcards are not supported
            /settings/oauthClient/redirect_uris | ["https://app.example.com/*"] | redirect_uris: 'https://app.example.com/*' is not allowed: wildcards are not supported
            /settings/oauthClient/redirect_uris | ["/login/callback"] | redirect_uris: '/login/callback' is not allowed: it must be an absolute URI
            /settings/oauthClient/redirect_uris | ["https://app.example.com/cb#top"] | redirect_uris: 'https://app.example.com/cb#top' is not allowed: it must not contain a fragment
            /settings/oauthClient/redirect_uris | ["javascript:alert(1)"] | redirect_uris: 'javascript:alert(1)' is not allowed: the scheme must be https
            /settings/oauthClient/redirect_uris | ["com.example.app:/callback"] | redirect_uris: 'com.example.app:/callback' is not allowed: the scheme must be https
            /settings/oauthClient/redirect_uris | ["https://user:pw@app.example.com/cb"] | redirect_uris: 'https://user:pw@app.example.com/cb' is not allowed: it must not contain a user name or password
            /settings/oauthClient/redirect_uris | ["https://app.example.com/a b"] | redirect_uris: 'https://app.example.com/a b' is not allowed: it is not a valid URI
            /settings/oauthClient/redirect_uris | [] | redirect_uris: At least one redirect URI is required for the authorization_code and implicit grants
            /settings/oauthClient/redirect_uris | <absent> | redirect_uris: At least one redirect URI is required
            /settings/oauthClient/redirect_uris | "http://localhost:8080/login/callback" | redirect_uris: Must be an array of strings
            /settings/oauthClient/redirect_uris | [1] | redirect_uris: Must be an array of strings
            /settings/oauthClient/post_logout_redirect_uris | ["http://example.com"] | post_logout_redirect_uris: 'http://example.com' is not allowed: http is only allowed
            /settings/oauthClient/initiate_login_uri | "https://*.example.com/login" | initiate_login_uri: 'https://*.example.com/login' is not allowed: wildcards are not supported
            /settings/oauthClient/initiate_login_uri | 42 | initiate_login_uri: Does not match required type: string
            /settings/oauthClient/wildcard_redirect | "SUBDOMAIN" | wildcard_redirect: 'SUBDOMAIN' is not supported: Gatehouse matches redirect URIs exactly; use DISABLED
            /settings/oauthClient/refresh_token/leeway | 61 | refresh_token.leeway: Must be a whole number of seconds from 0 to 60
            /settings/oauthClient/refresh_token/leeway | -1 | refresh_token.leeway: Must be a whole number of seconds from 0 to 60
            /settings/oauthClient/refresh_token/leeway | 30.5 | refresh_token.leeway: Must be a whole number of seconds from 0 to 60
            /settings/oauthClient/refresh_token/leeway | "thirty" | refresh_token.leeway: Must be a whole number of seconds from 0 to 60
            /settings/oauthClient/refresh_token/leeway | "30" | refresh_token.leeway: Must be a whole number of seconds from 0 to 60
            /settings/oauthClient/refresh_token/leeway | 99999999999 | refresh_token.leeway: Must be a whole number of seconds from 0 to 60
            /settings/oauthClient/refresh_token/rotation_type | "SOMETIMES" | refresh_token.rotation_type: 'SOMETIMES' is invalid. Valid values: [ROTATE, STATIC]
            /settings/oauthClient/refresh_token | "ROTATE" | refresh_token: Does not match required type: object
            /settings/oauthClient/application_type | "spa" | application_type: 'spa' is invalid. Valid values: [browser, native, service, web]
            /settings/oauthClient/consent_method | "MAYBE" | consent_method: 'MAYBE' is invalid. Valid values: [REQUIRED, TRUSTED]
            /settings/oauthClient/issuer_mode | "ANY" | issuer_mode: 'ANY' is invalid. Valid values: [CUSTOM_URL, DYNAMIC, ORG_URL]
            /settings/oauthClient/dpop_bound_access_tokens | true | dpop_bound_access_tokens: Gatehouse does not issue DPoP-bound access tokens
            /settings/oauthClient/idp_initiated_login | {"mode":"OKTA"} | idp_initiated_login.mode: 'OKTA' is not supported
            /settings/oauthClient | [] | settings.oauthClient: Does not match required type: object
            /settings | "browser" | settings: Does not match required type: object
            /label | <absent> | label: The field cannot be left blank
            /label | "  " | label: The field cannot be left blank
            /label | "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" | label: The field cannot be longer than 100 characters
            /label | 7 | label: Does not match required type: string
            /name | "saml_app" | name: 'saml_app' is not supported: Gatehouse has only OpenID Connect app integrations; use oidc_client
            /signOnMode | "SAML_2_0" | signOnMode: 'SAML_2_0' is not supported: Gatehouse has only OpenID Connect app integrations; use OPENID_CONNECT
            """)
    void invalidSpaIsRefusedAndNothingIsWritten(String pointer, String value, String cause) {
        String rows = api.rows();
        String body = edit(SPA, a -> set(a, pointer, value));
        Http.Response r = api.post("/api/v1/apps", body);
        assertOktaError(r, 400, "E0000001");
        assertThat(causes(r)).as(r.body()).anyMatch(c -> c.startsWith(cause));
        assertThat(api.rows()).as("apps/group assignments/user assignments/events").isEqualTo(rows);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            web app as a public client | web | {"token_endpoint_auth_method":"none"} | {"grant_types":["authorization_code"],"redirect_uris":["https://w.example.com/cb"]} | token_endpoint_auth_method: A web app is a confidential client
            web app without authorization_code | web | {} | {"grant_types":["client_credentials"]} | grant_types: A web app needs the authorization_code grant
            web app with password | web | {} | {"grant_types":["authorization_code","password"],"redirect_uris":["https://w.example.com/cb"]} | grant_types: 'password' is not allowed for a web app
            native app with a secret | native | {"token_endpoint_auth_method":"client_secret_basic"} | {"redirect_uris":["com.example.app:/cb"]} | token_endpoint_auth_method: A native app is a public client and cannot keep a client secret; use 'none' with PKCE
            native app without PKCE | native | {"pkce_required":false} | {"redirect_uris":["com.example.app:/cb"]} | pkce_required: A native app is a public client: pkce_required must be true
            native app with client_credentials | native | {} | {"grant_types":["authorization_code","client_credentials"],"redirect_uris":["com.example.app:/cb"]} | grant_types: 'client_credentials' is not allowed for a native app
            native app with an undotted custom scheme | native | {} | {"redirect_uris":["myapp:/cb"]} | redirect_uris: 'myapp:/cb' is not allowed: the scheme must be https (or http for localhost, 127.0.0.1 and [::1]), or a private-use scheme
            service app with authorization_code | service | {} | {"grant_types":["client_credentials","authorization_code"]} | grant_types: 'authorization_code' is not allowed for a service app. Allowed: [client_credentials]
            service app without grants | service | {} | {"grant_types":[]} | grant_types: A service app needs the client_credentials grant
            service app as a public client | service | {"token_endpoint_auth_method":"none"} | {} | token_endpoint_auth_method: A service app is a confidential client
            """)
    void invalidAppsOfOtherTypesAreRefused(String name, String type, String credentials, String settings, String cause) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("label", name);
        body.putObject("credentials").set("oauthClient", JSON.readTree(credentials));
        ObjectNode client = (ObjectNode) JSON.readTree(settings);
        client.put("application_type", type);
        body.putObject("settings").set("oauthClient", client);
        String rows = api.rows();
        Http.Response r = api.post("/api/v1/apps", body.toString());
        assertOktaError(r, 400, "E0000001");
        assertThat(causes(r)).as(r.body()).anyMatch(c -> c.startsWith(cause));
        assertThat(api.rows()).isEqualTo(rows);
    }

    @Test
    void allProblemsAreReportedAtOnce() {
        String body = edit(SPA, a -> {
            a.withObjectProperty("credentials").withObjectProperty("oauthClient").put("token_endpoint_auth_method", "client_secret_basic").put("pkce_required", false);
            oauthClient(a).putArray("redirect_uris").add("http://app.example.com/cb");
            oauthClient(a).withObjectProperty("refresh_token").put("leeway", 61);
        });
        Http.Response r = api.post("/api/v1/apps", body);
        assertOktaError(r, 400, "E0000001");
        assertThat(r.json().get("errorSummary").asText()).isEqualTo("Api validation failed: redirect_uris");
        assertThat(causes(r)).extracting(c -> c.substring(0, c.indexOf(':')))
                .containsExactly("redirect_uris", "token_endpoint_auth_method", "pkce_required", "refresh_token.leeway");
    }

    @Test
    void malformedBodyIsE0000003() {
        assertOktaError(api.post("/api/v1/apps", "{\"label\":"), 400, "E0000003");
        assertOktaError(api.post("/api/v1/apps", "[]"), 400, "E0000003");
        assertOktaError(api.post("/api/v1/apps?activate=maybe", SPA), 400, "E0000001");
    }

    /** Each row is a PUT of the app as read, with one member changed (JSON pointer, new JSON value). */
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            /settings/oauthClient/application_type | "web" | application_type: The application_type cannot be changed after the app is created (it is 'browser')
            /credentials/oauthClient/client_id | "0oaSomethingElse0000" | client_id: The client_id cannot be changed after the app is created
            /credentials/oauthClient/token_endpoint_auth_method | "client_secret_basic" | token_endpoint_auth_method: A single-page app (browser) is a public client
            /credentials/oauthClient/pkce_required | false | pkce_required: A single-page app (browser) is a public client: pkce_required must be true
            /credentials/oauthClient/client_secret | "a-secret-of-my-own" | client_secret: The client secret cannot be set
            /settings/oauthClient/refresh_token/leeway | 61 | refresh_token.leeway: Must be a whole number of seconds from 0 to 60
            /settings/oauthClient/refresh_token/leeway | "thirty" | refresh_token.leeway: Must be a whole number of seconds from 0 to 60
            /settings/oauthClient/redirect_uris | ["http://app.example.com/cb"] | redirect_uris: 'http://app.example.com/cb' is not allowed
            /settings/oauthClient/grant_types | ["authorization_code","client_credentials"] | grant_types: 'client_credentials' is not allowed for a single-page app (browser)
            /settings/oauthClient/wildcard_redirect | "SUBDOMAIN" | wildcard_redirect: 'SUBDOMAIN' is not supported
            /label | "" | label: The field cannot be left blank
            /signOnMode | "SAML_2_0" | signOnMode: 'SAML_2_0' is not supported
            """)
    void invalidUpdateIsRefusedAndTheAppStaysAsItWas(String pointer, String value, String cause) {
        String id = api.createId(SPA);
        JsonNode before = api.app(id);
        String rows = api.rows();
        server.clock.advance(Duration.ofSeconds(1));
        Http.Response r = api.put("/api/v1/apps/" + id, edit(before.toString(), a -> set(a, pointer, value)));
        assertOktaError(r, 400, "E0000001");
        assertThat(causes(r)).as(r.body()).anyMatch(c -> c.startsWith(cause));
        assertThat(api.app(id)).isEqualTo(before);
        assertThat(api.rows()).isEqualTo(rows);
    }

    @Test
    void updateReplacesTheSettingsButKeepsRefreshTokenValuesLeftOut() {
        String id = api.createId(edit(SPA, a -> oauthClient(a).withObjectProperty("refresh_token").put("leeway", 10)));
        JsonNode before = api.app(id);
        long updates = api.events("application.lifecycle.update");
        server.clock.advance(Duration.ofSeconds(1));

        String relabelled = edit(before.toString(), a -> {
            a.put("label", "Renamed SPA").put("status", "INACTIVE").put("id", "0oaIgnored0000000000").put("created", "2001-01-01T00:00:00.000Z");
            oauthClient(a).remove("refresh_token");
            oauthClient(a).putArray("post_logout_redirect_uris").add("https://spa.example.com/bye");
        });
        JsonNode updated = api.put("/api/v1/apps/" + id, relabelled).json();
        assertThat(updated.get("id").asText()).isEqualTo(id);
        assertThat(updated.get("label").asText()).isEqualTo("Renamed SPA");
        assertThat(updated.get("status").asText()).as("status is changed by lifecycle operations only").isEqualTo("ACTIVE");
        assertThat(updated.get("created")).isEqualTo(before.get("created"));
        assertThat(updated.get("lastUpdated")).isNotEqualTo(before.get("lastUpdated"));
        JsonNode client = updated.get("settings").get("oauthClient");
        assertThat(client.get("refresh_token")).as("left out: the previous values").isEqualTo(before.get("settings").get("oauthClient").get("refresh_token"));
        assertThat(texts(client.get("post_logout_redirect_uris"))).containsExactly("https://spa.example.com/bye");
        assertThat(api.app(id)).isEqualTo(updated);

        String withoutRefresh = edit(updated.toString(), a -> oauthClient(a).putArray("grant_types").add("authorization_code"));
        JsonNode codeOnly = api.put("/api/v1/apps/" + id, withoutRefresh).json();
        assertThat(codeOnly.get("settings").get("oauthClient").has("refresh_token")).isFalse();

        String refreshAgain = edit(codeOnly.toString(), a -> oauthClient(a).putArray("grant_types").add("authorization_code").add("refresh_token"));
        JsonNode back = api.put("/api/v1/apps/" + id, refreshAgain).json();
        assertThat(back.get("settings").get("oauthClient").get("refresh_token").toString())
                .as("turning the grant back on brings back the configured values").isEqualTo("{\"rotation_type\":\"ROTATE\",\"leeway\":10}");

        String staticNow = edit(back.toString(), a -> oauthClient(a).withObjectProperty("refresh_token").put("rotation_type", "STATIC").remove("leeway"));
        assertThat(api.put("/api/v1/apps/" + id, staticNow).json().get("settings").get("oauthClient").get("refresh_token").toString())
                .isEqualTo("{\"rotation_type\":\"STATIC\",\"leeway\":10}");
        assertThat(api.events("application.lifecycle.update")).isEqualTo(updates + 4);
    }

    @Test
    void listFindsAppsByLabelPrefixAndFilterAndPages() {
        String tag = AppClient.unique("Portal").replace(" ", "");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            created.add(api.createId(edit(SPA, a -> a.put("label", tag))));
        }
        List<String> seen = new ArrayList<>();
        String next = "/api/v1/apps?limit=2&q=" + enc(tag.toLowerCase());
        int pages = 0;
        while (next != null) {
            Http.Response r = api.get(next);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            r.json().forEach(a -> seen.add(a.get("id").asText()));
            next = nextLink(r);
            pages++;
        }
        assertThat(pages).isEqualTo(2);
        assertThat(seen).containsExactlyElementsOf(created.stream().sorted().toList());

        api.post("/api/v1/apps/" + created.get(1) + "/lifecycle/deactivate", null);
        JsonNode inactive = api.get("/api/v1/apps?filter=" + enc("status eq \"INACTIVE\" and name eq \"oidc_client\"")).json();
        assertThat(texts(inactive, "id")).contains(created.get(1)).doesNotContain(created.get(0), created.get(2));
        JsonNode byId = api.get("/api/v1/apps?filter=" + enc("id eq \"" + created.get(2) + "\"")).json();
        assertThat(texts(byId, "id")).containsExactly(created.get(2));
        assertThat(api.get("/api/v1/apps?q=oidc_cl").json().size()).as("q also matches the name").isGreaterThanOrEqualTo(3);
        assertOktaError(api.get("/api/v1/apps?filter=" + enc("label eq \"x\"")), 400, "E0000001");
        assertOktaError(api.get("/api/v1/apps?filter=" + enc("status eq 1")), 400, "E0000001");
        assertOktaError(api.get("/api/v1/apps?filter=" + enc("status eq")), 400, "E0000001");
    }

    @Test
    void appCreatedInactiveIsActivatedAndDeactivatedWithEvents() {
        Http.Response r = api.post("/api/v1/apps?activate=false", edit(SPA, a -> a.put("label", AppClient.unique("Later"))));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String id = r.json().get("id").asText();
        assertThat(r.json().get("status").asText()).isEqualTo("INACTIVE");
        assertThat(r.json().get("_links").get("activate").get("href").asText()).endsWith("/api/v1/apps/" + id + "/lifecycle/activate");
        assertThat(r.json().get("_links").has("deactivate")).isFalse();
        long activations = api.events("application.lifecycle.activate");
        long deactivations = api.events("application.lifecycle.deactivate");

        Http.Response activated = api.post("/api/v1/apps/" + id + "/lifecycle/activate", null);
        assertThat(activated.status()).isEqualTo(200);
        assertThat(activated.body()).isEqualTo("{}");
        assertThat(api.app(id).get("status").asText()).isEqualTo("ACTIVE");
        assertThat(api.post("/api/v1/apps/" + id + "/lifecycle/activate", null).status()).as("again: nothing to do").isEqualTo(200);
        assertThat(api.events("application.lifecycle.activate")).isEqualTo(activations + 1);

        assertThat(api.post("/api/v1/apps/" + id + "/lifecycle/deactivate", null).body()).isEqualTo("{}");
        assertThat(api.app(id).get("status").asText()).isEqualTo("INACTIVE");
        assertThat(api.events("application.lifecycle.deactivate")).isEqualTo(deactivations + 1);
        assertOktaError(api.post("/api/v1/apps/" + id + "/lifecycle/suspend", null), 404, "E0000007");
    }

    @Test
    void activeAppCannotBeDeletedUntilDeactivated() {
        String id = api.createId(SPA);
        JsonNode before = api.app(id);
        String rows = api.rows();
        Http.Response refused = api.delete("/api/v1/apps/" + id);
        assertOktaError(refused, 403, "E0000056");
        assertThat(refused.json().get("errorSummary").asText()).isEqualTo("Delete application forbidden.");
        assertThat(AppClient.firstCause(refused)).isEqualTo("The application must be deactivated before deletion.");
        assertThat(api.app(id)).isEqualTo(before);
        assertThat(api.rows()).isEqualTo(rows);

        long deletes = api.events("application.lifecycle.delete");
        api.post("/api/v1/apps/" + id + "/lifecycle/deactivate", null);
        Http.Response deleted = api.delete("/api/v1/apps/" + id);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertOktaError(api.get("/api/v1/apps/" + id), 404, "E0000007");
        assertThat(api.events("application.lifecycle.delete")).isEqualTo(deletes + 1);
    }

    @Test
    void unknownAppIsE0000007() {
        String missing = "/api/v1/apps/0oaNoSuchApp00000000";
        Http.Response r = api.get(missing);
        assertOktaError(r, 404, "E0000007");
        assertThat(r.json().get("errorSummary").asText()).isEqualTo("Not found: Resource not found: 0oaNoSuchApp00000000 (AppInstance)");
        assertOktaError(api.put(missing, SPA), 404, "E0000007");
        assertOktaError(api.delete(missing), 404, "E0000007");
        assertOktaError(api.post(missing + "/lifecycle/activate", null), 404, "E0000007");
        assertOktaError(api.post(missing + "/credentials/secrets", null), 404, "E0000007");
    }

    @Test
    void callersWhoAreNotSuperAdminsGetE0000006AndChangeNothing() {
        String id = api.createId(SPA);
        String userId = People.create(server.http(), AppClient.unique("plain").replace(" ", "") + "@example.com", "Tr0ub4dor&3-horse");
        AppClient plain = api.as(server.wiring().apiTokens.create(EventContext.system("test"), userId, "not an admin").value());
        String rows = api.rows();
        assertOktaError(plain.get("/api/v1/apps"), 403, "E0000006");
        assertOktaError(plain.get("/api/v1/apps/" + id), 403, "E0000006");
        assertOktaError(plain.post("/api/v1/apps", SPA), 403, "E0000006");
        assertOktaError(plain.put("/api/v1/apps/" + id, SPA), 403, "E0000006");
        assertOktaError(plain.post("/api/v1/apps/" + id + "/lifecycle/deactivate", null), 403, "E0000006");
        assertOktaError(plain.delete("/api/v1/apps/" + id), 403, "E0000006");
        assertOktaError(plain.post("/api/v1/apps/" + id + "/users", "{\"id\":\"" + userId + "\"}"), 403, "E0000006");
        assertOktaError(plain.put("/api/v1/apps/" + id + "/groups/00gEveryoneGroup0001", "{}"), 403, "E0000006");
        assertThat(api.rows()).isEqualTo(rows);
        assertOktaError(server.http().get("/api/v1/apps"), 401, "E0000011");
    }

    /** Sets (or, for {@code <absent>}, removes) the member at a JSON pointer, creating parent objects as needed. */
    private static void set(ObjectNode root, String pointer, String value) {
        String[] parts = pointer.substring(1).split("/");
        ObjectNode parent = root;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = parent.withObjectProperty(parts[i]);
        }
        String last = parts[parts.length - 1];
        if (value.equals("<absent>")) {
            parent.remove(last);
            return;
        }
        try {
            parent.set(last, JSON.readTree(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every object member path ({@code a.b.c}), not descending into arrays. */
    private static TreeSet<String> paths(JsonNode node, String prefix) {
        TreeSet<String> out = new TreeSet<>();
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            String path = prefix.isEmpty() ? name : prefix + "." + name;
            out.add(path);
            if (node.get(name).isObject()) {
                out.addAll(paths(node.get(name), path));
            }
        }
        return out;
    }

    static List<String> causes(Http.Response r) {
        List<String> out = new ArrayList<>();
        r.json().get("errorCauses").forEach(c -> out.add(c.get("errorSummary").asText()));
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> texts(JsonNode array, String member) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get(member).asText()));
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String nextLink(Http.Response r) {
        String link = r.header("Link");
        assertThat(link).contains("rel=\"self\"");
        Matcher m = Pattern.compile("<([^>]+)>; rel=\"next\"").matcher(link);
        return m.find() ? m.group(1).replaceFirst("^https?://[^/]+", "") : null;
    }
}
