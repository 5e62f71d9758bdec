package dev.gatehouse.storage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.People;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.gatehouse.support.OAuthFlow.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No secret a client ever saw is at rest in clear (ARCHITECTURE §3.4). A full flow collects every secret value
 * (password, API token, client secret, session cookie, CSRF cookie, code, access/ID/refresh tokens before and after
 * rotation), then the whole database is dumped as text (H2: {@code SCRIPT}; PostgreSQL: every table of the schema,
 * row by row as text) and searched for each value and its obvious encodings. On H2 and PostgreSQL.
 *
 * <p>Choices: a token's {@code jti} and a session's public id ({@code 102…}) are identifiers, not secrets, and are
 * stored on purpose; the token strings are secrets (whoever holds one may use it) and must not be. The dump must
 * contain the positive controls (the user's login, the access token's {@code jti}, the SHA-256 of the code), so a dump
 * that silently missed tables would fail the test rather than pass it.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class SecretsAtRestTest {

    private static final String REDIRECT_URI = "https://web.example.com/callback";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static Http http;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        http = server.http();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @Test
    void noSecretAClientSawIsStoredInClear() {
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("API token", TestServer.API_TOKEN);

        String login = "at-rest-" + database.name().toLowerCase() + "@example.com";
        String password = "Pa55-word-kept-" + System.nanoTime();
        People.create(http, login, password);
        secrets.put("password", password);

        Http.Response app = http.send("POST", "/api/v1/apps", """
                {"name":"oidc_client","label":"At Rest Web","signOnMode":"OPENID_CONNECT",
                 "settings":{"implicitAssignment":true,"oauthClient":{"application_type":"web",
                   "redirect_uris":["%s"],"grant_types":["authorization_code","refresh_token"],
                   "refresh_token":{"rotation_type":"ROTATE","leeway":0}}}}""".formatted(REDIRECT_URI),
                Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(app.status()).as(app.body()).isEqualTo(200);
        JsonNode client = app.json().get("credentials").get("oauthClient");
        String clientId = client.get("client_id").asText();
        String clientSecret = client.get("client_secret").asText();
        secrets.put("client secret", clientSecret);

        Browser browser = OAuthFlow.signedIn(server, login, password);
        secrets.put("session cookie", browser.cookies.get("sid"));
        secrets.put("pre-session (CSRF) cookie", browser.cookies.get("gh_pre"));

        String verifier = OAuthFlow.randomVerifier() + "Xyz";
        Http.Response authorize = browser.get("/oauth2/default/v1/authorize?client_id=" + enc(clientId) + "&redirect_uri=" + enc(REDIRECT_URI)
                + "&response_type=code&scope=" + enc("openid profile email offline_access") + "&state=s1&nonce=" + OAuthFlow.freshNonce() + "&code_challenge="
                + OAuthFlow.challenge(verifier) + "&code_challenge_method=S256");
        assertThat(authorize.status()).as(authorize.body()).isEqualTo(302);
        String code = OAuthFlow.query(URI.create(authorize.header("Location")).getRawQuery()).get("code");
        secrets.put("code", code);
        secrets.put("code verifier", verifier);

        Http.Response exchanged = http.send("POST", "/oauth2/default/v1/token", OAuthFlow.encode("grant_type", "authorization_code",
                        "redirect_uri", REDIRECT_URI, "code", code, "code_verifier", verifier),
                "Content-Type", "application/x-www-form-urlencoded", "Authorization", OAuthFlow.basic(clientId, clientSecret));
        assertThat(exchanged.status()).as(exchanged.body()).isEqualTo(200);
        JsonNode tokens = exchanged.json();
        collectTokens(secrets, "first", tokens);

        Http.Response rotated = http.send("POST", "/oauth2/default/v1/token", OAuthFlow.encode("grant_type", "refresh_token",
                        "refresh_token", tokens.get("refresh_token").asText()),
                "Content-Type", "application/x-www-form-urlencoded", "Authorization", OAuthFlow.basic(clientId, clientSecret));
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        assertThat(rotated.json().get("refresh_token").asText()).as("rotated").isNotEqualTo(tokens.get("refresh_token").asText());
        collectTokens(secrets, "rotated", rotated.json());

        // An API token made the way people make them: in the console, shown once on the page.
        Browser admin = OAuthFlow.signedIn(server);
        Http.Response tokensPage = admin.get("/admin/api/tokens");
        Http.Response created = admin.post("/admin/api/tokens", "csrf", Browser.csrf(tokensPage), "name", "At rest " + database);
        java.util.regex.Matcher shown = java.util.regex.Pattern.compile("id=\"new-token\" type=\"text\" readonly value=\"([^\"]+)\"")
                .matcher(created.body());
        assertThat(shown.find()).as(created.body()).isTrue();
        secrets.put("console API token", shown.group(1));
        assertThat(http.get("/api/v1/api-tokens/current", Http.ssws(shown.group(1))).status()).as("the shown value is the token").isEqualTo(200);

        String dump = dump();
        // Positive controls: the dump is complete enough to have found a secret had it been there.
        assertThat(dump).contains(login)
                .contains(OAuthFlow.claims(tokens.get("access_token").asText()).get("jti").asText())
                .contains(Hashes.sha256(code))
                .contains(Hashes.sha256(TestServer.API_TOKEN));

        List<String> found = new ArrayList<>();
        secrets.forEach((what, value) -> {
            assertThat(value).as(what).isNotBlank().hasSizeGreaterThanOrEqualTo(16);
            for (Map.Entry<String, String> form : encodings(value).entrySet()) {
                if (dump.contains(form.getValue())) {
                    found.add(what + " (" + form.getKey() + ")");
                }
            }
        });
        assertThat(found).as("secrets found in the database dump").isEmpty();
    }

    @Test
    void signingKeysPrivatePartsAreOnlyStoredEncrypted() throws Exception {
        // Make sure keys exist: a client-credentials token makes the default server sign.
        OAuthFlow.clientCredentialsToken(server);
        String dump = dump();
        byte[] kek = Base64.getDecoder().decode(Files.readString(server.dataDir.resolve("keys/key-encryption.key")).strip());
        List<Map<String, Object>> rows = server.wiring().db.read(h -> h.createQuery(
                "SELECT kid, authorization_server_id, private_key_ciphertext FROM signing_keys").mapToMap().list());
        assertThat(rows).isNotEmpty();
        for (Map<String, Object> row : rows) {
            // Open the ciphertext independently of Gatehouse's code: base64(nonce ‖ AES-256-GCM(PKCS#8)), AAD "server/kid".
            byte[] sealed = Base64.getDecoder().decode((String) row.get("private_key_ciphertext"));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, sealed, 0, 12));
            c.updateAAD((row.get("authorization_server_id") + "/" + row.get("kid")).getBytes(StandardCharsets.UTF_8));
            byte[] pkcs8 = c.doFinal(sealed, 12, sealed.length - 12);
            RSAPrivateCrtKey key = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));

            for (BigInteger secret : List.of(key.getPrivateExponent(), key.getPrimeP(), key.getPrimeQ())) {
                byte[] magnitude = unsigned(secret);
                assertThat(dump).as("private key part of " + row.get("kid"))
                        .doesNotContain(secret.toString())
                        .doesNotContain(secret.toString(16))
                        .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(magnitude))
                        .doesNotContain(Base64.getEncoder().encodeToString(magnitude).substring(0, 64));
            }
            assertThat(dump).doesNotContain(Base64.getEncoder().encodeToString(pkcs8).substring(0, 200));
        }
        assertThat(dump).as("the key-encryption key is not in the database").doesNotContain(Base64.getEncoder().encodeToString(kek));
    }

    private static void collectTokens(Map<String, String> secrets, String which, JsonNode tokens) {
        for (String name : List.of("access_token", "id_token", "refresh_token")) {
            String value = tokens.get(name).asText();
            secrets.put(which + " " + name, value);
            if (name.endsWith("_token") && value.split("\\.").length == 3) {
                // A JWT's header and claims are public; its signature makes it unique and is what a forger lacks.
                secrets.put(which + " " + name + " signature", value.split("\\.")[2]);
            }
        }
    }

    /**
     * A TOTP seed is stored only sealed with the key-encryption key: neither the base32 secret the enrollment showed nor
     * the raw seed (hex, base64) nor the one-time QR token is in the dump; the factor's row is (positive control).
     */
    @Test
    void totpSeedsAreOnlyStoredSealed() {
        String[] ssws = Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json");
        JsonNode google = null;
        for (JsonNode a : http.send("GET", "/api/v1/authenticators", null, Http.ssws(TestServer.API_TOKEN)).json()) {
            if (a.get("key").asText().equals("google_otp")) {
                google = a;
            }
        }
        if (!google.get("status").asText().equals("ACTIVE")) {
            http.send("POST", "/api/v1/authenticators/" + google.get("id").asText() + "/lifecycle/activate", null, Http.ssws(TestServer.API_TOKEN));
        }
        String userId = People.create(http, "seed-" + System.nanoTime() + "@example.com", "Kept-Pass-" + System.nanoTime());
        Http.Response enrolled = http.send("POST", "/api/v1/users/" + userId + "/factors",
                "{\"factorType\":\"token:software:totp\",\"provider\":\"GOOGLE\"}", ssws);
        assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(200);
        String secret = enrolled.json().at("/_embedded/activation/sharedSecret").asText();
        String qr = enrolled.json().at("/_embedded/activation/_links/qrcode/href").asText();
        byte[] seed = dev.gatehouse.mfa.Totp.fromBase32(secret);
        String dump = dump();
        assertThat(dump).contains(enrolled.json().get("id").asText());
        assertThat(dump).doesNotContain(secret).doesNotContain(secret.toLowerCase())
                .doesNotContain(HexFormat.of().formatHex(seed)).doesNotContain(HexFormat.of().withUpperCase().formatHex(seed))
                .doesNotContain(Base64.getEncoder().withoutPadding().encodeToString(seed))
                .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(seed))
                .doesNotContain(qr.substring(qr.lastIndexOf('/') + 1));
    }

    /** The value itself and the encodings a careless store might use for it. */
    private static Map<String, String> encodings(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        Map<String, String> forms = new LinkedHashMap<>();
        forms.put("as is", value);
        forms.put("base64", Base64.getEncoder().withoutPadding().encodeToString(bytes));
        forms.put("base64url", Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        forms.put("hex", HexFormat.of().formatHex(bytes));
        forms.put("lower case", value.toLowerCase());
        if (value.matches("[A-Za-z0-9_-]+")) {
            try {
                // Random base64url strings: the raw bytes they stand for, hex-encoded.
                forms.put("raw bytes as hex", HexFormat.of().formatHex(Base64.getUrlDecoder().decode(value)));
            } catch (IllegalArgumentException notBase64url) {
                // not a base64url string: no raw bytes to look for
            }
        }
        return forms;
    }

    /** The whole database as text. */
    private String dump() {
        return server.wiring().db.read(h -> {
            if (database == TestDatabase.H2) {
                return String.join("\n", h.createQuery("SCRIPT").mapTo(String.class).list());
            }
            StringBuilder all = new StringBuilder();
            List<String> tables = h.createQuery("SELECT table_name FROM information_schema.tables "
                    + "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'").mapTo(String.class).list();
            assertThat(tables).contains("users", "apps", "sessions", "authorization_codes", "refresh_tokens", "signing_keys");
            for (String table : tables) {
                all.append(table).append('\n');
                h.createQuery("SELECT t::text FROM \"" + table + "\" t").mapTo(String.class).forEach(row -> all.append(row).append('\n'));
            }
            return all.toString();
        });
    }

    private static byte[] unsigned(BigInteger n) {
        byte[] b = n.toByteArray();
        return b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
    }
}
