package dev.gatehouse.org;

import dev.gatehouse.apitokens.ApiTokens;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.DataDirectory;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.directory.Logins;
import dev.gatehouse.directory.PasswordPolicy;
import dev.gatehouse.directory.PasswordHasher;
import dev.gatehouse.directory.User;
import dev.gatehouse.directory.UserStore;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.Actor;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Creates the org and its first super admin on an empty store, in one transaction. The org row
 * is a singleton (unique key), so when two nodes start at once on one PostgreSQL, the second
 * insert fails, its transaction rolls back whole, and exactly one admin exists.
 */
public final class OrgBootstrap {

    /** What the first start did, for the startup banner. */
    public record FirstStart(String orgId, boolean created, String adminLogin, Optional<String> generatedPassword,
                             Optional<Path> passwordFile, boolean apiTokenCreated) {
    }

    private final Database db;
    private final OrgStore orgs;
    private final UserStore users;
    private final ApiTokens apiTokens;
    private final PasswordHasher hasher;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;

    public OrgBootstrap(Database db, OrgStore orgs, UserStore users, ApiTokens apiTokens, PasswordHasher hasher, SystemLog log, Ids ids,
                        Clock clock) {
        this.db = db;
        this.orgs = orgs;
        this.users = users;
        this.apiTokens = apiTokens;
        this.hasher = hasher;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
    }

    public FirstStart ensure(GatehouseConfig config) {
        Optional<String> existing = orgId();
        if (existing.isPresent()) {
            return new FirstStart(existing.get(), false, config.adminEmail(), Optional.empty(), existingPasswordFile(config), false);
        }
        // Checked on the first start only: a password given for a store that has its admin already is not read at all.
        Logins.refusal(config.adminEmail()).ifPresent(why -> {
            throw new ConfigException("GATEHOUSE_ADMIN_EMAIL cannot be used as a login: " + why + ".");
        });
        config.adminPassword().ifPresent(p -> {
            if (!PasswordPolicy.DEFAULT.check(p, config.adminEmail()).isEmpty()) {
                throw new ConfigException("GATEHOUSE_ADMIN_PASSWORD does not meet the password policy (" + PasswordPolicy.DEFAULT.requirements()
                        + ", not a commonly used password, at most " + PasswordPolicy.DEFAULT.maxLength()
                        + " characters): choose another, or leave it unset to have one generated.");
            }
        });
        Optional<String> generated = config.adminPassword().isPresent() ? Optional.empty()
                : Optional.of(PasswordPolicy.DEFAULT.firstAcceptable(this::strongPassword, config.adminEmail()));
        String password = config.adminPassword().orElseGet(generated::get);
        String hash = hasher.hash(password);
        try {
            db.inTx(h -> {
                Instant now = clock.instant();
                orgs.insert(h, ids.next(Ids.ORG), config.orgName(), now);
                User admin = new User(ids.next(Ids.USER), User.Status.ACTIVE,
                        new User.Profile(config.adminEmail(), config.adminEmail(), "Super", "Admin", null, null),
                        now, now, now, null, now, now);
                users.insert(h, admin, hash);
                users.grantRole(h, admin.id(), UserStore.SUPER_ADMIN, now);
                EventContext ctx = EventContext.system("first-start");
                Target target = new Target(admin.id(), "User", config.adminEmail(), admin.profile().name());
                log.record(h, ctx, SystemLog.Entry.success("user.lifecycle.create", "Create okta user", target));
                log.record(h, ctx, SystemLog.Entry.success("user.lifecycle.activate", "Activate Okta user", target));
                log.record(h, ctx, SystemLog.Entry.success("user.account.privilege.grant", "Grant user privilege", target));
                config.apiToken().ifPresent(value -> apiTokens.create(h,
                        ctx.as(Actor.user(admin.id(), config.adminEmail(), admin.profile().name())),
                        admin.id(), "Automation (GATEHOUSE_API_TOKEN)", Optional.of(value)));
            });
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                return new FirstStart(orgId().orElseThrow(), false, config.adminEmail(), Optional.empty(), Optional.empty(), false);
            }
            throw e;
        }
        Optional<Path> file = generated.map(p -> writePasswordFile(config.dataDir(), p));
        return new FirstStart(orgId().orElseThrow(), true, config.adminEmail(), generated, file, config.apiToken().isPresent());
    }

    private Optional<String> orgId() {
        return db.read(orgs::id);
    }

    private String strongPassword() {
        String base = ids.base62(20);
        return base.substring(0, 5) + "-" + base.substring(5, 10) + "-" + base.substring(10, 15) + "-" + base.substring(15);
    }

    private static Optional<Path> existingPasswordFile(GatehouseConfig config) {
        Path p = config.dataDir().resolve("initial-admin-password");
        return Files.exists(p) ? Optional.of(p) : Optional.empty();
    }

    private static Path writePasswordFile(Path dataDir, String password) {
        Path file = dataDir.resolve("initial-admin-password");
        try {
            DataDirectory.ensure(dataDir);
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, password + System.lineSeparator(), StandardOpenOption.TRUNCATE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}
