package dev.gatehouse;

import dev.gatehouse.api.ApiAuth;
import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppAssignments;
import dev.gatehouse.apps.AppJson;
import dev.gatehouse.features.Feature;
import dev.gatehouse.features.FeaturePages;
import dev.gatehouse.features.FeatureJson;
import dev.gatehouse.features.FeatureStore;
import dev.gatehouse.features.Features;
import dev.gatehouse.features.FeaturesApi;
import dev.gatehouse.apps.AppPages;
import dev.gatehouse.apps.AppStore;
import dev.gatehouse.apps.Apps;
import dev.gatehouse.apps.AppsApi;
import dev.gatehouse.apps.AssignmentStore;
import dev.gatehouse.apitokens.ApiTokenJson;
import dev.gatehouse.apitokens.ApiTokenStore;
import dev.gatehouse.apitokens.ApiTokens;
import dev.gatehouse.apitokens.ApiTokensApi;
import dev.gatehouse.config.DataDirectory;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.apitokens.ApiTokenPages;
import dev.gatehouse.console.Console;
import dev.gatehouse.console.ConsoleUser;
import dev.gatehouse.reports.DashboardPages;
import dev.gatehouse.directory.DirectoryJson;
import dev.gatehouse.directory.GroupPages;
import dev.gatehouse.directory.PeoplePages;
import dev.gatehouse.http.Csrf;
import dev.gatehouse.mail.MailStore;
import dev.gatehouse.mail.Outbox;
import dev.gatehouse.mail.Templates;
import dev.gatehouse.mfa.AuthenticatorJson;
import dev.gatehouse.mfa.AuthenticatorPages;
import dev.gatehouse.mfa.AuthenticatorStore;
import dev.gatehouse.mfa.Authenticators;
import dev.gatehouse.mfa.AuthenticatorsApi;
import dev.gatehouse.mfa.FactorJson;
import dev.gatehouse.mfa.FactorStore;
import dev.gatehouse.mfa.Factors;
import dev.gatehouse.mfa.FactorsApi;
import dev.gatehouse.mfa.WebAuthn;
import dev.gatehouse.mfa.WebAuthnStore;
import dev.gatehouse.oauth.issued.LifecycleRevocation;
import dev.gatehouse.policies.PoliciesApi;
import dev.gatehouse.policies.PolicyPages;
import dev.gatehouse.policies.Policies;
import dev.gatehouse.policies.PolicyJson;
import dev.gatehouse.policies.PolicyStore;
import dev.gatehouse.policies.SignOnPolicies;
import dev.gatehouse.sessions.SessionCookie;
import dev.gatehouse.sessions.SessionSettings;
import dev.gatehouse.sessions.SessionJson;
import dev.gatehouse.sessions.SessionStore;
import dev.gatehouse.sessions.Sessions;
import dev.gatehouse.sessions.SessionsApi;
import dev.gatehouse.sessions.SignInPages;
import dev.gatehouse.sessions.SignInRoutes;
import dev.gatehouse.reports.SystemLogPages;
import java.time.Duration;
import dev.gatehouse.directory.GroupStore;
import dev.gatehouse.directory.Logins;
import dev.gatehouse.directory.Groups;
import dev.gatehouse.directory.GroupsApi;
import dev.gatehouse.directory.PasswordHasher;
import dev.gatehouse.directory.UserStore;
import dev.gatehouse.directory.Users;
import dev.gatehouse.directory.UsersApi;
import dev.gatehouse.http.ErrorMapper;
import dev.gatehouse.http.HealthRoutes;
import dev.gatehouse.http.HomeRoutes;
import dev.gatehouse.http.HttpServer;
import dev.gatehouse.http.Pages;
import dev.gatehouse.http.ParameterLimits;
import dev.gatehouse.http.RateLimitFilter;
import dev.gatehouse.http.RateLimits;
import dev.gatehouse.http.SharedBuckets;
import dev.gatehouse.http.Tls;
import dev.gatehouse.oauth.ClientAuthentication;
import dev.gatehouse.oauth.OAuthRoutes;
import dev.gatehouse.oauth.authorize.Authorization;
import dev.gatehouse.oauth.authorize.AuthorizeEndpoint;
import dev.gatehouse.oauth.codes.CodeStore;
import dev.gatehouse.oauth.grants.ClientCredentialsGrant;
import dev.gatehouse.oauth.grants.CodeGrant;
import dev.gatehouse.oauth.grants.RefreshGrant;
import dev.gatehouse.oauth.grants.TokenRecorder;
import dev.gatehouse.oauth.token.TokenEndpoint;
import dev.gatehouse.oauth.issued.AppTokens;
import dev.gatehouse.oauth.issued.AppTokenJson;
import dev.gatehouse.oauth.issued.AppTokensApi;
import dev.gatehouse.oauth.issued.IssuedTokenStore;
import dev.gatehouse.oauth.issued.ClaimsSigner;
import dev.gatehouse.oauth.discovery.DiscoveryDocuments;
import dev.gatehouse.oauth.discovery.DiscoveryRoutes;
import dev.gatehouse.oauth.keys.KeyEncryption;
import dev.gatehouse.oauth.keys.KeyRotationSchedule;
import dev.gatehouse.oauth.keys.KeyRotationSettings;
import dev.gatehouse.oauth.keys.SigningKeyStore;
import dev.gatehouse.oauth.keys.SigningKeys;
import dev.gatehouse.oauth.servers.AuthorizationServerJson;
import dev.gatehouse.oauth.servers.AuthorizationServerPages;
import dev.gatehouse.oauth.servers.AuthorizationServerStore;
import dev.gatehouse.oauth.servers.AuthorizationServers;
import dev.gatehouse.oauth.servers.AuthorizationServersApi;
import dev.gatehouse.oauth.servers.ScopeStore;
import dev.gatehouse.oauth.servers.Scopes;
import dev.gatehouse.oauth.servers.ScopesApi;
import dev.gatehouse.org.OrgBootstrap;
import dev.gatehouse.org.OrgStore;
import dev.gatehouse.origins.Cors;
import dev.gatehouse.origins.ReturnTargets;
import dev.gatehouse.origins.TrustedOriginCache;
import dev.gatehouse.origins.TrustedOriginPages;
import dev.gatehouse.origins.TrustedOriginJson;
import dev.gatehouse.origins.TrustedOriginStore;
import dev.gatehouse.origins.TrustedOrigins;
import dev.gatehouse.origins.TrustedOriginsApi;
import dev.gatehouse.storage.ChangeFeed;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.reports.LogsApi;
import dev.gatehouse.syslog.LogRetention;
import dev.gatehouse.syslog.SystemLog;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The composition root: every long-lived object is built here, by constructor, in dependency
 * order. Reading this file top to bottom is reading how Gatehouse fits together.
 */
