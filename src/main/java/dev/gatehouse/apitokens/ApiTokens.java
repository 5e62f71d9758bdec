package dev.gatehouse.apitokens;

import dev.gatehouse.api.ApiCaller;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.directory.UserStore;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** SSWS API tokens: create (value shown once), authenticate, list and revoke. */
public final class ApiTokens {

    /** A new token and its value, which exists nowhere else once this is returned. */
    public record Created(ApiToken token, String value) {
    }

    private final Database db;
    private final ApiTokenStore store;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;

    public ApiTokens(Database db, ApiTokenStore store, SystemLog log, Ids ids, Clock clock) {
        this.db = db;
        this.store = store;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
    }

    /** Creates a token for {@code userId}; {@code value} is given only by the first-start configuration. */
    public Created create(Handle h, EventContext ctx, String userId, String name, Optional<String> value) {
        String plain = value.orElseGet(() -> "00" + ids.base62(40));
        Instant now = clock.instant();
        ApiToken token = new ApiToken(ids.next(Ids.API_TOKEN), userId, name, now, null, now.plus(ApiToken.TOKEN_WINDOW));
        store.insert(h, token, Hashes.sha256(plain));
        log.record(h, ctx, SystemLog.Entry.success("system.api_token.create", "Create API token", target(token)));
        return new Created(token, plain);
    }

    public Created create(EventContext ctx, String userId, String name) {
        String clean = validName(name);
        return db.tx(h -> create(h, ctx, userId, clean, Optional.empty()));
    }

    /** The caller for a presented token value, if it is known, unexpired and its owner is active. */
    public Optional<ApiCaller> authenticate(String value) {
        if (value == null || value.isBlank() || value.length() > 200) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return db.read(h -> {
            Optional<ApiCaller> caller = store.findCaller(h, Hashes.sha256(value.trim()), now, UserStore.SUPER_ADMIN);
            caller.ifPresent(c -> store.touch(h, c.tokenId(), now));
            return caller;
        });
    }

    public List<ApiToken> list(String userId, String after, int limit) {
        return db.read(h -> store.listForUser(h, userId, after, limit));
    }

    /** A token of the caller's own; another user's token is reported as not found. */
    public ApiToken get(ApiCaller caller, String id) {
        String resolved = "current".equals(id) ? caller.tokenId() : id;
        return db.read(h -> store.find(h, resolved)).filter(t -> t.userId().equals(caller.userId()))
                .orElseThrow(() -> ApiError.notFound(id, "ApiToken"));
    }

    public void revoke(EventContext ctx, ApiCaller caller, String id) {
        ApiToken token = get(caller, id);
        db.inTx(h -> {
            if (!store.delete(h, token.id())) {
                throw ApiError.notFound(id, "ApiToken");
            }
            log.record(h, ctx, SystemLog.Entry.success("system.api_token.revoke", "Revoke API token", target(token)));
        });
    }

    /** Renames one of the caller's tokens (Okta's upsert of an API token; only the name can change here). */
    public ApiToken rename(EventContext ctx, ApiCaller caller, String id, String name) {
        ApiToken token = get(caller, id);
        String clean = validName(name);
        return db.tx(h -> {
            store.rename(h, token.id(), clean);
            ApiToken renamed = store.find(h, token.id()).orElseThrow(() -> ApiError.notFound(id, "ApiToken"));
            log.record(h, ctx, SystemLog.Entry.success("system.api_token.update", "Update API token", target(renamed)));
            return renamed;
        });
    }

    private static String validName(String name) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw ApiError.validation("name", "A token name of 1 to 100 characters is required.");
        }
        return name.trim();
    }

    private static Target target(ApiToken t) {
        return new Target(t.id(), "Token", t.name(), t.name());
    }
}
