package dev.gatehouse.mfa;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.storage.Database;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * The authenticator use cases, shared by {@code /api/v1/authenticators} and Security › Authenticators: list, rename,
 * activate and deactivate, each change with Okta's System Log event in its transaction. The password cannot be
 * deactivated. Deactivating one that an active enrollment policy (MFA_ENROLL) has REQUIRED or OPTIONAL is refused
 * as Okta refuses it (403 E0000148 naming the policies); otherwise it is allowed while people have it enrolled: their
 * factors stay, but cannot be verified or enrolled until it is active again.
 */
public final class Authenticators {

    static final String ACTIVATE = "security.authenticator.lifecycle.activate";
    static final String DEACTIVATE = "security.authenticator.lifecycle.deactivate";
    static final String UPDATE = "security.authenticator.lifecycle.update";
    private static final int MAX_NAME = 255;

    private final Database db;
    private final AuthenticatorStore store;
    private final SystemLog log;
    private final Clock clock;
    private final Function<String, List<String>> enrollingPolicies;

    /**
     * {@code enrollingPolicies}: authenticator key → the names of the ACTIVE enrollment policies that have it REQUIRED
     * or OPTIONAL (the policies package answers; asked through a function so mfa does not depend on it).
     */
    public Authenticators(Database db, AuthenticatorStore store, SystemLog log, Clock clock, Function<String, List<String>> enrollingPolicies) {
        this.enrollingPolicies = enrollingPolicies;
        this.db = db;
        this.store = store;
        this.log = log;
        this.clock = clock;
    }

    public List<Authenticator> list() {
        return db.read(store::list);
    }

    /** 404 E0000007 when there is no such authenticator. */
    public Authenticator get(String id) {
        return db.read(h -> store.find(h, id)).orElseThrow(() -> ApiError.notFound(id, "Authenticator"));
    }

    /** Whether the authenticator with this key is ACTIVE. */
    public boolean isActive(String key) {
        return db.read(h -> store.findByKey(h, key)).map(Authenticator::active).orElse(false);
    }

    /** PUT: only the name changes (the status has its own endpoints, key and type are fixed). */
    public Authenticator rename(EventContext ctx, String id, String name) {
        return replace(ctx, id, name, null);
    }

    /**
     * Okta's longest email token lifetime is not documented (the spec gives only the default, 5 minutes); Gatehouse takes
     * 1 to 1440 minutes (a day), so a code can neither be born expired nor live for ever.
     */
    static final int MAX_TOKEN_MINUTES = 1440;

    /**
     * PUT: the name and, for okta_email only, {@code settings.tokenLifetimeInMinutes} (null: unchanged), in one
     * transaction with one System Log event. The setting on another authenticator is refused (400 E0000001).
     */
    public Authenticator replace(EventContext ctx, String id, String name, Integer tokenLifetimeMinutes) {
        if (tokenLifetimeMinutes != null && (tokenLifetimeMinutes < 1 || tokenLifetimeMinutes > MAX_TOKEN_MINUTES)) {
            throw ApiError.validation("settings.tokenLifetimeInMinutes", "Must be between 1 and " + MAX_TOKEN_MINUTES + " minutes");
        }
        if (name == null || name.isBlank()) {
            throw ApiError.validation("name", "The field cannot be left blank");
        }
        if (name.length() > MAX_NAME) {
            throw ApiError.validation("name", "The name cannot be longer than " + MAX_NAME + " characters");
        }
        return db.tx(h -> {
            Authenticator current = store.find(h, id).orElseThrow(() -> ApiError.notFound(id, "Authenticator"));
            Instant now = later(clock.instant(), current.lastUpdated());
            if (tokenLifetimeMinutes != null) {
                if (!Authenticator.EMAIL.equals(current.key())) {
                    throw ApiError.validation("settings.tokenLifetimeInMinutes", "Only the okta_email authenticator has a token lifetime");
                }
                store.setTokenLifetime(h, id, tokenLifetimeMinutes, now);
            }
            store.rename(h, id, name.strip(), now);
            log.record(h, ctx, SystemLog.Entry.success(UPDATE, "Update authenticator", target(current)));
            return store.find(h, id).orElseThrow();
        });
    }

