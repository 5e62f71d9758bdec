package dev.gatehouse.oauth.grants;

import dev.gatehouse.Wiring;
import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppAssignments;
import dev.gatehouse.apps.AppRequest;
import dev.gatehouse.apps.AppStore;
import dev.gatehouse.apps.Apps;
import dev.gatehouse.apps.AssignmentStore;
import dev.gatehouse.directory.GroupStore;
import dev.gatehouse.directory.PasswordHasher;
import dev.gatehouse.directory.User;
import dev.gatehouse.directory.UserStore;
import dev.gatehouse.directory.Users;
import dev.gatehouse.oauth.codes.AuthorizationCode;
import dev.gatehouse.oauth.codes.CodeStore;
import dev.gatehouse.oauth.keys.KeyEncryption;
import dev.gatehouse.oauth.keys.KeyRotationSettings;
import dev.gatehouse.oauth.keys.SigningKeyStore;
import dev.gatehouse.oauth.keys.SigningKeys;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.servers.AuthorizationServerStore;
import dev.gatehouse.oauth.servers.AuthorizationServers;
import dev.gatehouse.oauth.servers.ScopeStore;
import dev.gatehouse.oauth.servers.Scopes;
import dev.gatehouse.oauth.issued.IssuedTokenStore;
import dev.gatehouse.oauth.issued.LifecycleRevocation;
import dev.gatehouse.oauth.issued.ClaimsSigner;
import dev.gatehouse.sessions.SessionSettings;
import dev.gatehouse.sessions.SessionStore;
import dev.gatehouse.storage.ChangeFeed;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.support.MutableClock;
import dev.gatehouse.syslog.Actor;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.LogEvent;
import dev.gatehouse.syslog.SystemLog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The grants below HTTP: an in-memory H2 store with the real stores, keys and use cases, built as {@code Wiring} builds
 * them, and a {@link MutableClock} the tests move. No server, no sockets.
 */
final class GrantFixture implements AutoCloseable {

    static final String REDIRECT = "https://app.example/callback";
    static final EventContext CALLER = new EventContext(Actor.anonymous(), "203.0.113.7", "grant-test", "req-grant-test");

    final MutableClock clock = MutableClock.startingNow();
    final SecureRandom random = new SecureRandom();
    final Ids ids = new Ids(random);
    final Database db;
    final SystemLog log = new SystemLog(clock, new dev.gatehouse.syslog.SignInProblemStore());
    final UserStore userStore = new UserStore();
    final Users users;
    final dev.gatehouse.directory.Groups groups;
    final Apps apps;
    final SigningKeys keys;
    final AuthorizationServers servers;
    final Scopes scopes;
    final CodeStore codes = new CodeStore();
    final IssuedTokenStore issued = new IssuedTokenStore();
    final ClaimsSigner signer;
    final TokenRecorder recorder;
    final CodeGrant codeGrant;
    final RefreshGrant refreshGrant;
    final ClientCredentialsGrant clientCredentialsGrant;
    private final Path dir;

