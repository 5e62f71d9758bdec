package dev.gatehouse.reports;

import dev.gatehouse.syslog.LogEvent;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Actor;
import dev.gatehouse.syslog.ClientUserAgent;
import dev.gatehouse.syslog.Target;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One event in Okta's LogEvent JSON, field for field, so SIEM tools and SDKs that read Okta's System Log read
 * Gatehouse's. What Gatehouse does not know is null where Okta's own examples send null for it (the spec's
 * {@code ListLogs} example; the sample events in Okta's developer docs, okta/okta-developer-docs
 * {@code docs/reference/rl-system-log-events/index.md}: {@code legacyEventType}, {@code request.ipChain[].geographicalContext},
 * the {@code authenticationContext} providers, {@code detailEntry}, {@code client.zone} and {@code client.id}), and left
 * out where Okta's schema has no null for it and no example shows one (the client's geolocation, address and user agent
 * when unknown, the session id outside a session). No top-level {@code device}: Okta's schema does not declare it, and
 * its examples carry one only for a registered device. The console's event details show exactly this.
 */
public final class LogEventJson {

    private LogEventJson() {
    }

    public static Map<String, Object> of(LogEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("actor", actor(e.actor()));
        m.put("client", client(e));
        m.put("authenticationContext", authenticationContext(e));
        m.put("displayMessage", e.displayMessage());
        m.put("eventType", e.eventType());
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("result", e.outcome().result());
        outcome.put("reason", e.outcome().reason());
        m.put("outcome", outcome);
        m.put("published", e.published());
        m.put("securityContext", nulls("asNumber", "asOrg", "isp", "domain", "isProxy"));
        m.put("severity", e.severity().name());
        m.put("debugContext", Map.of("debugData", debugData(e)));
        m.put("legacyEventType", null);
        Map<String, Object> transaction = new LinkedHashMap<>();
        transaction.put("type", e.debugData().containsKey(SystemLog.REQUEST_URI) ? "WEB" : "JOB");
        transaction.put("id", e.transactionId());
        transaction.put("detail", Map.of());
        m.put("transaction", transaction);
        m.put("uuid", e.uuid());
        m.put("version", "0");
        m.put("request", Map.of("ipChain", e.clientIp() == null ? List.of() : List.of(ip(e.clientIp()))));
        m.put("target", e.targets().stream().map(LogEventJson::target).toList());
        return m;
    }

    private static Map<String, Object> actor(Actor a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("type", a.type());
        m.put("alternateId", a.alternateId());
        m.put("displayName", a.displayName());
        m.put("detailEntry", null);
        return m;
    }

    private static Map<String, Object> target(Target t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("type", t.type());
        m.put("alternateId", t.alternateId());
        m.put("displayName", t.displayName());
        m.put("detailEntry", null);
        return m;
    }

    private static Map<String, Object> client(LogEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        ClientUserAgent ua = ClientUserAgent.parse(e.clientUserAgent());
        Map<String, Object> userAgent = new LinkedHashMap<>();
        if (ua != null) {
            userAgent.put("rawUserAgent", ua.rawUserAgent());
            userAgent.put("os", ua.os());
            userAgent.put("browser", ua.browser());
        }
        if (ua != null) {
            m.put("userAgent", userAgent);
        }
        m.put("zone", null);
        m.put("device", ua == null ? "Unknown" : device(ua));
        m.put("id", null);
        if (e.clientIp() != null) {
            m.put("ipAddress", e.clientIp());
        }
        return m;
    }

    private static String device(ClientUserAgent ua) {
        return switch (ua.os()) {
            case "iOS", "Android" -> "Mobile";
            case "Unknown" -> "Unknown";
            default -> "Computer";
        };
    }

    /** Okta's step counter and session: the session id when the event acted on a sign-in session, else left out. */
    private static Map<String, Object> authenticationContext(LogEvent e) {
        Map<String, Object> m = nulls("authenticationProvider", "credentialProvider", "credentialType", "issuer", "interface");
        m.put("authenticationStep", 0);
        e.targets().stream().filter(t -> "Session".equals(t.type())).map(Target::id).findFirst()
                .ifPresent(id -> m.put("externalSessionId", id));
        return m;
    }

    private static Map<String, Object> debugData(LogEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requestId", e.transactionId());
        m.putAll(e.debugData());
        return m;
    }

    private static Map<String, Object> ip(String address) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ip", address);
        m.put("geographicalContext", null);
        m.put("version", address.contains(":") ? "V6" : "V4");
        m.put("source", null);
        return m;
    }

    private static Map<String, Object> nulls(String... keys) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : keys) {
            m.put(k, null);
        }
        return m;
    }
}
