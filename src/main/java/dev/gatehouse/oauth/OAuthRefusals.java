package dev.gatehouse.oauth;

import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.storage.Database;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place a refused OAuth request is logged: one FAILURE event per refusal, {@code app.oauth2[.as].<what>}, with the
 * error code as the reason and, in the debug data, what the client was told ({@code error_description}) and what only the
 * log sees ({@code detail}), after the endpoint's own fields. In a transaction of its own: the refused request wrote
 * nothing else. The endpoint then writes the answer with {@link dev.gatehouse.http.OAuthErrorJson}.
 */
public final class OAuthRefusals {

    private final Database db;
    private final SystemLog log;

    public OAuthRefusals(Database db, SystemLog log) {
        this.db = db;
        this.log = log;
    }

    public void record(EventContext who, AuthorizationServer server, String what, String message, OAuthFailure f,
                       Map<String, Object> debug, Target... targets) {
        Map<String, Object> data = new LinkedHashMap<>(debug);
        data.put("error_description", f.description());
        data.put("detail", f.logDetail() == null ? "" : f.logDetail());
        db.inTx(h -> log.record(h, who, SystemLog.Entry.failure(OAuthEvents.type(server, what), message, f.error().code(), targets)
                .withDebug(data).withProblem(f.problem())));
    }
}