public final class Wiring implements AutoCloseable {

    /** The schema migrations written in Java (SQL could not say them on H2 and PostgreSQL alike), in version order. */
    public static final List<org.flywaydb.core.api.migration.JavaMigration> JAVA_MIGRATIONS =
            List.of(new dev.gatehouse.directory.migration.V25__Normalized_login_keys());

    public final GatehouseConfig config;
    public final Database db;
    public final OrgBootstrap.FirstStart firstStart;
    public final ApiTokens apiTokens;
    public final SystemLog systemLog;
    public final Users users;
    public final Groups groups;
    public final Apps apps;
    public final AuthorizationServers authorizationServers;
    public final SigningKeys signingKeys;
    private final KeyRotationSchedule keyRotation;
    /** Where the start's time went (set once the start is over; the banner prints it). */
    StartPhases startPhases;
    /** The System Log's group commit (set once the start is over). */
    private dev.gatehouse.syslog.EventBatcher events;
    public final Optional<Path> certificate;
    public final boolean certificateGenerated;
    private final HttpServer server;
    public final TrustedOrigins trustedOrigins;
    private final ChangeFeed changes;
    public final Features features;
    public final LogRetention logRetention;
    private final RateLimits rateLimits;
    /** The policy evaluator (issue 18): what the sign-in and /authorize ask of the app sign-in, session and enrollment policies. */
    public final SignOnPolicies signOnPolicies;
    public final Policies policies;
    /** WebAuthn's use cases, for the sign-in pages to come and for tests. */
    public final WebAuthn webAuthn;
    /** The email outbox (issue #19): what {@code Mail.send} queues, and its worker. */
    public final Outbox mail;
    public final Templates mailTemplates;
    /** The sign-in doctor's per-origin counts (issue #21): flushed on a timer, before the problems are read, and at stop. */
    public final dev.gatehouse.origins.OriginRefusals originRefusals;

    private Wiring(GatehouseConfig config, Database db, OrgBootstrap.FirstStart firstStart, ApiTokens apiTokens, SystemLog systemLog,
                   Optional<Tls.Material> tls, boolean certificateGenerated, HttpServer server,
                   Users users, Groups groups, Apps apps, AuthorizationServers authorizationServers, SigningKeys signingKeys,
                   KeyRotationSchedule keyRotation, TrustedOrigins trustedOrigins, ChangeFeed changes,
                   Features features, LogRetention logRetention, RateLimits rateLimits, Policies policies,
                   SignOnPolicies signOnPolicies, WebAuthn webAuthn, Outbox mail, Templates mailTemplates,
                   dev.gatehouse.origins.OriginRefusals originRefusals) {
        this.originRefusals = originRefusals;
        this.mail = mail;
        this.mailTemplates = mailTemplates;
        this.policies = policies;
        this.signOnPolicies = signOnPolicies;
        this.webAuthn = webAuthn;
        this.features = features;
        this.logRetention = logRetention;
        this.rateLimits = rateLimits;
        this.trustedOrigins = trustedOrigins;
        this.changes = changes;
        this.config = config;
        this.db = db;
        this.apiTokens = apiTokens;
        this.systemLog = systemLog;
        this.firstStart = firstStart;
        this.certificate = tls.map(Tls.Material::certificatePath);
        this.certificateGenerated = certificateGenerated;
        this.server = server;
        this.users = users;
        this.groups = groups;
        this.apps = apps;
        this.authorizationServers = authorizationServers;
        this.signingKeys = signingKeys;
        this.keyRotation = keyRotation;
    }