    /** The authenticator with this key (every key the catalog has is seeded). */
    public Authenticator byKey(String key) {
        return db.read(h -> store.findByKey(h, key)).orElseThrow(() -> ApiError.notFound(key, "Authenticator"));
    }

    /**
     * {@code PUT …/methods/webauthn}: sets the method's {@code userVerification} (DISCOURAGED, PREFERRED, REQUIRED); any
     * other method, or another value, is refused. Logged as Okta's authenticator update.
     */
    public Authenticator setUserVerification(EventContext ctx, String id, String methodType, String userVerification) {
        Authenticator.UserVerification uv;
        try {
            uv = Authenticator.UserVerification.valueOf(String.valueOf(userVerification));
        } catch (IllegalArgumentException e) {
            throw ApiError.validation("settings.userVerification", "Must be one of DISCOURAGED, PREFERRED, REQUIRED");
        }
        return db.tx(h -> {
            Authenticator current = store.find(h, id).orElseThrow(() -> ApiError.notFound(id, "Authenticator"));
            if (!Authenticator.WEBAUTHN.equals(current.key()) || !"webauthn".equals(methodType)) {
                throw ApiError.notFound(String.valueOf(methodType).length() > 40 ? "method" : String.valueOf(methodType), "AuthenticatorMethod");
            }
            store.setUserVerification(h, id, uv, later(clock.instant(), current.lastUpdated()));
            log.record(h, ctx, SystemLog.Entry.success(UPDATE, "Update authenticator method", target(current)));
            return store.find(h, id).orElseThrow();
        });
    }

    public Authenticator activate(EventContext ctx, String id) {
        return change(ctx, id, Authenticator.Status.ACTIVE);
    }

    public Authenticator deactivate(EventContext ctx, String id) {
        return change(ctx, id, Authenticator.Status.INACTIVE);
    }

    private Authenticator change(EventContext ctx, String id, Authenticator.Status to) {
        boolean activating = to == Authenticator.Status.ACTIVE;
        return db.tx(h -> {
            Authenticator current = store.find(h, id).orElseThrow(() -> ApiError.notFound(id, "Authenticator"));
            if (!current.hasLifecycle() && !activating) {
                throw new ApiError(ErrorCode.E0000001, ErrorCode.E0000001.summary(
                        "The password authenticator is always active and cannot be deactivated."), List.of());
            }
            if (!activating && current.active()) {
                List<String> policies = enrollingPolicies.apply(current.key());
                if (!policies.isEmpty()) {
                    throw new ApiError(ErrorCode.E0000148, ErrorCode.E0000148.summary(null),
                            List.of(new ApiError.Cause(null, "Authenticator Enrollment Policies: " + String.join(", ", policies))));
                }
            }
            if (!store.changeStatus(h, id, to, later(clock.instant(), current.lastUpdated()))) {
                // Okta's answer to deactivating an inactive authenticator (recorded traffic), mirrored for activate.
                String detail = activating ? "api.authenticator.error.unsupported.inactive.activate"
                        : "api.authenticator.error.unsupported.active.deactivate";
                throw new ApiError(ErrorCode.E0000001, ErrorCode.E0000001.summary(detail), List.of());
            }
            log.record(h, ctx, SystemLog.Entry.success(activating ? ACTIVATE : DEACTIVATE,
                    (activating ? "Activate" : "Deactivate") + " authenticator", target(current)));
            return store.find(h, id).orElseThrow();
        });
    }

    static Target target(Authenticator a) {
        return new Target(a.id(), "Authenticator", a.key(), a.name());
    }

    private static Instant later(Instant now, Instant previous) {
        return now.isAfter(previous) ? now : previous.plusMillis(1);
    }
}
