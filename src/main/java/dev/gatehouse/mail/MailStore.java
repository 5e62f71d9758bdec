package dev.gatehouse.mail;

import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The SQL of the outbox ({@code mail_outbox}) and of the edited template texts ({@code mail_templates}), V33. */
public final class MailStore {

    /** One outbox row; the subject and bodies are sealed (see {@link Outbox}); {@code bodySealed} is null once sent. */
    public record Row(String id, String template, String recipient, String recipientName, String userId, String status, int attempts,
                      String lastError, String kekId, String subjectSealed, String bodySealed, Instant createdAt,
                      Instant nextAttemptAt, Instant sentAt) {
    }

    /** An edited template text. */
    public record EditedText(String template, String subject, String text, String html, Instant updatedAt) {
    }

    public void insert(Handle h, Row r) {
        h.createUpdate("""
                        INSERT INTO mail_outbox (id, template, recipient, recipient_name, user_id, status, attempts, last_error, kek_id,
                            subject_sealed, body_sealed, created_at, next_attempt_at, sent_at)
                        VALUES (:id, :template, :recipient, :name, :user, :status, :attempts, :error, :kek, :subject, :body, :created,
                            :next, :sent)""")
                .bind("id", r.id()).bind("template", r.template()).bind("recipient", r.recipient()).bind("name", r.recipientName())
                .bind("user", r.userId()).bind("status", r.status()).bind("attempts", r.attempts()).bind("error", r.lastError())
                .bind("kek", r.kekId()).bind("subject", r.subjectSealed()).bind("body", r.bodySealed())
                .bind("created", ts(r.createdAt())).bind("next", ts(r.nextAttemptAt())).bind("sent", ts(r.sentAt()))
                .execute();
    }

    /** Ids of queued messages due now and not leased by a live worker, oldest first. */
    public List<String> due(Handle h, Instant now, int limit) {
        return h.createQuery("""
                        SELECT id FROM mail_outbox
                        WHERE status = 'QUEUED' AND next_attempt_at <= :now AND (lease_until IS NULL OR lease_until < :now)
                        ORDER BY next_attempt_at, id LIMIT :limit""")
                .bind("now", ts(now)).bind("limit", limit).mapTo(String.class).list();
    }

    /**
     * Takes the lease on one due message (and counts the attempt): true for exactly one of several nodes asking at once; a
     * node that dies while holding it loses it when {@code leaseUntil} passes, and another node sends the message.
     */
    public boolean claim(Handle h, String id, Instant now, Instant leaseUntil) {
        return h.createUpdate("""
                        UPDATE mail_outbox SET lease_until = :until, attempts = attempts + 1
                        WHERE id = :id AND status = 'QUEUED' AND next_attempt_at <= :now AND (lease_until IS NULL OR lease_until < :now)""")
                .bind("id", id).bind("now", ts(now)).bind("until", ts(leaseUntil)).execute() == 1;
    }

    public Optional<Row> find(Handle h, String id) {
        return h.createQuery("SELECT * FROM mail_outbox WHERE id = :id").bind("id", id).map((rs, c) -> row(rs)).findOne();
    }

    /** Sent: the bodies (with their links and codes) are deleted, the rest kept for the console. */
    public void markSent(Handle h, String id, Instant now) {
        h.createUpdate("""
                        UPDATE mail_outbox SET status = 'SENT', sent_at = :now, body_sealed = NULL, lease_until = NULL, last_error = NULL
                        WHERE id = :id""")
                .bind("id", id).bind("now", ts(now)).execute();
    }

    /** A failed attempt: retried at {@code next} (status QUEUED) or given up (FAILED; the bodies stay for a retry from the console, until pruned). */
    public void markFailed(Handle h, String id, String error, Instant next, boolean giveUp) {
        h.createUpdate(giveUp
                        ? "UPDATE mail_outbox SET status = 'FAILED', last_error = :error, lease_until = NULL WHERE id = :id"
                        : "UPDATE mail_outbox SET last_error = :error, lease_until = NULL, next_attempt_at = :next WHERE id = :id")
                .bind("id", id).bind("error", error).bind("next", ts(next)).execute();
    }

    /** Queues a FAILED message again, now (the console's "Retry"); false if it is not FAILED or its bodies are gone. */
    public boolean requeue(Handle h, String id, Instant now) {
        return h.createUpdate("""
                        UPDATE mail_outbox SET status = 'QUEUED', next_attempt_at = :now, created_at = :now, attempts = 0, lease_until = NULL
                        WHERE id = :id AND status = 'FAILED' AND body_sealed IS NOT NULL""")
                .bind("id", id).bind("now", ts(now)).execute() == 1;
    }

    /** The newest messages first. */
    public List<Row> recent(Handle h, int limit) {
        return h.createQuery("SELECT * FROM mail_outbox ORDER BY created_at DESC, id DESC LIMIT :limit")
                .bind("limit", limit).map((rs, c) -> row(rs)).list();
    }

    public int count(Handle h, String status) {
        return h.createQuery("SELECT COUNT(*) FROM mail_outbox WHERE status = :status").bind("status", status).mapTo(Integer.class).one();
    }

    /** Deletes finished (SENT, KEPT, FAILED) messages beyond the newest {@code keep}; how many. */
    public int prune(Handle h, int keep) {
        Optional<Timestamp> cutoff = h.createQuery("""
                        SELECT created_at FROM mail_outbox WHERE status <> 'QUEUED' ORDER BY created_at DESC, id DESC
                        LIMIT 1 OFFSET :keep""")
                .bind("keep", keep).mapTo(Timestamp.class).findOne();
        if (cutoff.isEmpty()) {
            return 0;
        }
        return h.createUpdate("DELETE FROM mail_outbox WHERE status <> 'QUEUED' AND created_at <= :cutoff")
                .bind("cutoff", cutoff.get()).execute();
    }

    public Optional<EditedText> editedText(Handle h, String template) {
        return h.createQuery("SELECT * FROM mail_templates WHERE template = :t").bind("t", template)
                .map((rs, c) -> new EditedText(rs.getString("template"), rs.getString("subject"), rs.getString("text_body"),
                        rs.getString("html_body"), rs.getTimestamp("updated_at").toInstant()))
                .findOne();
    }

    public void saveText(Handle h, String template, String subject, String text, String html, Instant now) {
        h.createUpdate("DELETE FROM mail_templates WHERE template = :t").bind("t", template).execute();
        h.createUpdate("""
                        INSERT INTO mail_templates (template, subject, text_body, html_body, updated_at)
                        VALUES (:t, :subject, :text, :html, :now)""")
                .bind("t", template).bind("subject", subject).bind("text", text).bind("html", html).bind("now", ts(now)).execute();
    }

    /** Back to the default; whether there was an edited text. */
    public boolean deleteText(Handle h, String template) {
        return h.createUpdate("DELETE FROM mail_templates WHERE template = :t").bind("t", template).execute() == 1;
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString("id"), rs.getString("template"), rs.getString("recipient"), rs.getString("recipient_name"),
                rs.getString("user_id"), rs.getString("status"), rs.getInt("attempts"), rs.getString("last_error"), rs.getString("kek_id"),
                rs.getString("subject_sealed"), rs.getString("body_sealed"), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("next_attempt_at")), instant(rs.getTimestamp("sent_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
