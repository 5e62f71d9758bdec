package dev.gatehouse.origins;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.gatehouse.origins.OriginsClient.PATH;
import static dev.gatehouse.origins.OriginsClient.body;
import static dev.gatehouse.origins.OriginsClient.firstCause;
import static dev.gatehouse.origins.OriginsClient.uniqueOrigin;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /api/v1/trustedOrigins}: Okta's shapes, the lifecycle, the refusals and the events, on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class TrustedOriginsHttpTest {

    @Parameter
    TestDatabase database;

    static TestServer server;
    static OriginsClient api;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = new OriginsClient(server);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @Test
    void createdOriginHasOktasShapeAndIsLogged() {
        long events = api.events("trusted_origin.create");
        String origin = uniqueOrigin();
        Http.Response r = api.post(body("My SPA", origin, "CORS", "REDIRECT"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode o = r.json();
        assertThat(o.get("id").asText()).matches("tos[A-Za-z0-9]{17}");
        assertThat(o.get("name").asText()).isEqualTo("My SPA");
        assertThat(o.get("origin").asText()).isEqualTo(origin);
        assertThat(types(o)).containsExactly("CORS", "REDIRECT");
        assertThat(o.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(o.get("created").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(o.get("lastUpdated").asText()).isEqualTo(o.get("created").asText());
        assertThat(o.get("createdBy").asText()).startsWith("00u").isEqualTo(o.get("lastUpdatedBy").asText());
        List<String> fields = new ArrayList<>();
        o.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("id", "name", "origin", "scopes", "status", "created", "createdBy", "lastUpdated",
                "lastUpdatedBy", "_links");
        String self = server.wiring().config.baseUrl() + PATH + "/" + o.get("id").asText();
        assertThat(o.at("/_links/self/href").asText()).isEqualTo(self);
        assertThat(o.at("/_links/self/hints/allow").toString()).isEqualTo("[\"GET\",\"PUT\",\"DELETE\"]");
        assertThat(o.at("/_links/deactivate/href").asText()).isEqualTo(self + "/lifecycle/deactivate");
        assertThat(o.at("/_links/deactivate/hints/allow").toString()).isEqualTo("[\"POST\"]");
        assertThat(o.get("_links").has("activate")).isFalse();
        assertThat(api.events("trusted_origin.create")).isEqualTo(events + 1);
        assertThat(api.send("GET", PATH + "/" + o.get("id").asText(), null).json()).isEqualTo(o);
    }

    @ParameterizedTest(name = "{0} is stored as {1}")
    @CsvSource({
            "HTTPS://App-{h}.Example.COM, https://app-{h}.example.com",
            "https://app-{h}.example.com:443, https://app-{h}.example.com",
            "http://app-{h}.example.com:80, http://app-{h}.example.com",
            "http://app-{h}.example.com:8080/, http://app-{h}.example.com:8080",
            "https://app-{h}.example.com:8443, https://app-{h}.example.com:8443",
            "http://localhost:3000, http://localhost:3000",
            "http://[::1]:3001, http://[::1]:3001",
            "capacitor://localhost, capacitor://localhost"})
    void originsAreNormalised(String given, String stored) {
        String h = Long.toString(System.nanoTime(), 36);
        Http.Response r = api.post(body("Normalised " + h, given.replace("{h}", h), "CORS"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("origin").asText()).isEqualTo(stored.replace("{h}", h));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"example.com", "https://", "https://app.example.com/path", "https://app.example.com/?q=1",
            "https://app.example.com#x", "https://user@app.example.com", "https://*.example.com", "mailto:someone@example.com",
            "javascript://alert(1)", "https://app.example.com:0", "https://app.example.com:99999", " https://app.example.com",
            "https://exa mple.com", "gopher://example.com"})
    void invalidOriginValueIsRefusedAsOkta(String origin) {
        Http.Response r = api.post(body("Bad", origin, "CORS"));
        assertOktaError(r, 400, "E0000001");
        assertThat(r.json().get("errorSummary").asText()).isEqualTo("Api validation failed: origin");
        assertThat(firstCause(r)).isEqualTo("origin: Origin value is not valid");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"%s", "%S", "%s:443", "%s/", "%S:443/"})
    void duplicateOriginIsRefusedHoweverItIsWritten(String pattern) {
        String origin = uniqueOrigin();
        api.create(origin, "CORS");
        long events = api.events("trusted_origin.create");
        String duplicate = pattern.contains("%S") ? pattern.replace("%S", origin.toUpperCase()).replace("HTTPS", "https")
                : pattern.formatted(origin);
        Http.Response r = api.post(body("Another name " + System.nanoTime(), duplicate, "REDIRECT"));
        assertOktaError(r, 400, "E0000001");
        assertThat(firstCause(r)).isEqualTo("origin: An object with this field already exists in the current organization");
        assertThat(api.events("trusted_origin.create")).isEqualTo(events);
    }

    @Test
    void duplicateNameIsRefusedRegardlessOfCase() {
        JsonNode first = api.create(uniqueOrigin(), "CORS");
        Http.Response r = api.post(body(first.get("name").asText().toUpperCase(), uniqueOrigin(), "CORS"));
        assertOktaError(r, 400, "E0000001");
        assertThat(firstCause(r)).isEqualTo("name: An object with this field already exists in the current organization");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "=>", value = {
            "{\"origin\":\"https://blank-name.example.com\",\"scopes\":[]}                    => name: The field cannot be left blank",
            "{\"name\":\"No origin\",\"scopes\":[{\"type\":\"CORS\"}]}                          => origin: The field cannot be left blank",
            "{\"name\":\"x\",\"origin\":\"https://t.example.com\",\"scopes\":[{\"type\":\"SAML\"}]} => scopes: 'SAML' is not a scope type (CORS or REDIRECT)",
            "{\"name\":\"x\",\"origin\":\"https://t.example.com\",\"scopes\":[{\"type\":\"IFRAME_EMBED\"}]} => scopes: IFRAME_EMBED is not supported: Gatehouse pages refuse to be framed",
            "{\"name\":\"x\",\"origin\":\"https://t.example.com\",\"scopes\":\"CORS\"}           => scopes: The field must be a list of {\"type\": \"CORS\" | \"REDIRECT\"}",
            "{\"name\":7,\"origin\":\"https://t.example.com\"}                                  => name: The field must be a string"})
    void invalidFieldsAreRefusedWithTheirCause(String json, String cause) {
        Http.Response r = api.post(json);
        assertOktaError(r, 400, "E0000001");
        assertThat(firstCause(r)).isEqualTo(cause.strip());
    }

    @Test
    void bodyThatIsNotJsonIsE0000003() {
        assertOktaError(api.post("not json"), 400, "E0000003");
    }

    @Test
    void replaceChangesNameOriginAndScopesAndIsLogged() {
        JsonNode o = api.create(uniqueOrigin(), "CORS");
        String id = o.get("id").asText();
        long events = api.events("trusted_origin.update");
        String origin = uniqueOrigin();
        Http.Response r = api.send("PUT", PATH + "/" + id, body("Renamed " + id, origin.toUpperCase().replace("HTTPS", "https"), "REDIRECT"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("name").asText()).isEqualTo("Renamed " + id);
        assertThat(r.json().get("origin").asText()).isEqualTo(origin);
        assertThat(types(r.json())).containsExactly("REDIRECT");
        assertThat(r.json().get("created").asText()).isEqualTo(o.get("created").asText());
        assertThat(api.events("trusted_origin.update")).isEqualTo(events + 1);
    }

    @Test
    void replacingWithItsOwnOriginIsNoDuplicate() {
        JsonNode o = api.create(uniqueOrigin(), "CORS");
        Http.Response r = api.send("PUT", PATH + "/" + o.get("id").asText(), body(o.get("name").asText(), o.get("origin").asText() + ":443",
                "CORS", "REDIRECT"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(types(r.json())).containsExactly("CORS", "REDIRECT");
    }

    @Test
    void replacingWithAnotherOriginsValueIsRefused() {
        JsonNode a = api.create(uniqueOrigin(), "CORS");
        JsonNode b = api.create(uniqueOrigin(), "CORS");
        Http.Response r = api.send("PUT", PATH + "/" + b.get("id").asText(), body(b.get("name").asText(), a.get("origin").asText(), "CORS"));
        assertOktaError(r, 400, "E0000001");
        assertThat(firstCause(r)).isEqualTo("origin: An object with this field already exists in the current organization");
    }

    @Test
    void deactivateAndActivateReturnTheObjectAndAreLogged() {
        String id = api.create(uniqueOrigin(), "CORS").get("id").asText();
        long deactivations = api.events("trusted_origin.deactivate");
        long activations = api.events("trusted_origin.activate");
        Http.Response off = api.lifecycle(id, "deactivate");
        assertThat(off.status()).as(off.body()).isEqualTo(200);
        assertThat(off.json().get("status").asText()).isEqualTo("INACTIVE");
        assertThat(off.json().at("/_links/activate/href").asText()).endsWith(PATH + "/" + id + "/lifecycle/activate");
        assertThat(off.json().get("_links").has("deactivate")).isFalse();
        assertThat(api.lifecycle(id, "deactivate").json().get("status").asText()).as("again: no change").isEqualTo("INACTIVE");
        assertThat(api.events("trusted_origin.deactivate")).isEqualTo(deactivations + 1);
        Http.Response on = api.lifecycle(id, "activate");
        assertThat(on.json().get("status").asText()).isEqualTo("ACTIVE");
        assertThat(api.events("trusted_origin.activate")).isEqualTo(activations + 1);
    }

    @Test
    void deleteIs204AndLoggedThenTheIdIsUnknown() {
        String id = api.create(uniqueOrigin(), "CORS").get("id").asText();
        long events = api.events("trusted_origin.delete");
        Http.Response r = api.send("DELETE", PATH + "/" + id, null);
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
        assertThat(api.events("trusted_origin.delete")).isEqualTo(events + 1);
        assertOktaError(api.send("GET", PATH + "/" + id, null), 404, "E0000007");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"GET,", "PUT,body", "DELETE,", "POST,/lifecycle/activate", "POST,/lifecycle/deactivate"})
    void unknownIdIsE0000007(String method, String what) {
        String id = "tosNoSuchOrigin000001";
        String path = PATH + "/" + id + (what != null && what.startsWith("/") ? what : "");
        Http.Response r = api.send(method, path, "body".equals(what) ? body("x", uniqueOrigin(), "CORS") : null);
        assertOktaError(r, 404, "E0000007");
        assertThat(r.json().get("errorSummary").asText()).isEqualTo("Not found: Resource not found: " + id + " (TrustedOrigin)");
    }

    @Test
    void unknownLifecycleOperationIs404() {
        String id = api.create(uniqueOrigin(), "CORS").get("id").asText();
        assertOktaError(api.lifecycle(id, "suspend"), 404, "E0000007");
    }

    @Test
    void listFiltersByQueryFilterAndTypeAndPages() {
        String tag = "lst" + Long.toString(System.nanoTime(), 36);
        String cors = "https://" + tag + "-a.example.com";
        String redirect = "https://" + tag + "-b.example.com";
        api.post(body(tag + " cors", cors, "CORS"));
        String redirectId = api.post(body(tag + " redirect", redirect, "REDIRECT")).json().get("id").asText();
        api.lifecycle(redirectId, "deactivate");

        assertThat(origins(api.send("GET", PATH + "?q=" + tag.toUpperCase(), null))).containsExactlyInAnyOrder(cors, redirect);
        assertThat(origins(api.send("GET", PATH + "?q=https://" + tag + "-b", null))).containsExactly(redirect);
        assertThat(origins(api.send("GET", PATH + "?q=" + tag + "&filter=" + enc("type eq \"CORS\""), null))).containsExactly(cors);
        assertThat(origins(api.send("GET", PATH + "?q=" + tag + "&filter=" + enc("type ne \"CORS\""), null))).containsExactly(redirect);
        assertThat(origins(api.send("GET", PATH + "?q=" + tag + "&filter=" + enc("status eq \"INACTIVE\""), null))).containsExactly(redirect);
        assertThat(origins(api.send("GET", PATH + "?filter=" + enc("origin eq \"" + cors + "\" or name eq \"" + tag.toUpperCase() + " REDIRECT\""), null)))
                .containsExactlyInAnyOrder(cors, redirect);

        Http.Response page1 = api.send("GET", PATH + "?q=" + tag + "&limit=1", null);
        assertThat(origins(page1)).hasSize(1);
        String next = page1.header("Link");
        assertThat(next).contains("rel=\"next\"");
        String url = next.substring(next.lastIndexOf('<') + 1, next.lastIndexOf('>'))
                .replace(server.wiring().config.baseUrl(), "");
        Http.Response page2 = api.send("GET", url, null);
        assertThat(origins(page2)).hasSize(1).doesNotContainAnyElementsOf(origins(page1));
        assertThat(page2.header("Link")).doesNotContain("rel=\"next\"");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"type eq \"IFRAME_EMBED\"", "type sw \"C\"", "scope.CORS eq true", "created gt \"2020-01-01T00:00:00.000Z\"",
            "name eq 7", "status eq"})
    void unsupportedFilterIsE0000001(String filter) {
        Http.Response r = api.send("GET", PATH + "?filter=" + enc(filter), null);
        assertOktaError(r, 400, "E0000001");
        assertThat(firstCause(r)).startsWith("filter: Invalid filter");
    }

    @Test
    void anApiTokenSentFromABrowserIsRefused() {
        Http.Response r = api.send("GET", PATH, null, "Origin", "https://evil.example");
        assertOktaError(r, 403, "E0000006");
        assertThat(firstCause(r)).contains("API tokens cannot be used from a browser");
        assertThat(r.header("Access-Control-Allow-Origin")).isNull();
        Http.Response create = api.send("POST", PATH, body("From a browser", uniqueOrigin(), "CORS"), "Origin", "https://evil.example");
        assertOktaError(create, 403, "E0000006");
    }

    private static List<String> types(JsonNode o) {
        List<String> out = new ArrayList<>();
        o.get("scopes").forEach(s -> out.add(s.get("type").asText()));
        return out;
    }

    private static List<String> origins(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.json().forEach(o -> out.add(o.get("origin").asText()));
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