    /** Opens the store, creates the org on first start, and starts listening. */
    public static Wiring start(GatehouseConfig config, Clock clock) {
        StartPhases phases = new StartPhases();
        phases.mark("JVM, classes and settings");
        // First: a key file others can read stops the start before anything is read or written; the directory is private.
        DataDirectory.prepare(config);
        Optional<Tls.Material> tls = Optional.empty();
        boolean generated = false;
        if (config.httpsPort().isPresent()) {
            if (config.tlsCert().isPresent()) {
                tls = Optional.of(Tls.load(config.tlsCert().get(), config.tlsKey().orElseThrow()));
            } else {
                Tls.DevCertificate dev = Tls.developmentCertificate(config.dataDir(), config.baseUri().getHost());
                tls = Optional.of(dev.material());
                generated = dev.generated();
            }
        }
        SecureRandom random = new SecureRandom();
        Ids ids = new Ids(random);
        Database db = Database.open(config, JAVA_MIGRATIONS);
        phases.mark("database and migrations");
        // Drops this node's caches (apps, authorization servers and scopes, trusted origins) after every change, made
        // here or (PostgreSQL) on another node; it starts listening once every cache has registered, below.
        ChangeFeed changes = new ChangeFeed(db);
        dev.gatehouse.syslog.EventBatcher events = null;
        // Ready (GET /health/ready) once the org file, if any, is applied.
        java.util.concurrent.atomic.AtomicBoolean ready = new java.util.concurrent.atomic.AtomicBoolean(false);
        try {
            SystemLog log = new SystemLog(clock, new dev.gatehouse.syslog.SignInProblemStore());
            // Every store, built once and handed to whoever needs it (stores hold no state: the SQL of one table family).
            UserStore users = new UserStore();
            GroupStore groupStore = new GroupStore();
            AssignmentStore assignmentStore = new AssignmentStore();
            SessionStore sessionStore = new SessionStore();
            CodeStore codeStore = new CodeStore();
            IssuedTokenStore issuedTokens = new IssuedTokenStore();
            dev.gatehouse.oauth.consent.ConsentStore consentStore = new dev.gatehouse.oauth.consent.ConsentStore();
            PasswordHasher hasher = new PasswordHasher(
                    new PasswordHasher.Params(config.argon2MemoryKib(), config.argon2Iterations(), config.argon2Parallelism()), random);
            ApiTokens apiTokens = new ApiTokens(db, new ApiTokenStore(), log, ids, clock);
            OrgBootstrap.FirstStart first = new OrgBootstrap(db, new OrgStore(), users, apiTokens, hasher, log, ids, clock).ensure(config);
            SessionSettings sessionSettings = new SessionSettings(Duration.ofMinutes(config.sessionIdleMinutes()),
                    Duration.ofMinutes(config.sessionMaxMinutes()));
            // What ends when a user's or an app's standing changes (sessions, codes, tokens): one object, handed to both.
            LifecycleRevocation revocation = new LifecycleRevocation(sessionStore, sessionSettings, codeStore,
                    issuedTokens, log, clock, consentStore);
            KeyEncryption keyEncryption = KeyEncryption.load(config.keyEncryptionKey(), config.dataDir(), random);
            // Email (issue #19): the outbox queues in the caller's transaction; its worker (started below) sends through SMTP,
            // or, without SMTP settings, keeps the messages in the dev mailbox. It reads a user's profile values through this
            // function, so the mail module needs nothing from the directory.
            MailStore mailStore = new MailStore();
            Templates mailTemplates = new Templates(db, mailStore, log, clock);
            Outbox mail = new Outbox(db, mailStore, mailTemplates, keyEncryption, log, ids, clock, config.mail(), config.orgName(),
                    config.baseUrl(), (h, userId) -> users.find(h, userId).map(u -> {
                        java.util.Map<String, String> v = new java.util.HashMap<>();
                        v.put("user.profile.firstName", u.profile().firstName());
                        v.put("user.profile.lastName", u.profile().lastName());
                        v.put("user.profile.login", u.profile().login());
                        v.put("user.profile.email", u.profile().email());
                        return v;
                    }).orElse(java.util.Map.of()), Duration.ofMillis(Long.getLong("gatehouse.mail.pollMillis", 5_000)));
            dev.gatehouse.directory.UserTokenStore userTokens = new dev.gatehouse.directory.UserTokenStore(ids);
            Users directoryUsers = new Users(db, users, groupStore, hasher, log, ids, clock, config.lockoutAttempts(), revocation, userTokens);
            Groups directoryGroups = new Groups(db, groupStore, users, log, ids, clock);
            // Activation (issue #19): the activation link and the welcome page.
            dev.gatehouse.directory.Activations activations = new dev.gatehouse.directory.Activations(db, users, directoryUsers, hasher, log,
                    userTokens, mail, clock, config.baseUrl(), Duration.ofDays(config.mail().activationLinkDays()));
            Features features = new Features(db, new FeatureStore(), log, ids, clock);
            features.seed(Wiring.features(config.features()));
            Apps apps = new Apps(db, changes, new AppStore(), new AppAssignments(db, changes, assignmentStore, groupStore, users, log, clock),
                    log, ids, clock, () -> features.isEnabled(Feature.REFRESH_TOKEN_ROTATION_FOR_SPA), revocation);
            AppTokens appTokens = new AppTokens(db, issuedTokens, apps, log, clock);
            // Policies (issue 18): the store first, so that deactivating an authenticator can ask which enrollment policies use it.
            PolicyStore policyStore = new PolicyStore();
            Authenticators authenticators = new Authenticators(db, new AuthenticatorStore(), log, clock,
                    key -> db.read(h -> policyStore.enrollingPolicies(h, key)));
            java.util.function.Supplier<java.util.Map<String, Boolean>> authenticatorCatalog = () -> authenticators.list().stream()
                    .collect(java.util.stream.Collectors.toMap(dev.gatehouse.mfa.Authenticator::key, dev.gatehouse.mfa.Authenticator::active,
                            (a, b) -> a, java.util.LinkedHashMap::new));
            Policies policies = new Policies(db, changes, policyStore, apps, groupId -> db.read(h -> groupStore.find(h, groupId)).isPresent(),
                    authenticatorCatalog, log, ids, clock);
            SignOnPolicies signOnPolicies = new SignOnPolicies(db, changes, policyStore,
                    userId -> db.read(h -> groupStore.groupsOf(h, userId)).stream().map(dev.gatehouse.directory.Group::id)
                            .collect(java.util.stream.Collectors.toSet()),
                    authenticatorCatalog);
            PolicyJson policyJson = new PolicyJson(config.baseUrl(), authenticatorCatalog);
            FactorStore factorStore = new FactorStore();
            SigningKeys signingKeys = new SigningKeys(db, new SigningKeyStore(), keyEncryption, log, clock, random, KeyRotationSettings.DEFAULTS);
            signingKeys.checkKeyEncryption();
            phases.mark("capabilities and keys");
            Scopes scopes = new Scopes(db, changes, new ScopeStore(), log, ids, clock);
            dev.gatehouse.oauth.servers.Claims claims = new dev.gatehouse.oauth.servers.Claims(db, changes,
                    new dev.gatehouse.oauth.servers.ClaimStore(), scopes, log, ids, clock);
            // Custom claims on the token path: the claims from Claims' snapshot, a user's groups only when a claim needs them.
            dev.gatehouse.oauth.claims.CustomClaims customClaims = new dev.gatehouse.oauth.claims.CustomClaims(claims::rules,
                    userId -> db.read(h -> groupStore.groupsOf(h, userId)), apps::findByClientId,
                    new dev.gatehouse.oauth.claims.ClaimSubject.Org(config.orgName(), config.baseUri().getHost().split("\\.")[0]));
            AuthorizationServers authorizationServers = new AuthorizationServers(db, changes, new AuthorizationServerStore(), scopes, signingKeys,
                    log, ids, clock, config.baseUrl(), (h, serverId) -> consentStore.revokeServer(h, serverId, clock.instant()));
            authorizationServers.ensureBuiltIns();
            // Authorization-server access policies (issue 17): the use cases, and the evaluator /authorize and /token ask.
            dev.gatehouse.oauth.servers.AccessPolicyStore accessPolicyStore = new dev.gatehouse.oauth.servers.AccessPolicyStore();
            dev.gatehouse.oauth.servers.AccessPolicies accessPolicies = new dev.gatehouse.oauth.servers.AccessPolicies(db, changes,
                    accessPolicyStore, scopes, clientId -> apps.findByClientId(clientId).isPresent(),
                    userId -> db.read(h -> users.find(h, userId)).isPresent(), groupId -> db.read(h -> groupStore.find(h, groupId)).isPresent(),
                    log, ids, clock);
            accessPolicies.ensureDefaultPolicy(authorizationServers.find(AuthorizationServers.DEFAULT).orElseThrow());
            dev.gatehouse.oauth.servers.AccessPolicyEvaluator accessPolicyEvaluator = new dev.gatehouse.oauth.servers.AccessPolicyEvaluator(db,
                    changes, accessPolicyStore, userId -> db.read(h -> groupStore.groupsOf(h, userId)).stream()
                            .map(dev.gatehouse.directory.Group::id).collect(java.util.stream.Collectors.toSet()));
            dev.gatehouse.oauth.servers.AccessPolicyJson accessPolicyJson = new dev.gatehouse.oauth.servers.AccessPolicyJson(config.baseUrl());
            signingKeys.makeMissingKeysSoon();   // off the request path: the first token request need not make them
            AuthorizationServerJson authorizationServerJson = new AuthorizationServerJson(authorizationServers, signingKeys, config.baseUrl());

            TrustedOriginStore originStore = new TrustedOriginStore();
            TrustedOriginCache originCache = new TrustedOriginCache(db, changes, originStore);
            // The sign-in doctor's count of untrusted origins (issue #21): CORS and redirect refusals, aggregated per origin.
            dev.gatehouse.origins.OriginRefusals originRefusals = new dev.gatehouse.origins.OriginRefusals(db, log,
                    () -> appsUsing(apps), dev.gatehouse.origins.Origin.ofUrl(config.baseUrl()).map(Object::toString).orElse(""));
            TrustedOrigins trustedOrigins = new TrustedOrigins(db, changes, originStore, log, ids, clock);
            changes.listen(config.jdbcUrl(), config.dbUser().orElse(null), config.dbPassword().orElse(null));

            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(metrics);
            new JvmThreadMetrics().bindTo(metrics);
            new ProcessorMetrics().bindTo(metrics);

            Pages pages = new Pages();
            ErrorMapper errors = new ErrorMapper(ids, pages);
            dev.gatehouse.sessions.SessionTokenStore sessionTokens = new dev.gatehouse.sessions.SessionTokenStore(ids);
            Sessions sessions = new Sessions(db, sessionStore, directoryUsers, users, log, ids, clock, sessionSettings, sessionTokens,
                    userId -> signOnPolicies.forSession(userId).allowed());
            SessionCookie sessionCookie = new SessionCookie(sessions, config.publicHttps());
            // The one CSRF filter for every form (console, sign-in, sign-out, and any added later): see http/Csrf.
            Csrf csrf = new Csrf(ids, config.publicHttps(), config.baseUrl(), keyEncryption.derive("csrf"),
                    ctx -> sessionCookie.current(ctx).map(c -> c.session().id()), errors::formExpired);
            SignInPages signInPages = new SignInPages(sessions, sessionCookie, csrf, pages, config.orgName(), new ReturnTargets(originCache, originRefusals),
                    userId -> signOnPolicies.forSession(userId).allowed());
            csrf.signInForm(SignInRoutes.SIGN_IN, signInPages::formExpired).onRefused(SignInRoutes.SIGN_OUT, signInPages::signOutExpired);
            RateLimits rateLimits = RateLimits.of(config.rateLimitMultiplier(), config.rateLimits(),
                    db.isPostgres() ? Optional.of(new SharedBuckets.Store(config.jdbcUrl(), config.dbUser().orElse(null),
                            config.dbPassword().orElse(null))) : Optional.empty(), clock);
            Factors factors = new Factors(db, factorStore, authenticators, directoryUsers, keyEncryption, rateLimits, log, ids, clock,
                    sessionStore::forgetFactors);
            WebAuthn webAuthn = new WebAuthn(db, factorStore, new WebAuthnStore(), authenticators, directoryUsers, rateLimits, log, ids, clock,
                    config.baseUrl(), config.webauthnRpId().orElse(config.baseUri().getHost()), config.orgName());
            dev.gatehouse.mfa.EmailFactors emailFactors = new dev.gatehouse.mfa.EmailFactors(db, factorStore, new dev.gatehouse.mfa.EmailChallengeStore(),
                    authenticators, directoryUsers, mail, rateLimits, log, ids, clock, config.baseUrl(), keyEncryption.derive("email-factor-code"));
            DirectoryJson directoryJson = new DirectoryJson(config.baseUrl(), factors::withAny);
            SignOn signOn = new SignOn(factors, authenticators, signOnPolicies);
            RateLimitFilter rateLimitFilter = new RateLimitFilter(rateLimits, errors, signInPages::tooManyAttempts, Logins::key);
            // Password recovery and the admin's password lifecycle (issue #19): the use cases and the hosted pages.
            dev.gatehouse.directory.PasswordRecovery passwordRecovery = new dev.gatehouse.directory.PasswordRecovery(db, users, userTokens,
                    mail, hasher, directoryUsers.passwordPolicy(), log, ids, clock, revocation,
                    Duration.ofMinutes(config.mail().recoveryLinkMinutes()), config.baseUrl());
            dev.gatehouse.sessions.RecoveryPages recoveryPages = new dev.gatehouse.sessions.RecoveryPages(passwordRecovery, sessions,
                    signInPages, csrf, pages, config.orgName(), userId -> recoveryFactors(factors, authenticators, userId),
                    factors::verifyForRecovery, new dev.gatehouse.sessions.RecoveryPages.RecoveryKeys() {
                        @Override
                        public String options(String userId, String binding) {
                            return webAuthn.startRecoveryAssertion(userId, binding);
                        }

                        @Override
                        public void verify(dev.gatehouse.syslog.EventContext ctx, String userId, String binding, String credentialId,
                                           String clientDataJson, String authenticatorData, String signature, String userHandle) {
                            webAuthn.finishRecoveryAssertion(ctx, userId, binding, credentialId, clientDataJson, authenticatorData,
                                    signature, userHandle);
                        }
                    });
            signInPages.onPasswordExpired(recoveryPages::showExpired);
            // Okta's Authentication API (issue #20): the hosted pages' own checks (Sessions.check, Factors, EmailFactors,
            // WebAuthn, PasswordRecovery) and the same policy evaluation (SignOn), behind /api/v1/authn.
            ApiAuth apiAuth = new ApiAuth(apiTokens::authenticate, ApiRoutes.COOKIE_ENDPOINTS);
            dev.gatehouse.authn.AuthnApi authnApi = new dev.gatehouse.authn.AuthnApi(new dev.gatehouse.authn.Authn(db,
                    new dev.gatehouse.authn.AuthnStore(), sessions, sessionTokens, directoryUsers, factors, emailFactors, webAuthn,
                    passwordRecovery, keyEncryption, signOn, log, ids, clock, config.showLockoutFailures()),
                    new dev.gatehouse.authn.AuthnJson(config.baseUrl(), passwordRecovery.policy()), rateLimitFilter, apiAuth);
            csrf.onRefused(dev.gatehouse.sessions.RecoveryPages.FORGOT, recoveryPages::forgotExpired);
            rateLimitFilter.onRecoveryRefused(recoveryPages::tooMany);
            // Consent and User Grants (issue 17): the consent page's requests, the grants, and their revocation.
            dev.gatehouse.oauth.consent.Consents consents = new dev.gatehouse.oauth.consent.Consents(db, consentStore, issuedTokens, scopes,
                    apps, authorizationServers::find, userId -> db.read(h -> users.find(h, userId)).isPresent(), log, ids, clock);
            dev.gatehouse.oauth.authorize.ConsentPages consentPages = new dev.gatehouse.oauth.authorize.ConsentPages(consents, sessionCookie,
                    csrf, pages, errors, ids, new dev.gatehouse.oauth.OAuthRefusals(db, log), config.orgName());
            Console console = new Console(consoleAccess(sessionCookie, db, users, signOn), csrf, pages, errors, config.orgName(), rateLimitFilter);
            // Group commit for the events that are a grant's only write (client credentials): closed with the node, before the pool.
            events = new dev.gatehouse.syslog.EventBatcher(db, log);
            OAuthRoutes oauth = oauthRoutes(config, db, log, events, ids, clock, apps, users, groupStore, assignmentStore, codeStore, issuedTokens,
                    directoryGroups, authorizationServers, scopes, signingKeys, sessions, sessionCookie, pages, errors, first.orgId(),
                    rateLimitFilter, signOn, keyEncryption.derive("authorize-started"), accessPolicyEvaluator, customClaims, consents, consentPages,
                    console);
            // The sign-in doctor (issue #21): the counted refusals explained, with their one-click fixes.
            dev.gatehouse.troubleshoot.Troubleshooting troubleshooting = new dev.gatehouse.troubleshoot.Troubleshooting(db, log, apps,
                    trustedOrigins, features, directoryUsers, originRefusals, clock);
            ConsoleRoutes consoleRoutes = new ConsoleRoutes(console,
                    new DashboardPages(console, directoryUsers, db, log, troubleshooting::recent),
                    new PeoplePages(console, directoryUsers, activations, directoryGroups, factors::enrolled).withRecovery(passwordRecovery),
                    new GroupPages(console, directoryGroups, directoryUsers),
                    new ApiTokenPages(console, apiTokens),
                    new SystemLogPages(console, db, log),
                    new AppPages(console, apps, appTokens, directoryGroups, directoryUsers, config.baseUrl(),
                            () -> features.isEnabled(Feature.REFRESH_TOKEN_ROTATION_FOR_SPA), trustedOrigins,
                            appId -> signOnPolicy(appId, policies, signOnPolicies)),
                    new AuthorizationServerPages(console, authorizationServers, scopes, signingKeys),
                    new FeaturePages(console, features),
                    new TrustedOriginPages(console, trustedOrigins),
                    new AuthenticatorPages(console, authenticators, factors, directoryUsers),
                    new PolicyPages(console, policies, () -> authenticators.list().stream()
                            .map(a -> new PolicyPages.Authenticator(a.key(), a.name(), a.active())).toList(),
                            () -> db.read(h -> users.withRole(h, UserStore.SUPER_ADMIN)), signOn::canMeetSecondFactor),
                    new dev.gatehouse.oauth.servers.AccessPolicyPages(console, authorizationServers, accessPolicies, scopes),
                    new dev.gatehouse.oauth.servers.ClaimPages(console, authorizationServers, claims, customClaims, directoryUsers::find),
                    new dev.gatehouse.oauth.servers.TokenPreviewPages(console, authorizationServers, scopes, apps, accessPolicyEvaluator,
                            new ClaimsSigner(signingKeys, ids, clock, first.orgId(), customClaims), directoryUsers::find,
                            userId -> db.read(h -> groupStore.groupsOf(h, userId)).stream().map(dev.gatehouse.directory.Group::name)
                                    .limit(100).toList(),
                            apps::isAssigned, new dev.gatehouse.oauth.servers.TokenPreviewPages.Consent() {
                                @Override
                                public List<String> toAsk(dev.gatehouse.oauth.servers.AuthorizationServer server, dev.gatehouse.apps.App app,
                                                          String userId, List<String> scopes) {
                                    return consents.toAsk(server, app, userId, scopes, false);
                                }

                                @Override
                                public List<String> refusedToClients(dev.gatehouse.oauth.servers.AuthorizationServer server, List<String> scopes) {
                                    return consents.requiredForClients(server, scopes);
                                }
                            }, clock),
                    new dev.gatehouse.mail.MailPages(console, mail, mailTemplates, config.orgName(), config.baseUrl(),
                            config.mail().smtpHost().map(host -> host + ":" + config.mail().smtpPort() + " ("
                                    + config.mail().tls().name().toLowerCase(java.util.Locale.ROOT) + ")").orElse("")),
                    new dev.gatehouse.troubleshoot.TroubleshootPages(console, troubleshooting, apps));
            ApiRoutes api = new ApiRoutes(
                    apiAuth,
                    new ApiTokensApi(apiTokens, new ApiTokenJson(config.baseUrl()), config.baseUrl()),
                    new LogsApi(db, log, config.baseUrl()),
                    new UsersApi(directoryUsers, activations, directoryGroups, directoryJson, config.baseUrl()).withRecovery(passwordRecovery),
                    new GroupsApi(directoryGroups, directoryJson, config.baseUrl()),
                    new SessionsApi(sessions, sessionCookie, new SessionJson(config.baseUrl(), first.orgId(), sessionSettings,
                            signOn::sessionStatus, signOn::hasSecondFactor)),
                    new AppsApi(apps, new AppJson(config.baseUrl(), app -> accessPolicyHref(app, signOnPolicies, policyJson)), config.baseUrl()),
                    new AuthorizationServersApi(authorizationServers, authorizationServerJson, config.baseUrl()),
                    new ScopesApi(authorizationServers, scopes, authorizationServerJson),
                    new FeaturesApi(features, new FeatureJson(config.baseUrl())),
                    new TrustedOriginsApi(trustedOrigins, new TrustedOriginJson(config.baseUrl()), config.baseUrl()),
                    new AppTokensApi(appTokens, new AppTokenJson(authorizationServers, config.baseUrl())),
                    new AuthenticatorsApi(authenticators, new AuthenticatorJson(config.baseUrl())),
                    new FactorsApi(factors, webAuthn, emailFactors, directoryUsers, new FactorJson(config.baseUrl())),
                    new PoliciesApi(policies, policyJson),
                    new dev.gatehouse.oauth.servers.AccessPoliciesApi(authorizationServers, accessPolicies, accessPolicyJson),
                    new dev.gatehouse.oauth.servers.ClaimsApi(authorizationServers, claims, new dev.gatehouse.oauth.servers.ClaimJson(config.baseUrl())),
                    new dev.gatehouse.oauth.consent.UserGrantsApi(consents, new dev.gatehouse.oauth.consent.UserGrantJson(config.baseUrl(),
                            authorizationServers, consents,
                            userId -> db.read(h -> users.find(h, userId)).map(u -> u.profile().name())), config.baseUrl()),
                    new dev.gatehouse.troubleshoot.ProblemsApi(troubleshooting, new dev.gatehouse.troubleshoot.ProblemJson()));
            HttpServer server = new HttpServer(config, tls, ids, errors, metrics, List.of(
                    new Cors(originCache, originRefusals),
                    new ParameterLimits(errors),   // after CORS (a browser must read the refusal), before anything counts or stores
                    rateLimitFilter,   // after CORS (a browser must be able to read a 429), before every surface
                    csrf,              // every form post, before any handler can act on it
                    // The protocol's routes first: Javalin finds a request's route by trying each pattern of its method in
                    // registration order, so a token request no longer tries the console's and the API's ~200 patterns first
                    // (8 % of a client-credentials grant's CPU in bench/results/2026-12-06-profile.md). Their paths (/oauth2/…,
                    // /.well-known/…) are no other route's, so the order changes no answer.
                    oauth,
                    new DiscoveryRoutes(authorizationServers, signingKeys, new DiscoveryDocuments(authorizationServers, scopes), errors),
                    new HealthRoutes(db, metrics, ready::get),
                    new HomeRoutes(config, pages),
                    new SignInRoutes(signInPages),
                    recoveryPages,
                    new dev.gatehouse.sessions.WelcomePages(activations, sessions, sessionCookie, csrf, pages, config.orgName(),
                            userId -> signOnPolicies.forSession(userId).allowed(),
                            userId -> signOn.mustEnroll(userId) ? dev.gatehouse.mfa.FactorSignInPages.ENROLL + "?fromURI=%2F" : "/"),
                    consentPages,
                    new dev.gatehouse.mfa.FactorSignInPages(factors, webAuthn, emailFactors, authenticators, sessions, sessionCookie, signInPages, csrf, pages,
                            config.orgName(), signOn::enrollableKeys),
                    consoleRoutes,
                    api,
                    authnApi)).start();
            phases.mark("routes and HTTP server");
            Wiring wiring = new Wiring(config, db, first, apiTokens, log, tls, generated, server, directoryUsers, directoryGroups, apps,
                    authorizationServers, signingKeys, KeyRotationSchedule.start(signingKeys), trustedOrigins, changes,
                    features, new LogRetention(db, log, clock, config.logRetentionDays()).start(),
                    rateLimits, policies, signOnPolicies, webAuthn, mail.start(), mailTemplates, originRefusals.start());
            if (config.orgFile().isPresent()) {
                // The org file (issue #22), after migrations and before ready, through the management API like any client.
                try {
                    dev.gatehouse.orgfile.OrgAtStart.apply(config.orgFile().get(), wiring.localUrl(), apiTokens,
                            () -> db.read(h -> users.withRole(h, UserStore.SUPER_ADMIN)).stream().findFirst());
                } catch (RuntimeException e) {
                    wiring.close();
                    throw e;
                }
            }
            phases.mark(config.orgFile().isPresent() ? "schedules and the org file" : "schedules");
            wiring.startPhases = phases;
            wiring.events = events;
            ready.set(true);
            return wiring;
        } catch (RuntimeException e) {
            if (events != null) {
                events.close();
            }
            changes.close();
            db.close();
            throw e;
        }
    }

