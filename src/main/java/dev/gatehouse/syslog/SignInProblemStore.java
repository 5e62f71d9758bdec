package dev.gatehouse.syslog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.storage.Hashes;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sign-in doctor's counts (issue #21, {@code sign_in_problems}: V39): one row per app, {@link Cause} and subject,
 * written by {@link SystemLog#record} in the same transaction as the refusal's event, so a count never exists without
 * its event. Bounded whatever the requests carry: the subject is cut to {@link #SUBJECT} characters, an app and cause
 * hold at most {@link #SUBJECTS_PER_CAUSE} subjects (later ones are counted under {@link #OTHERS}), the example is cut
 * to {@link #EXAMPLE} characters of JSON, and rows unseen for the log's retention period go with the log
 * ({@link #purgeBefore}).
 */
public final class SignInProblemStore {

    public static final int SUBJECTS_PER_CAUSE = 20;
    public static final int SUBJECT = 500;
    public static final int EXAMPLE = 3_900;
    /** The subject under which refusals past {@link #SUBJECTS_PER_CAUSE} distinct subjects are counted. */
    public static final String OTHERS = "*";
    /** The app id of refusals no app can be named for (an unknown client id, an origin no app uses). */
    public static final String ORG = "";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One group of refusals: an app's cause and subject, how often and when, and the last one's example. */
    public record Row(String appId, Cause cause, String subjectHash, String subject, long occurrences, Instant firstSeen,
                      Instant lastSeen, Map<String, Object> example) {
        /** How the console and the API name the group: the cause and the subject's hash. */
        public String id() {
            return cause.name() + "." + subjectHash.substring(0, 16);
        }
    }

    /** Per app: how many refusals since a moment, and the last one. */
    public record AppCount(String appId, long occurrences, Instant lastSeen) {
    }

    /** Counts {@code times} refusals of {@code p} for {@code appId} ({@link #ORG} for none) at {@code now}. */
    void record(Handle h, String appId, Problem p, long times, Instant now) {
        String subject = LogText.bounded(p.subject(), SUBJECT);
        String hash = Hashes.sha256(subject);
        String example = example(p.example());
        // A group seen before (the common case, and every refusal of a flood): one UPDATE.
        if (count(h, appId, p.cause(), hash, times, now, example)) {
            return;
        }
        int subjects = h.createQuery("SELECT COUNT(*) FROM sign_in_problems WHERE app_id = :app AND cause = :cause")
                .bind("app", appId).bind("cause", p.cause().name()).mapTo(Integer.class).one();
        if (subjects >= SUBJECTS_PER_CAUSE) {
            subject = OTHERS;
            hash = Hashes.sha256(OTHERS);
        }
        // A new group: inserted at zero (a concurrent first refusal's insert wins, nothing is lost), then counted.
        h.createUpdate("""
                        INSERT INTO sign_in_problems (app_id, cause, subject_hash, subject, occurrences, first_seen, last_seen, example)
                        VALUES (:app, :cause, :hash, :subject, 0, :now, :now, :example) ON CONFLICT DO NOTHING""")
                .bind("app", appId).bind("cause", p.cause().name()).bind("hash", hash).bind("subject", subject)
                .bind("now", now).bind("example", example).execute();
        count(h, appId, p.cause(), hash, times, now, example);
    }

    /** Adds {@code times} to a group; false when there is no such group yet. */
    private static boolean count(Handle h, String appId, Cause cause, String hash, long times, Instant now, String example) {
        return h.createUpdate("""
                        UPDATE sign_in_problems SET occurrences = occurrences + :times, last_seen = :now, example = :example
                        WHERE app_id = :app AND cause = :cause AND subject_hash = :hash""")
                .bind("app", appId).bind("cause", cause.name()).bind("hash", hash).bind("times", times)
                .bind("now", now).bind("example", example).execute() > 0;
    }

    /** An app's groups ({@link #ORG}: the org's), the most recent first. */
    public List<Row> list(Handle h, String appId) {
        return h.createQuery("SELECT * FROM sign_in_problems WHERE app_id = :app ORDER BY last_seen DESC, cause, subject_hash")
                .bind("app", appId).map((rs, c) -> read(rs)).list();
    }

    /** The group the console or the API names by {@link Row#id()}. */
    public Optional<Row> find(Handle h, String appId, String id) {
        int dot = id.indexOf('.');
        String prefix = dot < 0 ? "" : id.substring(dot + 1);
        if (dot < 0 || !ID_HASH.matcher(prefix).matches()) {
            return Optional.empty();
        }
        return h.createQuery("SELECT * FROM sign_in_problems WHERE app_id = :app AND cause = :cause AND LEFT(subject_hash, 16) = :prefix")
                .bind("app", appId).bind("cause", id.substring(0, dot)).bind("prefix", prefix)
                .map((rs, c) -> read(rs)).findFirst();
    }

    /** The hash part of {@link Row#id()}: the first 16 characters of the subject's SHA-256 in base64url. */
    private static final java.util.regex.Pattern ID_HASH = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{16}");

    /** Forgets a group (its fix was applied, or the app is gone); true when there was one. */
    public boolean delete(Handle h, String appId, Cause cause, String subjectHash) {
        return h.createUpdate("DELETE FROM sign_in_problems WHERE app_id = :app AND cause = :cause AND subject_hash = :hash")
                .bind("app", appId).bind("cause", cause.name()).bind("hash", subjectHash).execute() > 0;
    }

    /** Forgets every group of an app. */
    public void deleteApp(Handle h, String appId) {
        h.createUpdate("DELETE FROM sign_in_problems WHERE app_id = :app").bind("app", appId).execute();
    }

    /** The apps (and {@link #ORG}) with refusals seen since {@code since}, the most recent first, at most {@code limit}. */
    public List<AppCount> appsSince(Handle h, Instant since, int limit) {
        return h.createQuery("""
                        SELECT app_id, SUM(occurrences) AS total, MAX(last_seen) AS latest FROM sign_in_problems
                        WHERE last_seen >= :since GROUP BY app_id ORDER BY latest DESC LIMIT :limit""")
                .bind("since", since).bind("limit", limit)
                .map((rs, c) -> new AppCount(rs.getString("app_id"), rs.getLong("total"), rs.getTimestamp("latest").toInstant())).list();
    }

    /** Deletes the groups not seen since {@code cutoff} (with the System Log's retention); returns how many. */
    public int purgeBefore(Handle h, Instant cutoff) {
        return h.createUpdate("DELETE FROM sign_in_problems WHERE last_seen < :cutoff").bind("cutoff", cutoff).execute();
    }

    /** The example as bounded JSON: text values cut to 500 characters, at most 20 entries, the whole at most {@link #EXAMPLE}. */
    private static String example(Map<String, Object> example) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : example.entrySet()) {
            if (out.size() == 20) {
                break;
            }
            Object v = e.getValue();
            out.put(LogText.bounded(e.getKey(), LogText.DEBUG_KEY), v instanceof Number || v instanceof Boolean ? v
                    : LogText.bounded(String.valueOf(v), 500));
            if (write(out).length() > EXAMPLE) {
                out.remove(LogText.bounded(e.getKey(), LogText.DEBUG_KEY));
                break;
            }
        }
        return write(out);
    }

    private static Row read(ResultSet rs) throws SQLException {
        return new Row(rs.getString("app_id"), Cause.valueOf(rs.getString("cause")), rs.getString("subject_hash"), rs.getString("subject"),
                rs.getLong("occurrences"), rs.getTimestamp("first_seen").toInstant(), rs.getTimestamp("last_seen").toInstant(),
                readMap(rs.getString("example")));
    }

    private static Map<String, Object> readMap(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    private static String write(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
