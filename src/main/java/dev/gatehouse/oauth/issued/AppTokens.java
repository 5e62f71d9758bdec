package dev.gatehouse.oauth.issued;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.apps.App;
import dev.gatehouse.apps.Apps;
import dev.gatehouse.storage.Database;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The refresh tokens an app holds ({@code /api/v1/apps/{id}/tokens}, and the app page's active grants):
 * list them, revoke one (its whole family, with the access tokens minted from it) or all of them.
 */
public final class AppTokens {

    private final Database db;
    private final IssuedTokenStore store;
    private final Apps apps;
    private final SystemLog log;
    private final Clock clock;

    public AppTokens(Database db, IssuedTokenStore store, Apps apps, SystemLog log, Clock clock) {
        this.db = db;
        this.store = store;
        this.apps = apps;
        this.log = log;
        this.clock = clock;
    }

    public List<IssuedTokenStore.RefreshToken> active(String appId) {
        App app = apps.get(appId);
        Instant now = clock.instant();
        return db.read(h -> store.activeRefreshTokensOfClient(h, app.clientId(), now));
    }

    public IssuedTokenStore.RefreshToken get(String appId, String tokenId) {
        App app = apps.get(appId);
        Instant now = clock.instant();
        return db.read(h -> store.findRefreshTokenById(h, tokenId)).filter(t -> t.clientId().equals(app.clientId()) && t.activeAt(now))
                .orElseThrow(() -> ApiError.notFound(tokenId, "OAuth2RefreshToken"));
    }

    public void revoke(EventContext ctx, String appId, String tokenId) {
        App app = apps.get(appId);
        IssuedTokenStore.RefreshToken token = get(appId, tokenId);
        db.inTx(h -> {
            store.revokeFamily(h, token.familyId(), clock.instant());
            log.record(h, ctx, SystemLog.Entry.success("app.oauth2.as.token.revoke", "OAuth2 token revocation request", app.auditTarget())
                    .withDebug(java.util.Map.of("refresh_token_id", tokenId)));
        });
    }

    public void revokeAll(EventContext ctx, String appId) {
        App app = apps.get(appId);
        db.inTx(h -> {
            int families = store.revokeClientFamilies(h, app.clientId(), clock.instant());
            if (families > 0) {
                log.record(h, ctx, SystemLog.Entry.success("app.oauth2.as.token.revoke", "OAuth2 token revocation request", app.auditTarget())
                        .withDebug(java.util.Map.of("families", families)));
            }
        });
    }
}