    /**
     * For each origin, the apps whose sign-in redirect, sign-out redirect or initiate-login URIs use it, as System Log
     * targets: the apps listed once (at most 2,000), for a whole flush of {@link dev.gatehouse.origins.OriginRefusals}.
     */
    private static java.util.function.Function<String, List<dev.gatehouse.syslog.Target>> appsUsing(Apps apps) {
        java.util.Map<String, List<dev.gatehouse.syslog.Target>> byOrigin = new java.util.HashMap<>();
        String after = null;
        for (int page = 0; page < 10; page++) {
            List<App> batch = apps.list(null, null, after, 200);
            for (App a : batch) {
                var st = a.settings();
                java.util.stream.Stream<String> uris = java.util.stream.Stream.concat(java.util.stream.Stream.concat(st.redirectUris().stream(),
                        st.postLogoutRedirectUris().stream()), java.util.stream.Stream.ofNullable(st.initiateLoginUri()));
                uris.flatMap(u -> dev.gatehouse.origins.Origin.ofUrl(u).stream()).map(Object::toString).distinct()
                        .forEach(o -> byOrigin.computeIfAbsent(o, k -> new java.util.ArrayList<>()).add(a.auditTarget()));
            }
            if (batch.size() < 200) {
                break;
            }
            after = batch.getLast().id();
        }
        return origin -> byOrigin.getOrDefault(origin, List.of());
    }

