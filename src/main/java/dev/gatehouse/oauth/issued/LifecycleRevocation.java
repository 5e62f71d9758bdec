package dev.gatehouse.oauth.issued;

import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppRevocation;
import dev.gatehouse.directory.AccessRevocation;
import dev.gatehouse.directory.User;
import dev.gatehouse.oauth.codes.CodeStore;
import dev.gatehouse.sessions.Session;
import dev.gatehouse.sessions.SessionSettings;
import dev.gatehouse.sessions.SessionStore;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ends what a user or an app holds when an admin says so or their standing changes (issue #14, "what ends when"):
 * sign-in sessions, authorization codes not yet exchanged, and token families with their refresh and access tokens.
 * Revocation here is for good: it sets {@code revoked_at}, which nothing clears, so reactivating the user or the app
 * brings nothing back (Okta: "If the client is deactivated the token is immediately and permanently invalid";
 * tokens are "implicitly revoked on user deactivation", OKTA-REFERENCE §12.2 from Okta's OIDC reference).
 *
 * <p>System Log, as Okta names its events (event types verified in okta/okta-developer-docs
 * {@code data/event-types.json} and the Identity Threat Protection event reference): one {@code user.session.end} per
 * live session that ended (Okta writes it once per session, correlated with the {@code user.session.clear} the caller
 * writes), {@code app.oauth2.token.revoke.implicit.user} "Revoked tokens for user." and
 * {@code app.oauth2.token.revoke.implicit.client} "Revoked tokens for client.". Which of Okta's actions write the two
 * implicit events is not documented; Gatehouse writes them for deactivation and for a session clear with
 * {@code oauthTokens=true}, with the cause and the counts in {@code debugData}.
 */
public final class LifecycleRevocation implements AccessRevocation, AppRevocation {

    private final SessionStore sessions;
    private final SessionSettings sessionSettings;
    private final CodeStore codes;
    private final IssuedTokenStore tokens;
    private final SystemLog log;
    private final Clock clock;
    private final dev.gatehouse.oauth.consent.ConsentStore consents;

    public LifecycleRevocation(SessionStore sessions, SessionSettings sessionSettings, CodeStore codes, IssuedTokenStore tokens,
                               SystemLog log, Clock clock, dev.gatehouse.oauth.consent.ConsentStore consents) {
        this.consents = consents;
        this.sessions = sessions;
        this.sessionSettings = sessionSettings;
        this.codes = codes;
        this.tokens = tokens;
        this.log = log;
        this.clock = clock;
    }

    @Override
    public int endSessions(Handle h, EventContext ctx, User user, String keepSessionId, String cause) {
        Instant now = clock.instant();
        int live = 0;
        for (Session s : sessions.ofUser(h, user.id(), keepSessionId)) {
            if (s.activeAt(now, sessionSettings.idle())) {   // expired ones are deleted too, without an event: they had ended
                live++;
                log.record(h, ctx, SystemLog.Entry.success("user.session.end", "User logout from Okta", userTarget(user), sessionTarget(s))
                        .withDebug(Map.of("cause", cause)));
            }
        }
        sessions.deleteForUser(h, user.id(), keepSessionId);
        sessions.deletePendingSignIns(h, user.id());
        codes.expireUnusedOfUser(h, user.id(), keepSessionId, now);
        return live;
    }

    @Override
    public void revokeTokens(Handle h, EventContext ctx, User user, String cause, boolean asked) {
        Instant now = clock.instant();
        int unexchanged = codes.expireUnusedOfUser(h, user.id(), null, now);
        IssuedTokenStore.Revoked revoked = tokens.revokeUserTokens(h, user.id(), now);
        if (cause.endsWith(".deactivate")) {
            consents.revokeUser(h, user.id(), now);   // Okta: consent ends when the user is deactivated (notes §7.1)
        }
        if (asked || revoked.any() || unexchanged > 0) {
            log.record(h, ctx, SystemLog.Entry.success("app.oauth2.token.revoke.implicit.user", "Revoked tokens for user.", userTarget(user))
                    .withDebug(counts(cause, revoked, unexchanged)));
        }
    }

    @Override
    public void revokeAppTokens(Handle h, EventContext ctx, App app, String cause) {
        Instant now = clock.instant();
        int unexchanged = codes.expireUnusedOfClient(h, app.clientId(), now);
        IssuedTokenStore.Revoked revoked = tokens.revokeClientTokens(h, app.clientId(), now);
        consents.revokeClient(h, app.clientId(), now);   // Okta: consent ends when the app is deactivated (notes §7.1)
        if (revoked.any() || unexchanged > 0) {
            log.record(h, ctx, SystemLog.Entry.success("app.oauth2.token.revoke.implicit.client", "Revoked tokens for client.",
                    app.auditTarget()).withDebug(counts(cause, revoked, unexchanged)));
        }
    }

    @Override
    public java.util.Optional<Instant> clientTokenCutoff(Handle h, App app) {
        return tokens.clientTokenCutoff(h, app.clientId());
    }

    private static Map<String, Object> counts(String cause, IssuedTokenStore.Revoked revoked, int codes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cause", cause);
        m.put("families", revoked.families());
        m.put("refreshTokens", revoked.refreshTokens());
        m.put("accessTokens", revoked.accessTokens());
        m.put("authorizationCodes", codes);
        return m;
    }

    private static Target userTarget(User u) {
        return new Target(u.id(), "User", u.profile().login(), u.profile().name());
    }

    private static Target sessionTarget(Session s) {
        return new Target(s.id(), "Session", s.id(), "Session");
    }
}
