package dev.gatehouse.junit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Gatehouse for an app's tests, in the test's JVM: a fresh, in-memory org on a free port of 127.0.0.1, built from
 * an org file (the same YAML as {@code gatehouse serve --org}), started before the class's first test and stopped after
 * its last.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final GatehouseExtension idp = GatehouseExtension.withOrg("org.yaml");   // a test resource, or a file path
 *
 * @Test
 * void callsTheApiWithARealToken() {
 *     Tokens tokens = idp.signIn("ada@example.com", "payroll-spa", "openid profile");
 *     // tokens.accessToken(): a JWT of idp.issuer(), audience api://default
 * }
 * }</pre>
 *
 * <p>{@link #signIn} signs in the way a person's browser does, over HTTP: {@code /authorize} with PKCE, the hosted sign-in
 * page and its form, the redirect back with a code, and the code exchange at {@code /token}. So the tokens are the ones
 * the app would get, under the org's policies, and a sign-in Gatehouse would refuse is refused here too
 * ({@link SignInException}). Nothing mints tokens behind the server's back.
 *
 * <p>Register it on a {@code static} field: one server per test class (and its {@code @Nested} classes). The first start
 * in a JVM also loads Gatehouse's classes; later ones are much quicker (README, Testing your app against Gatehouse).
 */
public final class GatehouseExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    private static final java.util.Set<String> OWN_SETTINGS = java.util.Set.of("--port", "--bind", "--base-url", "--data-dir",
            "--db-url", "--db-user", "--db-password", "--org", "--org-file", "--config");

    private final String orgFile;
    private final List<String> settings = new ArrayList<>();
    private EmbeddedGatehouse server;
    private int depth;

    private GatehouseExtension(String orgFile) {
        this.orgFile = orgFile;
    }

    /**
     * A Gatehouse whose org is made from {@code orgFile}: the name of a resource on the test class path (e.g.
     * {@code src/test/resources/org.yaml} is {@code "org.yaml"}), else a file path. The start fails, with every problem
     * in the file listed, when it cannot be applied.
     */
    public static GatehouseExtension withOrg(String orgFile) {
        if (orgFile == null || orgFile.isBlank()) {
            throw new IllegalArgumentException("withOrg needs the name of an org file (a test resource or a path)");
        }
        return new GatehouseExtension(orgFile);
    }

    /** A Gatehouse with an empty org (its admin only), for tests that make what they need through {@link #apiToken()}. */
    public static GatehouseExtension withEmptyOrg() {
        return new GatehouseExtension(null);
    }

    /**
     * Any other server setting, as {@code gatehouse serve} takes it ({@code "--features", "..."}, {@code "--org-name",
     * "..."}; {@code ./gatehouse serve --help} lists them). Port, base URL, database and data directory are the
     * extension's own.
     */
    public GatehouseExtension withSetting(String flag, String value) {
        if (server != null) {
            throw new IllegalStateException("withSetting must be called before the server starts (where the field is declared)");
        }
        if (!flag.startsWith("--")) {
            throw new IllegalArgumentException("a setting is a flag such as --org-name (got '" + flag + "')");
        }
        if (OWN_SETTINGS.contains(flag)) {
            throw new IllegalArgumentException(flag + " is the extension's own: it picks a free port on 127.0.0.1, an in-memory "
                    + "database and a temp data directory, and the org file is withOrg's");
        }
        settings.add(flag);
        settings.add(value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (depth++ == 0) {
            server = EmbeddedGatehouse.start(orgFile, settings);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (--depth == 0 && server != null) {
            EmbeddedGatehouse s = server;
            server = null;
            s.close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (server == null) {
            throw new IllegalStateException("GatehouseExtension starts with the test class: register it on a static field "
                    + "(@RegisterExtension static final GatehouseExtension idp = ...)");
        }
    }

    /** The issuer of the {@code default} authorization server, {@code baseUrl() + "/oauth2/default"}: an API's issuer-uri. */
    public String issuer() {
        return running().baseUrl() + "/oauth2/default";
    }

    /** The issuer of the org authorization server ({@code /oauth2/v1/...}): the base URL itself. */
    public String orgIssuer() {
        return running().baseUrl();
    }

    /** Where the server listens, e.g. {@code http://127.0.0.1:41234} (no trailing slash). */
    public String baseUrl() {
        return running().baseUrl();
    }

    /** The port it listens on. */
    public int port() {
        return running().port();
    }

    /** An SSWS API token of the org's super admin, for the management API ({@code Authorization: SSWS <token>}). */
    public String apiToken() {
        return running().apiToken();
    }

    /** How long this server took from the start of {@code beforeAll} to ready (its org applied). */
    public Duration startTime() {
        return running().startTime();
    }

    /**
     * Signs {@code login} in to the app whose client id is {@code clientId}, with the password the org file gives that
     * user, and returns the tokens of the code exchange. {@code scopes} is space-separated ({@code "openid profile"}).
     *
     * @throws SignInException when Gatehouse refuses any step (wrong password, an app the person is not assigned to, a
     *                         scope the server does not grant, a sign-in that asks for more than a password...)
     */
    public Tokens signIn(String login, String clientId, String scopes) {
        EmbeddedGatehouse s = running();
        return signIn(login, s.passwordInOrgFile(login), clientId, scopes);
    }

    /** As {@link #signIn(String, String, String)}, with this password (a user made by the test, or a wrong password). */
    public Tokens signIn(String login, String password, String clientId, String scopes) {
        return signInAt("default", login, password, clientId, scopes);
    }

    /**
     * As {@link #signIn(String, String, String, String)} at another authorization server: a custom one's id, or
     * {@code "org"} for the org authorization server ({@code /oauth2/v1}).
     */
    public Tokens signInAt(String authorizationServer, String login, String password, String clientId, String scopes) {
        EmbeddedGatehouse s = running();
        try (HostedSignIn flow = new HostedSignIn(s.baseUrl(), s.apiToken(), s.clientSecrets())) {
            return flow.signIn(authorizationServer, login, password, clientId, scopes);
        }
    }

    /**
     * A client secret of the confidential app with this client id, for the app under test to authenticate with (Gatehouse
     * generates secrets and shows each once, so none can be written in an org file). It is made through the management
     * API the first time it is needed, here or by {@link #signIn} for that app, and replaces the app's earlier secret;
     * the same one is returned afterwards.
     */
    public String clientSecret(String clientId) {
        EmbeddedGatehouse s = running();
        try (HostedSignIn flow = new HostedSignIn(s.baseUrl(), s.apiToken(), s.clientSecrets())) {
            return flow.clientSecret(clientId);
        }
    }

    private EmbeddedGatehouse running() {
        EmbeddedGatehouse s = server;
        if (s == null) {
            throw new IllegalStateException("The Gatehouse of this GatehouseExtension is not running: it runs from the test "
                    + "class's beforeAll to its afterAll, and the field must be static (@RegisterExtension static final ...)");
        }
        return s;
    }
}