    /**
     * The factors a person must verify before a password reset (issue #19, Okta's recovery rule): their ACTIVE factors whose
     * authenticator is active (a factor nobody can verify now does not count, as at sign-in); the email authenticator
     * never counts, the link having come by email. The TOTP ones and the security keys / passkeys can be verified on the reset page.
     */
    private static dev.gatehouse.sessions.RecoveryPages.OtherFactors recoveryFactors(Factors factors, Authenticators authenticators,
                                                                                     String userId) {
        boolean totp = authenticators.isActive(dev.gatehouse.mfa.Authenticator.GOOGLE_OTP);
        boolean keys = authenticators.isActive(dev.gatehouse.mfa.Authenticator.WEBAUTHN);
        List<dev.gatehouse.mfa.Factor> active = factors.list(userId).stream().filter(dev.gatehouse.mfa.Factor::active).toList();
        List<dev.gatehouse.sessions.RecoveryPages.Choice> codes = active.stream()
                .filter(f -> totp && f.factorType().equals(dev.gatehouse.mfa.Factor.TOTP))
                .map(f -> new dev.gatehouse.sessions.RecoveryPages.Choice(f.id(), "Google Authenticator")).toList();
        boolean hasKey = keys && active.stream().anyMatch(dev.gatehouse.mfa.Factor::webAuthn);
        return new dev.gatehouse.sessions.RecoveryPages.OtherFactors(codes, hasKey, !codes.isEmpty() || hasKey);
    }

