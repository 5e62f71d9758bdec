package dev.gatehouse.directory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.gatehouse.directory.DirectoryClient.PASSWORD;
import static dev.gatehouse.directory.DirectoryClient.unique;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review item 5: the per-username sign-in limit keyed on {@code trim()} and lower case while sign-in used {@code strip()},
 * so Unicode white space gave one account many buckets. Now every path compares logins by {@link Logins#key}: these
 * tests send full-width, ligature, case and white-space variants of one login to sign-in, the rate limit, the lockout
 * counter, the Users API and the console, and check they all reach the one account; and that a login with an invisible
 * character (U+200B) is refused where logins are stored. Gatehouse's default limits (4 sign-ins a second per username);
 * the injected clock stands still, so no bucket refills unless a test moves it.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class LoginNormalizationHttpTest {

    @Parameter
    TestDatabase database;

    static TestServer server;
    static DirectoryClient api;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        // Default limits, but none per client address or on the Users API: this class fires many requests from one address.
        server = TestServer.start(database, "--rate-limit-multiplier", "1", "--rate-limits", "signin=0,users=0");
        api = new DirectoryClient(server);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    /** A new ASCII login, e.g. {@code norm12xab@corp.example}, created ACTIVE with {@link DirectoryClient#PASSWORD}. */
    private static String newLogin() {
        String login = unique("norm") + "@corp.example";
        api.createUser(login);
        return login;
    }

    /** Variants that all name {@code login}: full width (letters, @ and .), upper case, ligature-free, padded with Unicode spaces. */
    private static List<String> variants(String login) {
        StringBuilder fullWidth = new StringBuilder();
        login.codePoints().forEach(cp -> fullWidth.appendCodePoint(cp >= 0x21 && cp <= 0x7E ? cp - 0x21 + 0xFF01 : cp));
        return List.of(login, login.toUpperCase(Locale.ROOT), fullWidth.toString(), "\u00A0" + login + "\u3000",
                "\u2003" + login.toUpperCase(Locale.ROOT) + "\u00A0", "\u3000" + fullWidth + "\t");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Test
    void aLoginWithAZeroWidthSpaceIsRefusedByTheApiAndWritesNothing() {
        String login = unique("zw") + "@corp.example";
        String spoof = login.substring(0, 2) + "\u200B" + login.substring(2);
        long users = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM users");
        long creates = api.events("user.lifecycle.create");

        Http.Response created = api.post("/api/v1/users?activate=true", DirectoryClient.userBody(spoof, "Zero", "Width", PASSWORD)
                .replace("\"email\":\"" + spoof + "\"", "\"email\":\"" + login + "\""));
        assertOktaError(created, 400, "E0000001");
        assertThat(created.json().get("errorSummary").asText()).isEqualTo("Api validation failed: login");
        assertThat(created.json().get("errorCauses").get(0).get("errorSummary").asText())
                .isEqualTo("login: Username must not contain invisible, control or space characters (found U+200B)");

        for (String other : List.of("\u00AD", "\u202E", "\uFEFF", "\u2060", "\u0007", "\u2028", "\u3164")) {
            String body = DirectoryClient.userBody(login.substring(0, 2) + other + login.substring(2), "Zero", "Width", PASSWORD)
                    .replaceFirst("\"email\":\"[^\"]*\"", "\"email\":\"" + login + "\"");
            Http.Response r = api.post("/api/v1/users", body.replace("\u0007", "\\u0007").replace("\u2028", "\\u2028"));
            assertOktaError(r, 400, "E0000001");
            assertThat(r.json().get("errorCauses").get(0).get("errorSummary").asText()).startsWith("login: Username must not contain");
        }

        String id = api.createUser(login).get("id").asText();
        Http.Response renamed = api.post("/api/v1/users/" + id, "{\"profile\":{\"login\":\"" + spoof + "\"}}");
        assertOktaError(renamed, 400, "E0000001");
        assertThat(api.get("/api/v1/users/" + id).json().get("profile").get("login").asText()).isEqualTo(login);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM users")).isEqualTo(users + 1);
        assertThat(api.events("user.lifecycle.create")).as("only the legitimate create").isEqualTo(creates + 1);
        assertThat(api.get("/api/v1/users/" + enc(spoof)).status()).as("nobody has the spoofed login").isEqualTo(404);
    }

    @Test
    void theConsoleFormShowsTheRefusalOfAnInvisibleCharacter() {
        Browser admin = server.browser();
        assertThat(admin.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin").status()).isEqualTo(303);
        String login = unique("console") + "@corp.example";
        String spoof = login.substring(0, 3) + "\u200B" + login.substring(3);
        long users = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM users");
        Http.Response form = admin.get("/admin/people/new");
        Http.Response r = admin.post("/admin/people", "csrf", Browser.csrf(form), "firstName", "Zero", "lastName", "Width",
                "login", spoof, "email", login, "password", PASSWORD, "activate", "on");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("Username must not contain invisible, control or space characters (found U+200B)");
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM users")).isEqualTo(users);

        Http.Response ok = admin.post("/admin/people", "csrf", Browser.csrf(form), "firstName", "Plain", "lastName", "Login",
                "login", login, "email", login, "password", PASSWORD, "activate", "on");
        assertThat(ok.status()).as(ok.body()).isEqualTo(303);
    }

    @Test
    void everyVariantFindsTheSameAccountThroughTheApi() {
        String login = newLogin();
        String id = api.get("/api/v1/users/" + enc(login)).json().get("id").asText();
        for (String variant : variants(login)) {
            Http.Response byLogin = api.get("/api/v1/users/" + enc(variant));
            assertThat(byLogin.status()).as("GET /users/{login} with %s", variant).isEqualTo(200);
            assertThat(byLogin.json().get("id").asText()).isEqualTo(id);
            assertThat(byLogin.json().get("profile").get("login").asText()).as("the stored login keeps its form").isEqualTo(login);
        }
        for (String trimmed : variants(login).subList(0, 3)) {   // an expression's value is compared as given: no padding
            String variant = trimmed;
            assertThat(ids(api.get("/api/v1/users?filter=" + enc("profile.login eq \"" + trimmed + "\""))))
                    .as("filter with %s", variant).containsExactly(id);
            assertThat(ids(api.get("/api/v1/users?search=" + enc("profile.login eq \"" + trimmed + "\""))))
                    .as("search with %s", variant).containsExactly(id);
            assertThat(ids(api.get("/api/v1/users?filter=" + enc("profile.login sw \"" + trimmed.substring(0, 8) + "\""))))
                    .as("filter sw with %s", variant).containsExactly(id);
            assertThat(ids(api.get("/api/v1/users?q=" + enc(trimmed.substring(0, 8))))).as("q with %s", variant).contains(id);
        }
    }

    @Test
    void aVariantOfAnExistingLoginIsADuplicate() {
        String login = newLogin();
        StringBuilder wideLetters = new StringBuilder();   // full-width letters and digits; '@' and '.' stay ASCII, as the format wants
        login.codePoints().forEach(cp -> wideLetters.appendCodePoint(Character.isLetterOrDigit(cp) ? cp - 0x21 + 0xFF01 : cp));
        for (String variant : List.of(login.toUpperCase(Locale.ROOT), wideLetters.toString())) {
            Http.Response r = api.post("/api/v1/users", DirectoryClient.userBody(variant, "Dup", "Licate", PASSWORD)
                    .replace("\"email\":\"" + variant + "\"", "\"email\":\"" + login + "\""));
            assertOktaError(r, 400, "E0000001");
            assertThat(r.json().get("errorCauses").get(0).get("errorSummary").asText())
                    .isEqualTo("login: An object with this field already exists in the current organization");
        }
        String ligature = unique("\uFB01n") + "@corp.example";   // "ﬁn…": the same login as "fin…"
        api.createUser(ligature.replace("\uFB01", "fi"));
        Http.Response r = api.post("/api/v1/users", DirectoryClient.userBody(ligature, "Lig", "Ature", PASSWORD)
                .replace("\"email\":\"" + ligature + "\"", "\"email\":\"" + ligature.replace("\uFB01", "fi") + "\""));
        assertOktaError(r, 400, "E0000001");
    }

    @Test
    void everyVariantSignsInToTheSameAccountThroughTheHostedPage() {
        String login = newLogin();
        String id = api.get("/api/v1/users/" + enc(login)).json().get("id").asText();
        for (String variant : variants(login)) {
            server.clock.advance(Duration.ofSeconds(1));   // each sign-in in a second of its own: the limit is not under test here
            Browser b = server.browser();
            assertThat(b.signIn(variant, PASSWORD, "/").status()).as("sign-in as %s", variant).isEqualTo(303);
            Http.Response me = b.get("/api/v1/sessions/me");
            assertThat(me.json().get("userId").asText()).isEqualTo(id);
        }
    }

    @Test
    void thePerUsernameLimitOfFourASecondHoldsAcrossVariants() {
        String login = newLogin();
        String id = api.get("/api/v1/users/" + enc(login)).json().get("id").asText();
        String other = newLogin();
        server.clock.advance(Duration.ofSeconds(2));
        List<String> variants = variants(login);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            statuses.add(server.browser().signIn(variants.get(i % variants.size()), "Wrong-guess-" + i, "/").status());
        }
        assertThat(statuses).as("4 a second per username, whichever variant is typed").containsExactly(401, 401, 401, 401, 429, 429, 429, 429);
        assertThat(Sql.count(server.wiring().db, "SELECT failed_sign_ins FROM users WHERE id = '" + id + "'"))
                .as("refused attempts check no password").isEqualTo(4);
        assertThat(server.browser().signIn(variants.get(2), PASSWORD, "/").status())
                .as("the right password in another variant is refused too, within the second").isEqualTo(429);
        assertThat(server.browser().signIn(other, PASSWORD, "/").status()).as("another account has its own bucket").isEqualTo(303);
        server.clock.advance(Duration.ofSeconds(1));
        assertThat(server.browser().signIn(variants.get(5), PASSWORD, "/").status()).as("a second later").isEqualTo(303);
    }

    @Test
    void lockoutCountsFailuresAcrossVariants() {
        String login = newLogin();
        String id = api.get("/api/v1/users/" + enc(login)).json().get("id").asText();
        int threshold = server.wiring().config.lockoutAttempts();
        List<String> variants = variants(login);
        for (int i = 0; i < threshold; i++) {
            server.clock.advance(Duration.ofSeconds(1));
            assertThat(server.browser().signIn(variants.get(i % variants.size()), "Wrong-guess-" + i, "/").status()).isEqualTo(401);
        }
        JsonNode user = api.get("/api/v1/users/" + id).json();
        assertThat(user.get("status").asText()).as("%d failures spread over %d variants lock the one account", threshold, variants.size())
                .isEqualTo("LOCKED_OUT");
        server.clock.advance(Duration.ofSeconds(1));
        assertThat(server.browser().signIn(login, PASSWORD, "/").status()).isEqualTo(401);
    }

    private static List<String> ids(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.json().forEach(u -> out.add(u.get("id").asText()));
        return out;
    }
}
