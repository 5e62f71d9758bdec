package dev.gatehouse.orgfile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The org as code (issue #22), on H2 and PostgreSQL: an org file planned and applied through the management API
 * ({@link OrgSync}), applied twice (the second time changes nothing), its passwords signing in through the hosted page,
 * exported and applied to an empty server (the same org, ids aside), refused with every problem listed (nothing
 * applied), {@code prune: true}, and {@code serve --org} (applied before ready; a bad file stops the start).
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class OrgFileHttpTest {

    private static final AtomicInteger SEQ = new AtomicInteger();

    @Parameter
    TestDatabase database;

    static TestServer server;
    static ApiClient api;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = ApiClient.of(server);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    /** An org file with one of each kind, names made unique per call. */
    private static String orgFile(int n) {
        return """
                # The payroll team's dev org
                features:
                  - refresh-token-rotation-for-spa
                groups:
                  - profile: {name: Payroll %1$d, description: The payroll team}
                  - profile: {name: Auditors %1$d}
                users:
                  - profile: {firstName: Ada, lastName: Lovelace, email: ada%1$d@example.com, login: ada%1$d@example.com}
                    credentials: {password: {value: Correct-Horse-Battery-%1$d}}
                    groups: [Payroll %1$d]
                  - profile: {firstName: Grace, lastName: Hopper, email: grace%1$d@example.com, login: grace%1$d@example.com}
                    credentials:
                      password: {value: Another-Long-Secret-%1$d}
                    groups: [Payroll %1$d, Auditors %1$d]
                  - profile: {firstName: Imported, lastName: Person, email: imported%1$d@example.com, login: imported%1$d@example.com}
                    credentials: {password: {hash: {algorithm: SHA-256, value: '%3$s'}}}
                trustedOrigins:
                  - name: Payroll SPA %1$d
                    origin: http://localhost:%2$d
                    scopes: [{type: CORS}, {type: REDIRECT}]
                apps:
                  - name: oidc_client
                    label: Payroll SPA %1$d
                    signOnMode: OPENID_CONNECT
                    credentials:
                      oauthClient: {client_id: payroll-spa-%1$d, token_endpoint_auth_method: none}
                    settings:
                      oauthClient:
                        application_type: browser
                        redirect_uris: [http://localhost:%2$d/login/callback]
                        post_logout_redirect_uris: [http://localhost:%2$d]
                        grant_types: [authorization_code, refresh_token]
                        response_types: [code]
                    groups: [Payroll %1$d]
                  - name: oidc_client
                    label: Payroll batch %1$d
                    signOnMode: OPENID_CONNECT
                    credentials:
                      oauthClient: {client_id: payroll-batch-%1$d, client_secret: dev-only-secret-%1$d-abcdef, token_endpoint_auth_method: client_secret_basic}
                    settings:
                      oauthClient: {application_type: service, grant_types: [client_credentials], response_types: [token]}
                authorizationServers:
                  - name: Payroll API %1$d
                    description: The payroll API
                    audiences: [api://payroll-%1$d]
                    scopes:
                      - {name: payroll.read, description: Read payslips, consent: IMPLICIT}
                    claims:
                      - {name: team, claimType: RESOURCE, valueType: EXPRESSION, value: '"payroll"', status: ACTIVE, conditions: {scopes: []}}
                    policies:
                      - name: Payroll SPA
                        description: The SPA may read payslips
                        conditions: {clients: {include: [payroll-spa-%1$d, payroll-batch-%1$d]}}
                        rules:
                          - name: Batch jobs
                            conditions:
                              grantTypes: {include: [client_credentials]}
                              scopes: {include: [payroll.read]}
                          - name: Payroll team
                            conditions:
                              people: {groups: {include: [Payroll %1$d]}}
                              grantTypes: {include: [authorization_code, refresh_token]}
                              scopes: {include: [openid, payroll.read]}
                """.formatted(n, 42000 + n, sha256("Imported-Secret-" + n));
    }

    private static String sha256(String password) {
        try {
            return java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(password.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OrgSync sync(TestServer s) {
        return new OrgSync(new ManagementClient(s.url(), TestServer.API_TOKEN));
    }

    @Test
    void applyingTwiceChangesNothingTheSecondTimeAndThePasswordsSignIn() {
        int n = SEQ.incrementAndGet();
        OrgFile file = OrgFile.parse("org.yaml", orgFile(n));
        OrgSync.Plan first = sync(server).plan(file);
        assertThat(first.problems()).isEmpty();
        assertThat(first.changes()).extracting(OrgSync.Change::toString)
                .contains("groups Payroll " + n + ": create", "users ada" + n + "@example.com: create",
                        "apps payroll-spa-" + n + ": create", "trustedOrigins http://localhost:" + (42000 + n) + ": create");
        long events = events();
        sync(server).apply(first);
        assertThat(events()).as("each change is in the System Log").isGreaterThan(events);

        OrgSync.Plan second = sync(server).plan(OrgFile.parse("org.yaml", orgFile(n)));
        assertThat(second.changes()).as(second.changes().toString()).allMatch(c -> c.action() == OrgSync.Action.NOTHING);
        long before = events();
        sync(server).apply(second);
        assertThat(events()).as("applying again writes nothing").isEqualTo(before);

        assertThat(server.browser().signIn("ada" + n + "@example.com", "Correct-Horse-Battery-" + n, "/").status()).isEqualTo(303);
        assertThat(server.browser().signIn("grace" + n + "@example.com", "Another-Long-Secret-" + n, "/").status()).isEqualTo(303);
        assertThat(server.browser().signIn("imported" + n + "@example.com", "Imported-Secret-" + n, "/").status())
                .as("a password hash imported from another store").isEqualTo(303);
        JsonNode app = api.get("/api/v1/apps?q=" + enc("Payroll SPA " + n)).json().get(0);
        assertThat(app.at("/credentials/oauthClient/client_id").asText()).isEqualTo("payroll-spa-" + n);
        assertThat(api.get("/api/v1/apps/" + app.get("id").asText() + "/groups").json()).hasSize(1);
        JsonNode payroll = api.get("/api/v1/authorizationServers?q=" + enc("Payroll API " + n)).json().get(0);
        String serverPath = "/api/v1/authorizationServers/" + payroll.get("id").asText();
        assertThat(api.get(serverPath + "/scopes").json().toString()).contains("payroll.read");
        JsonNode policy = api.get(serverPath + "/policies").json().get(0);
        JsonNode rule = null;
        for (JsonNode r : api.get(serverPath + "/policies/" + policy.get("id").asText() + "/rules").json()) {
            if (r.get("name").asText().equals("Payroll team")) {
                rule = r;
            }
        }
        assertThat(rule).isNotNull();
        String payrollGroup = api.get("/api/v1/groups?q=" + enc("Payroll " + n)).json().get(0).get("id").asText();
        assertThat(rule.at("/conditions/people/groups/include").toString()).as("group names become ids").contains(payrollGroup);
        // The fixed client secret of the dev org's service app works at the token endpoint of the file's server.
        Http.Response cc = server.http().send("POST", "/oauth2/" + payroll.get("id").asText() + "/v1/token",
                "grant_type=client_credentials&scope=payroll.read", "Content-Type", "application/x-www-form-urlencoded", "Authorization",
                "Basic " + java.util.Base64.getEncoder().encodeToString(("payroll-batch-" + n + ":dev-only-secret-" + n + "-abcdef").getBytes()));
        assertThat(cc.status()).as(cc.body()).isEqualTo(200);
        String grace = api.get("/api/v1/users/" + enc("grace" + n + "@example.com")).json().get("id").asText();
        assertThat(api.get("/api/v1/users/" + grace + "/groups").json().toString()).contains("Payroll " + n).contains("Auditors " + n);
    }

    @Test
    void aPlanShowsCreateUpdateWithTheFieldsNothingAndUnderPruneDelete() {
        int n = SEQ.incrementAndGet();
        sync(server).apply(sync(server).plan(OrgFile.parse("org.yaml", orgFile(n))));
        String changed = orgFile(n).replace("description: The payroll team", "description: Payroll and benefits")
                .replace("lastName: Hopper", "lastName: Hopper-Murray")
                .replace("redirect_uris: [http://localhost:" + (42000 + n) + "/login/callback]",
                        "redirect_uris: [http://localhost:" + (42000 + n) + "/login/callback, http://localhost:" + (42000 + n) + "/cb2]")
                .replace("authorizationServers:\n", "  - name: oidc_client\n    label: Extra " + n + "\n    signOnMode: OPENID_CONNECT\n"
                        + "    settings: {oauthClient: {application_type: service, grant_types: [client_credentials]}}\nauthorizationServers:\n")
                .replace("description: Read payslips", "description: Read the payslips");
        OrgSync.Plan plan = sync(server).plan(OrgFile.parse("org.yaml", changed));
        List<String> lines = plan.changes().stream().map(OrgSync.Change::toString).toList();
        assertThat(lines).contains("groups Payroll " + n + ": update profile.description",
                "users grace" + n + "@example.com: update profile.lastName",
                "apps payroll-spa-" + n + ": update settings.oauthClient.redirect_uris",
                "apps Extra " + n + ": create",
                "users ada" + n + "@example.com: nothing to change",
                "authorizationServers Payroll API " + n + " › scope payroll.read: update description");
        sync(server).apply(plan);
        assertThat(api.get("/api/v1/users/" + enc("grace" + n + "@example.com")).json().at("/profile/lastName").asText()).isEqualTo("Hopper-Murray");

        // prune: true deletes what the file does not list (never the caller's own account).
        String pruned = "prune: true\n" + orgFile(n);
        List<String> deletes = sync(server).plan(OrgFile.parse("org.yaml", pruned)).changes().stream()
                .filter(c -> c.action() == OrgSync.Action.DELETE).map(OrgSync.Change::toString).toList();
        assertThat(deletes).contains("apps Extra " + n + ": delete").noneMatch(d -> d.contains(TestServer.ADMIN));
    }

    @Test
    void exportThenApplyOnAnEmptyServerGivesTheSameOrg() throws IOException {
        int n = SEQ.incrementAndGet();
        sync(server).apply(sync(server).plan(OrgFile.parse("org.yaml", orgFile(n))));
        String exported = new OrgExport(new ManagementClient(server.url(), TestServer.API_TOKEN)).yaml();
        assertThat(exported).contains("payroll-spa-" + n).doesNotContain("client_secret:").doesNotContain("Correct-Horse-Battery");

        TestServer empty = TestServer.start(database);
        try {
            OrgSync.Plan plan = sync(empty).plan(OrgFile.parse("export.yaml", exported));
            assertThat(plan.problems()).isEmpty();
            sync(empty).apply(plan);
            assertThat(sync(empty).plan(OrgFile.parse("export.yaml", exported)).changesSomething()).as("applying the export again").isFalse();
            ApiClient other = ApiClient.of(empty);
            assertThat(shape(other, "/api/v1/groups", "/profile/name")).isEqualTo(shape(api, "/api/v1/groups", "/profile/name"));
            assertThat(shape(other, "/api/v1/trustedOrigins", "/origin")).isEqualTo(shape(api, "/api/v1/trustedOrigins", "/origin"));
            assertThat(shape(other, "/api/v1/apps", "/label")).isEqualTo(shape(api, "/api/v1/apps", "/label"));
            assertThat(profiles(other)).isEqualTo(profiles(api));
            assertThat(shape(other, "/api/v1/features", "/name")).isEqualTo(shape(api, "/api/v1/features", "/name"));
        } finally {
            empty.close();
        }
    }

    @Test
    void exportWithPasswordHashesReproducesThePasswordsOnAnEmptyServerAndEachReadIsLogged() {
        int n = SEQ.incrementAndGet();
        sync(server).apply(sync(server).plan(OrgFile.parse("org.yaml", orgFile(n))));
        long reads = hashReads();
        String exported = new OrgExport(new ManagementClient(server.url(), TestServer.API_TOKEN), true).yaml();
        assertThat(exported).contains("algorithm: ARGON2ID").contains("$argon2id$").doesNotContain("Correct-Horse-Battery");
        assertThat(hashReads()).as("each hash read is logged").isGreaterThan(reads + 2);
        assertThat(api.get("/api/v1/users/" + enc("ada" + n + "@example.com") + "/credentials/password_hash").json()
                .get("algorithm").asText()).isEqualTo("ARGON2ID");
        assertThat(server.http().send("GET", "/api/v1/users/" + enc("ada" + n + "@example.com") + "/credentials/password_hash", null)
                .status()).as("no token, no hash").isEqualTo(401);

        TestServer empty = TestServer.start(database);
        try {
            sync(empty).apply(sync(empty).plan(OrgFile.parse("export.yaml", exported)));
            assertThat(empty.browser().signIn("ada" + n + "@example.com", "Correct-Horse-Battery-" + n, "/").status()).isEqualTo(303);
            assertThat(empty.browser().signIn("imported" + n + "@example.com", "Imported-Secret-" + n, "/").status())
                    .as("an imported hash not yet rehashed travels as it was imported").isEqualTo(303);
            assertThat(empty.browser().signIn("ada" + n + "@example.com", "Wrong-" + n, "/").status()).isEqualTo(401);
        } finally {
            empty.close();
        }
    }

    @Test
    void aBadFileListsEveryProblemWithItsLineAndNothingIsApplied() {
        String bad = """
                features: [refresh-token-rotation-for-spa]
                colour: blue
                groups:
                  - profile: {name: Team}
                  - profile: {name: Team}
                users:
                  - profile: {login: eve@example.com, email: eve@example.com}
                    groups: [Nobody]
                    shoeSize: 44
                  - profile: {firstName: NoLogin}
                apps:
                  - label: Secretive
                    credentials: {oauthClient: {client_secret: too short}}
                trustedOrigins: not-a-list
                """;
        String rows = api.get("/api/v1/groups").body();
        assertThatThrownBy(() -> OrgFile.parse("bad.yaml", bad)).isInstanceOfSatisfying(OrgFile.Invalid.class, e -> {
            List<String> problems = e.problems().stream().map(OrgFile.Problem::toString).toList();
            assertThat(problems).as(String.join("\n", problems)).hasSize(7).anyMatch(p -> p.startsWith("bad.yaml:2: /colour: unknown key"))
                    .anyMatch(p -> p.startsWith("bad.yaml:5: /groups/1: the same profile.name as /groups/0"))
                    .anyMatch(p -> p.startsWith("bad.yaml:8: /users/0/groups/0: no group named 'Nobody'"))
                    .anyMatch(p -> p.startsWith("bad.yaml:9: /users/0/shoeSize: unknown key"))
                    .anyMatch(p -> p.startsWith("bad.yaml:10: /users/1: needs profile.login"))
                    .anyMatch(p -> p.contains("/apps/0/credentials/oauthClient/client_secret: a fixed client secret has 14 to 100"))
                    .anyMatch(p -> p.startsWith("bad.yaml:14: /trustedOrigins: trustedOrigins must be a list"));
        });
        assertThat(api.get("/api/v1/groups").body()).isEqualTo(rows);

        // What only the org can tell (a feature it does not have) is a problem of the plan, found before anything is applied.
        OrgSync.Plan plan = sync(server).plan(OrgFile.parse("org.yaml", "features: [time-travel]\ngroups:\n  - profile: {name: Planned " + SEQ.incrementAndGet() + "}\n"));
        assertThat(plan.problems()).extracting(OrgFile.Problem::toString).singleElement().asString()
                .startsWith("org.yaml:1: /features/0: no feature named 'time-travel'");
        assertThatThrownBy(() -> sync(server).apply(plan)).isInstanceOf(IllegalStateException.class);
        assertThat(api.get("/api/v1/groups").body()).isEqualTo(rows);
        assertThatThrownBy(() -> OrgFile.parse("x.yaml", "groups: [ {profile: {name: a}")).isInstanceOfSatisfying(OrgFile.Invalid.class,
                e -> assertThat(e.problems().getFirst().message()).startsWith("not valid YAML or JSON"));
    }

    @Test
    void aChangeTheServerRefusesUndoesTheChangesBeforeItSoNothingOfTheFileStays() {
        int n = SEQ.incrementAndGet();
        sync(server).apply(sync(server).plan(OrgFile.parse("org.yaml", orgFile(n))));
        String groups = state("/api/v1/groups");
        String users = state("/api/v1/users");
        String apps = state("/api/v1/apps");
        String origins = state("/api/v1/trustedOrigins");
        // New items and changed ones first, then an app only the server can refuse (http is for localhost only).
        String file = orgFile(n).replace("description: The payroll team", "description: Changed before the refusal")
                .replace("lastName: Hopper", "lastName: Changed")
                .replace("groups:\n  - profile: {name: Payroll", "groups:\n  - profile: {name: Newcomers " + n + "}\n  - profile: {name: Payroll")
                .replace("authorizationServers:\n", "  - name: oidc_client\n    label: Refused " + n + "\n    signOnMode: OPENID_CONNECT\n"
                        + "    credentials: {oauthClient: {token_endpoint_auth_method: none}}\n"
                        + "    settings: {oauthClient: {application_type: browser, redirect_uris: ['http://payroll.example.com/cb'],"
                        + " grant_types: [authorization_code], response_types: [code]}}\nauthorizationServers:\n");
        OrgSync.Plan plan = sync(server).plan(OrgFile.parse("org.yaml", file));
        assertThat(plan.problems()).isEmpty();
        assertThat(plan.changes()).extracting(OrgSync.Change::toString).contains("groups Newcomers " + n + ": create",
                "groups Payroll " + n + ": update profile.description", "apps Refused " + n + ": create");
        assertThatThrownBy(() -> sync(server).apply(plan)).isInstanceOf(OrgSync.Refused.class)
                .hasMessageContaining("redirect_uris").hasMessageContaining("Nothing of the file was applied");
        assertThat(state("/api/v1/groups")).isEqualTo(groups);
        assertThat(state("/api/v1/users")).as("the person's changed name is back").isEqualTo(users);
        assertThat(state("/api/v1/apps")).isEqualTo(apps);
        assertThat(state("/api/v1/trustedOrigins")).isEqualTo(origins);
    }

    @Test
    void serveWithAnOrgFileAppliesItBeforeReadyAndABadOneStopsTheStartWithEveryProblem() throws IOException {
        int n = SEQ.incrementAndGet();
        Path dir = Files.createTempDirectory("org-file");
        Path good = dir.resolve("org.yaml");
        Files.writeString(good, orgFile(n));
        TestServer withOrg = TestServer.start(database, "--org", good.toString());
        try {
            assertThat(withOrg.browser().signIn("ada" + n + "@example.com", "Correct-Horse-Battery-" + n, "/").status()).isEqualTo(303);
            Http.Response ready = withOrg.http().send("GET", "/health/ready", null);
            assertThat(ready.status()).isEqualTo(200);
            // The token made to apply the file is gone again.
            assertThat(ApiClient.of(withOrg).get("/api/v1/api-tokens").json()).noneMatch(t -> t.path("name").asText().equals("org file at start"));
            withOrg.restart();   // the same file at the next start changes nothing
            assertThat(withOrg.browser().signIn("ada" + n + "@example.com", "Correct-Horse-Battery-" + n, "/").status()).isEqualTo(303);
        } finally {
            withOrg.close();
        }
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "groups:\n  - profile: {name: X}\n  - profile: {name: X}\nusers: [{profile: {login: a@b.c}, groups: [Y]}]\n");
        assertThatThrownBy(() -> TestServer.start(database, "--org", bad.toString()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("2 problems").hasMessageContaining("bad.yaml:3: /groups/1")
                .hasMessageContaining("bad.yaml:4: /users/0/groups/0: no group named 'Y'");
    }

    @Test
    void theCommandLinePlansAppliesAndExportsAgainstARunningServer() throws IOException {
        int n = SEQ.incrementAndGet();
        Path file = Files.createTempDirectory("org-cli").resolve("org.yaml");
        Files.writeString(file, orgFile(n));
        String[] at = {"--url", server.url(), "--token", TestServer.API_TOKEN};
        assertThat(dev.gatehouse.Gatehouse.run(concat(new String[] {"org", "plan", file.toString()}, at))).as("plan: changes to make").isEqualTo(1);
        assertThat(dev.gatehouse.Gatehouse.run(concat(new String[] {"org", "apply", file.toString()}, at))).isZero();
        assertThat(dev.gatehouse.Gatehouse.run(concat(new String[] {"org", "plan", file.toString()}, at))).as("plan: nothing to change").isZero();
        Path out = file.resolveSibling("export.yaml");
        assertThat(dev.gatehouse.Gatehouse.run(concat(new String[] {"org", "export", "--out", out.toString()}, at))).isZero();
        assertThat(Files.readString(out)).contains("payroll-spa-" + n);
        assertThat(dev.gatehouse.Gatehouse.run("org", "plan", file.toString(), "--url", server.url(), "--token", "00wrong")).isEqualTo(2);
        Files.writeString(file, "colour: blue\n");
        assertThat(dev.gatehouse.Gatehouse.run(concat(new String[] {"org", "apply", file.toString()}, at))).isEqualTo(2);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ---- helpers ------------------------------------------------------------------------------------------------------

    /** A listing without the times an undo moves (lastUpdated …): what the org holds, not when it was last touched. */
    private static String state(String path) {
        List<String> out = new ArrayList<>();
        for (JsonNode item : api.get(path + "?limit=200").json()) {
            com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode) item.deepCopy();
            List.of("lastUpdated", "lastMembershipUpdated", "statusChanged", "passwordChanged", "lastLogin", "_links").forEach(o::remove);
            out.add(o.toString());
        }
        out.sort(Comparator.naturalOrder());
        return String.join("\n", out);
    }

    private static long hashReads() {
        return dev.gatehouse.support.Sql.count(server.wiring().db,
                "SELECT COUNT(*) FROM system_log_events WHERE event_type = 'user.credentials.password_hash.read'");
    }

    private static long events() {
        return server.wiring().db.read(h -> h.createQuery("SELECT COUNT(*) FROM system_log_events").mapTo(Long.class).one());
    }

    private static List<String> shape(ApiClient client, String path, String pointer) {
        List<String> out = new ArrayList<>();
        client.get(path + (path.contains("?") ? "&" : "?") + "limit=200").json().forEach(n -> out.add(n.at(pointer).asText()
                + (n.has("status") ? " " + n.get("status").asText() : "") + (n.has("scopes") ? " " + n.get("scopes") : "")
                + (n.has("settings") ? " " + n.at("/settings/oauthClient/redirect_uris") : "")));
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** Everyone's profile, by login: what an org file carries of a person. */
    private static List<String> profiles(ApiClient client) {
        List<String> out = new ArrayList<>();
        client.get("/api/v1/users?limit=200").json().forEach(u -> out.add(u.get("profile").toString()));
        out.sort(Comparator.naturalOrder());
        return out;
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