    /** Who uses the console: the session's person, and whether they hold the super admin role (read once per request). */
    private static Console.Access consoleAccess(SessionCookie sessions, Database db, UserStore users, SignOn signOn) {
        return ctx -> sessions.current(ctx).map(c -> new ConsoleUser(c.user().id(), c.user().profile().login(), c.user().profile().name(),
                c.session().id(), db.read(h -> users.hasRole(h, c.user().id(), UserStore.SUPER_ADMIN)), signOn.hasSecondFactor(c.user().id()),
                signOn.pendingStep(c)));
    }

    /**
     * An app's {@code _links.accessPolicy}: its assigned app sign-in policy, else the default; API service apps without an
     * assignment have none, as at Okta ("API service apps aren't automatically assigned a default app sign-in policy").
     */
    private static Optional<String> accessPolicyHref(dev.gatehouse.apps.App app, SignOnPolicies policies, PolicyJson json) {
        if (app.settings().applicationType() == dev.gatehouse.apps.AppSettings.ApplicationType.SERVICE && !policies.hasAssignment(app.id())) {
            return Optional.empty();
        }
        return Optional.of(json.href(policies.accessPolicyIdFor(app.id())));
    }

    /** The app page's Sign On tab: the app sign-in policy that applies and the active ones to choose from. */
    private static dev.gatehouse.apps.AppPages.SignOnPolicy signOnPolicy(String appId, Policies policies, SignOnPolicies signOn) {
        String current = signOn.accessPolicyIdFor(appId);
        List<dev.gatehouse.policies.Policy> all = policies.list("ACCESS_POLICY", null, null);
        return new dev.gatehouse.apps.AppPages.SignOnPolicy(current,
                all.stream().filter(p -> p.id().equals(current)).map(dev.gatehouse.policies.Policy::name).findFirst().orElse(current),
                all.stream().filter(dev.gatehouse.policies.Policy::active)
                        .map(p -> new dev.gatehouse.apps.AppPages.SignOnPolicy.Choice(p.id(), p.name())).toList());
    }