    GrantFixture() {
        try {
            dir = Files.createTempDirectory("grants");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        db = Database.open("jdbc:h2:mem:grants-" + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                null, null, 4, Wiring.JAVA_MIGRATIONS);
        ChangeFeed changes = new ChangeFeed(db);
        GroupStore groupStore = new GroupStore();
        LifecycleRevocation revocation = new LifecycleRevocation(new SessionStore(),
                new SessionSettings(Duration.ofHours(2), Duration.ofHours(24)), codes, issued, log, clock, new dev.gatehouse.oauth.consent.ConsentStore());
        users = new Users(db, userStore, groupStore, new PasswordHasher(new PasswordHasher.Params(8, 1, 1), random), log, ids, clock, revocation);
        groups = new dev.gatehouse.directory.Groups(db, groupStore, userStore, log, ids, clock);
        apps = new Apps(db, changes, new AppStore(), new AppAssignments(db, changes, new AssignmentStore(), groupStore, userStore, log, clock),
                log, ids, clock, () -> true, revocation);
        byte[] kek = new byte[32];
        random.nextBytes(kek);
        keys = new SigningKeys(db, new SigningKeyStore(), KeyEncryption.load(Optional.of(Base64.getEncoder().encodeToString(kek)), dir, random),
                log, clock, random, KeyRotationSettings.DEFAULTS);
        scopes = new Scopes(db, changes, new ScopeStore(), log, ids, clock);
        servers = new AuthorizationServers(db, changes, new AuthorizationServerStore(), scopes, keys, log, ids, clock, "https://gatehouse.example");
        servers.ensureBuiltIns();
        signer = new ClaimsSigner(keys, ids, clock, "00oOrg00000000000000");
        recorder = new TokenRecorder(issued, ids);
        codeGrant = new CodeGrant(db, codes, issued, signer, recorder, userStore, groupStore, log, ids, clock, apps::findByClientId);
        refreshGrant = new RefreshGrant(db, issued, signer, recorder, userStore, groupStore, new AssignmentStore(), log, clock);
        clientCredentialsGrant = new ClientCredentialsGrant(signer, recorder, s -> scopes.list(s.id()).stream().filter(x -> !x.system())
                .map(dev.gatehouse.oauth.servers.Scope::name).collect(Collectors.toSet()), (ctx, e) -> db.inTx(h -> log.record(h, ctx, e)), accessPolicies(changes), (s, scopes) -> java.util.List.of());
    }

    /** The default server's seeded access policy, and the evaluator client credentials ask. */
    private dev.gatehouse.oauth.servers.AccessPolicyEvaluator accessPolicies(ChangeFeed changes) {
        dev.gatehouse.oauth.servers.AccessPolicyStore store = new dev.gatehouse.oauth.servers.AccessPolicyStore();
        new dev.gatehouse.oauth.servers.AccessPolicies(db, changes, store, scopes, x -> true, x -> true, x -> true, log, ids, clock)
                .ensureDefaultPolicy(servers.get(AuthorizationServers.DEFAULT));
        return new dev.gatehouse.oauth.servers.AccessPolicyEvaluator(db, changes, store, userId -> java.util.Set.of());
    }

    AuthorizationServer defaultServer() {
        return servers.get(AuthorizationServers.DEFAULT);
    }

    String issuerOf(AuthorizationServer s) {
        return servers.issuer(s);
    }

    User user(String login) {
        return users.create(EventContext.system("test"), new Users.NewUser(Map.of("login", login, "email", login,
                "firstName", "Grace", "lastName", "Hopper"), "Tr0ubadour-Kestrel-Quartz-91", true, List.of()));
    }

    /**
     * A web app (secret) with the given grant types, refresh rotation and leeway, assigned to {@code assigned}. Its client_id
     * is chosen (not its instance id), so an event that names the app by the wrong id shows.
     */
    App app(List<String> grantTypes, String rotation, Integer leeway, User... assigned) {
        App app = apps.create(EventContext.system("test"), new AppRequest("Payroll " + ids.base62(6), "payroll-" + ids.base62(8), "web", grantTypes, null,
                List.of(REDIRECT), null, null, null, null, rotation, leeway, null, null, null, null, null, null)).app();
        for (User u : assigned) {
            apps.assignUser(EventContext.system("test"), app.id(), u.id());
        }
        return apps.get(app.id());
    }

    App service() {
        return apps.create(EventContext.system("test"), new AppRequest("Service " + ids.base62(6), null, "service", List.of("client_credentials"),
                null, null, null, null, null, null, null, null, null, null, null, null, null, null)).app();
    }

    /** A group with {@code user} in it; returns its name. */
    String groupOf(User user, String name) {
        var g = groups.create(EventContext.system("test"), name, null);
        groups.addMember(EventContext.system("test"), g.id(), user.id());
        return name;
    }

    /** Sets a user's status behind the use cases' back (their lifecycle would also revoke the tokens). */
    void status(User user, String status) {
        db.inTx(h -> h.createUpdate("UPDATE users SET status = :s WHERE id = :id").bind("s", status).bind("id", user.id()).execute());
    }

    /** Stores a code as /authorize would, and returns its value. */
    String code(AuthorizationServer server, App client, User user, List<String> scopes, String challenge, String nonce) {
        String value = ids.base62(43);
        db.inTx(h -> codes.insert(h, new AuthorizationCode(Hashes.sha256(value), server.id(), client.clientId(), user.id(), null, REDIRECT,
                scopes, challenge, nonce, clock.instant(), List.of("pwd"), null, clock.instant(), clock.instant().plus(AuthorizationCode.LIFETIME), null)));
        return value;
    }

    /** A custom scope on {@code server}; returns its name. */
    String customScope(AuthorizationServer server, String name) {
        scopes.create(EventContext.system("test"), server, new dev.gatehouse.oauth.servers.ScopeRequest(name, null, null, false, "IMPLICIT", null));
        return name;
    }

    List<LogEvent> events(String eventType) {
        return db.read(h -> log.list(h, new SystemLog.Query(null, null, null, List.of(), null, 1000, false))).stream()
                .filter(e -> e.eventType().equals(eventType)).toList();
    }

    int count(String sql) {
        return db.read(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }

    @Override
    public void close() {
        keys.close();
        db.close();
    }
}