    /** GATEHOUSE_FEATURES names, checked against the catalog. */
    private static Set<Feature> features(Set<String> names) {
        Set<Feature> out = java.util.EnumSet.noneOf(Feature.class);
        for (String n : names) {
            out.add(java.util.Arrays.stream(Feature.values()).filter(f -> f.configName().equals(n)).findFirst()
                    .orElseThrow(() -> new dev.gatehouse.config.ConfigException("GATEHOUSE_FEATURES names an unknown feature '" + n
                            + "'. Known: " + java.util.Arrays.stream(Feature.values()).map(Feature::configName).toList() + ".")));
        }
        return out;
    }

    /** The OAuth 2.0 / OpenID Connect endpoints and what they need. */
    private static OAuthRoutes oauthRoutes(GatehouseConfig config, Database db, SystemLog log, dev.gatehouse.syslog.EventBatcher events, Ids ids,
                                           Clock clock, Apps apps,
                                           UserStore users, GroupStore groupStore, AssignmentStore assignments, CodeStore codes,
                                           IssuedTokenStore issued, Groups groups, AuthorizationServers servers, Scopes scopes,
                                           SigningKeys keys, Sessions sessions, SessionCookie sessionCookie, Pages pages, ErrorMapper errors,
                                           String orgId, RateLimitFilter rateLimits, dev.gatehouse.oauth.authorize.SignOnRules signOn,
                                           byte[] startKey, dev.gatehouse.oauth.servers.AccessPolicyEvaluator accessPolicies,
                                           dev.gatehouse.oauth.claims.CustomClaims customClaims, dev.gatehouse.oauth.consent.Consents consents,
                                           dev.gatehouse.oauth.authorize.ConsentPages consentPages, Console console) {
        java.util.function.Function<dev.gatehouse.oauth.servers.AuthorizationServer, Set<String>> customScopes = s -> scopes.list(s.id()).stream()
                .filter(scope -> !scope.system()).map(dev.gatehouse.oauth.servers.Scope::name).collect(java.util.stream.Collectors.toSet());
        ClaimsSigner signer = new ClaimsSigner(keys, ids, clock, orgId, customClaims);
        TokenRecorder recorder = new TokenRecorder(issued, ids);
        ClientAuthentication clients = new ClientAuthentication(apps);
        dev.gatehouse.oauth.OAuthRefusals refusals = new dev.gatehouse.oauth.OAuthRefusals(db, log);
        dev.gatehouse.oauth.issued.TokenVerifier verifier = new dev.gatehouse.oauth.issued.TokenVerifier(db, issued, keys, apps, users, clock);
        return new OAuthRoutes(servers,
                new AuthorizeEndpoint(servers, new Authorization(apps, customScopes, consents::toAsk, db, codes, log, ids, clock, config.baseUrl(), signOn,
                        accessPolicies),
                        sessionCookie, pages, errors, ids, new dev.gatehouse.oauth.authorize.RequestStart(startKey, clock),
                        config.publicHttps(), consentPages, console::isAdmin),
                new TokenEndpoint(servers, clients,
                        new CodeGrant(db, codes, issued, signer, recorder, users, groupStore, log, ids, clock, apps::findByClientId),
                        new RefreshGrant(db, issued, signer, recorder, users, groupStore, assignments, log, clock),
                        new ClientCredentialsGrant(signer, recorder, customScopes, events::record, accessPolicies,
                                consents::requiredForClients),
                        refusals, rateLimits),
                new dev.gatehouse.oauth.userinfo.UserInfoEndpoint(servers, verifier, groups, db, log, refusals, customClaims),
                new dev.gatehouse.oauth.introspect.IntrospectEndpoint(servers, clients,
                        new dev.gatehouse.oauth.introspect.Introspection(db, issued, verifier, users, clock), db, log, refusals),
                new dev.gatehouse.oauth.revoke.RevokeEndpoint(servers, clients,
                        new dev.gatehouse.oauth.revoke.Revocation(db, issued, verifier, log, clock), refusals),
                new dev.gatehouse.oauth.logout.LogoutEndpoint(servers, new dev.gatehouse.oauth.logout.Logout(verifier, apps), sessions,
                        sessionCookie, errors, db, log));
    }

    public int port() {
        return server.port();
    }

    public int httpsPort() {
        return server.httpsPort();
    }

    /** This node's HTTP address as seen from the node itself (the org file at start talks to it). */
    public String localUrl() {
        String host = "0.0.0.0".equals(config.bind()) || "::".equals(config.bind()) ? "127.0.0.1" : config.bind();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    @Override
    public void close() {
        mail.close();
        originRefusals.close();
        changes.close();
        keyRotation.close();
        signingKeys.close();
        logRetention.close();
        rateLimits.close();
        server.close();
        if (events != null) {
            events.close();   // after the server: no request waits on it any more; before the pool it writes through
        }
        db.close();
    }
}
