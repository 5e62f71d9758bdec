package dev.gatehouse.mail;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.config.MailSettings;
import dev.gatehouse.oauth.keys.KeyEncryption;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The transactional outbox behind {@link Mail}. {@link #send} renders the template at once (subject, text, HTML), seals
 * them with the key-encryption key (bound to the row id: the bodies hold single-use links and codes) and inserts one row
 * in the caller's transaction, with a System Log event; a rollback leaves neither. A daemon worker on every node then
 * claims due rows with a lease (one node sends a row; a node that dies mid-send loses the lease and another retries),
 * sends through SMTP, marks the row SENT and deletes the bodies, or records the failure and retries with exponential
 * back-off (30 s, 1, 2, 4 … minutes, at most an hour apart) until {@link #GIVE_UP_AFTER}, then FAILED. The worker is
 * woken right after the commit that queued a message and polls otherwise.
 *
 * <p>Delivery is at least once: a node killed after the SMTP server accepted a message but before the row was marked
 * SENT sends it again once the lease ends (the outbox cannot know; the window is the few milliseconds of that commit).
 *
 * <p>Without SMTP settings (the dev mailbox) a message is kept (status KEPT), readable in the console, and this node's
 * log prints "Email to address: subject — first link". The issue asks for that link in the log in this mode only, so a
 * developer running {@code ./gatehouse serve} or {@code demo} can follow it; with SMTP settings no link is ever logged.
 * Finished messages (SENT, KEPT, FAILED) beyond the newest {@link #KEEP} are deleted, so the table stays bounded.
 */
public final class Outbox implements Mail, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LINK = Pattern.compile("https?://[^\\s\"'<>]+");

    public enum Status { QUEUED, SENT, FAILED, KEPT }

    static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    static final Duration MAX_RETRY = Duration.ofHours(1);
    static final Duration GIVE_UP_AFTER = Duration.ofHours(24);
    /** Longer than an SMTP exchange can take with the sender's timeouts. */
    static final Duration LEASE = Duration.ofMinutes(2);
    public static final int KEEP = 500;
    private static final int BATCH = 20;
    private static final int MAX_ERROR = 1000;

    /** A message as the console lists it (never the bodies). */
    public record Message(String id, EmailTemplate template, String to, String toName, String userId, Status status, int attempts,
                          String lastError, String subject, Instant created, Instant nextAttempt, Instant sent, boolean hasBody) {
    }

    /** A kept message's bodies (dev mailbox) and the links in its text. */
    public record Content(String text, String html, List<String> links) {
    }

    private final Database db;
    private final MailStore store;
    private final Templates templates;
    private final KeyEncryption keys;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;
    private final MailSettings settings;
    private final String orgName;
    private final String baseUrl;
    private final BiFunction<Handle, String, Map<String, String>> userValues;
    private final Duration pollInterval;
    private final SmtpSender sender;

    private final Object signal = new Object();
    private boolean woken;
    private volatile boolean running;
    private Thread worker;

    /**
     * @param userValues a user's profile values by Okta's variable names ({@code user.profile.firstName}, …), read in the
     *                   caller's transaction (given by Wiring, so mail needs no directory import)
     * @param pollInterval how often the worker looks for due messages when nothing woke it
     */
    public Outbox(Database db, MailStore store, Templates templates, KeyEncryption keys, SystemLog log, Ids ids, Clock clock,
                  MailSettings settings, String orgName, String baseUrl, BiFunction<Handle, String, Map<String, String>> userValues,
                  Duration pollInterval) {
        this.db = db;
        this.store = store;
        this.templates = templates;
        this.keys = keys;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
        this.settings = settings;
        this.orgName = orgName;
        this.baseUrl = baseUrl;
        this.userValues = userValues;
        this.pollInterval = pollInterval;
        this.sender = settings.smtp() ? new SmtpSender(settings) : null;
    }

    /** Whether messages go to an SMTP server (else they stay in the dev mailbox). */
    public boolean smtp() {
        return sender != null;
    }

    @Override
    public void send(Handle h, EventContext ctx, Email email) {
        Map<String, String> values = values(h, email);
        Templates.Text t = templates.render(h, email.template(), values);
        String id = ids.next("eml");
        Instant now = clock.instant();
        Optional<String> invalid = invalidAddress(email.to());
        Status status = invalid.isPresent() ? Status.FAILED : sender == null ? Status.KEPT : Status.QUEUED;
        KeyEncryption.Sealed subject = keys.seal(t.subject().getBytes(StandardCharsets.UTF_8), context(id, "subject"));
        KeyEncryption.Sealed body = keys.seal(json(Map.of("text", t.text(), "html", t.html())), context(id, "body"));
        String name = email.toName() == null ? null : email.toName().substring(0, Math.min(200, email.toName().length()));
        store.insert(h, new MailStore.Row(id, email.template().name(), bounded(email.to(), 320), name, email.userId(), status.name(),
                0, invalid.orElse(null), subject.kekId(), subject.ciphertext(), body.ciphertext(), now, now, null));
        log.record(h, ctx, SystemLog.Entry.success(queuedEventType(email.template()), displayMessage(queuedEventType(email.template())),
                        target(email.userId(), email.to(), email.toName()))
                .withDebug(Map.of("emailId", id, "template", email.template().name(), "deliveryStatus",
                        status == Status.KEPT ? "KEPT" : "QUEUED")));
        if (invalid.isPresent()) {
            log.record(h, ctx, SystemLog.Entry.failure(DELIVERY, displayMessage(DELIVERY), invalid.get(),
                    target(email.userId(), email.to(), email.toName())).withDebug(Map.of("emailId", id, "template", email.template().name(),
                    "deliveryStatus", "FAILED")));
        }
        Runnable afterCommit = status == Status.KEPT
                // The dev mailbox only (no SMTP settings): the issue asks for the link in the log so that `serve` and `demo`
                // work without a mail server. Never done with SMTP settings.
                ? () -> {
                    LOG.info("Email to {}: {} — {}", email.to(), t.subject(), firstLink(t.text()).orElse("(no link)"));
                    wake();
                }
                : this::wake;
        if (h.isInTransaction()) {
            h.afterCommit(afterCommit);
        } else {
            afterCommit.run();
        }
    }

    /** The values a template may name: the org's, the user's, then the caller's. */
    private Map<String, String> values(Handle h, Email email) {
        Map<String, String> v = new HashMap<>(orgValues());
        v.put("user.profile.login", email.to());
        v.put("user.profile.email", email.to());
        v.put("user.profile.firstName", email.toName() == null ? "" : email.toName());
        if (email.userId() != null) {
            userValues.apply(h, email.userId()).forEach((k, val) -> {
                if (val != null) {
                    v.put(k, val);
                }
            });
        }
        email.values().forEach((k, val) -> {
            if (email.template().variables().contains(k) && val != null) {
                v.put(k, val);
            }
        });
        return v;
    }

    /**
     * The org's values: {@code org.name}, {@code baseURL}, Okta's {@code org.activationTokenExpirationHours} and Gatehouse's
     * {@code org.recoveryTokenExpirationMinutes} (Okta words a reset link's lifetime with a date variable; Gatehouse gives
     * the configured minutes, so a text never states a lifetime other than GATEHOUSE_RECOVERY_LINK_MINUTES).
     */
    public Map<String, String> orgValues() {
        return Map.of("org.name", orgName, "baseURL", baseUrl,
                "org.activationTokenExpirationHours", Integer.toString(settings.activationLinkDays() * 24),
                "org.recoveryTokenExpirationMinutes", Integer.toString(settings.recoveryLinkMinutes()));
    }

    // ---- The worker ----

    /** Starts this node's worker (a daemon thread). */
    public Outbox start() {
        running = true;
        worker = new Thread(this::loop, "gatehouse-mail-outbox");
        worker.setDaemon(true);
        worker.start();
        return this;
    }

    /** Makes the worker look for due messages now. */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    private void loop() {
        while (running) {
            try {
                deliverDue();
                db.tx(h -> store.prune(h, KEEP));
            } catch (RuntimeException e) {
                if (running) {
                    LOG.error("The mail outbox worker failed; it tries again in {}", pollInterval, e);
                }
            }
            synchronized (signal) {
                if (!woken && running) {
                    try {
                        signal.wait(pollInterval.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                woken = false;
            }
        }
    }

    /** Sends every due message this node can claim; how many were sent. Tests call it after moving the clock. */
    public int deliverDue() {
        if (sender == null) {
            return 0;
        }
        int sent = 0;
        List<String> due;
        do {
            Instant now = clock.instant();
            due = db.read(h -> store.due(h, now, BATCH));
            for (String id : due) {
                if (worker != null && !running) {
                    return sent;
                }
                if (deliver(id)) {
                    sent++;
                }
            }
        } while (due.size() == BATCH);
        return sent;
    }

    private boolean deliver(String id) {
        Instant claimedAt = clock.instant();
        if (!db.tx(h -> store.claim(h, id, claimedAt, claimedAt.plus(LEASE)))) {
            return false;   // another node has it, or it is no longer due
        }
        MailStore.Row r = db.read(h -> store.find(h, id)).orElse(null);
        if (r == null) {
            return false;
        }
        EmailTemplate template = EmailTemplate.valueOf(r.template());
        EventContext ctx = EventContext.system("mail-outbox");
        Target target = target(r.userId(), r.recipient(), r.recipientName());
        Map<String, Object> debug = new HashMap<>(Map.of("emailId", id, "template", r.template(), "attempt", r.attempts()));
        try {
            String subject = new String(keys.open(new KeyEncryption.Sealed(r.kekId(), r.subjectSealed()), context(id, "subject")),
                    StandardCharsets.UTF_8);
            Content c = content(r);
            sender.send(r.recipient(), r.recipientName(), subject, c.text(), c.html(), clock.instant());
        } catch (MessagingException | RuntimeException e) {
            String error = describe(e);
            Instant now = clock.instant();
            Instant next = now.plus(backoff(r.attempts()));
            boolean permanent = permanent(e);
            boolean giveUp = permanent || !next.isBefore(r.createdAt().plus(GIVE_UP_AFTER));
            debug.put("deliveryStatus", giveUp ? "FAILED" : "DEFERRED");
            if (!giveUp) {
                debug.put("retryAt", next.toString());
            }
            db.tx(h -> {
                store.markFailed(h, id, error, next, giveUp);
                log.record(h, ctx, SystemLog.Entry.failure(DELIVERY, displayMessage(DELIVERY), error, target).withDebug(debug));
                return null;
            });
            LOG.warn("Email {} ({}) to {} not delivered (attempt {}): {}{}", id, r.template(), r.recipient(), r.attempts(), error,
                    giveUp ? "; given up" : "; retried at " + next);
            return false;
        }
        debug.put("deliveryStatus", "DELIVERED");
        db.tx(h -> {
            store.markSent(h, id, clock.instant());
            log.record(h, ctx, SystemLog.Entry.success(DELIVERY, displayMessage(DELIVERY), target).withDebug(debug));
            return null;
        });
        return true;
    }

    /** 30 s after the first failed attempt, doubling, at most an hour. */
    static Duration backoff(int attempts) {
        int n = Math.max(1, attempts);
        if (n > 8) {
            return MAX_RETRY;
        }
        Duration d = FIRST_RETRY.multipliedBy(1L << (n - 1));
        return d.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : d;
    }

    /** The server refused the recipient for good (5xx for the address): retrying would not help. */
    private static boolean permanent(Exception e) {
        return e instanceof SendFailedException s && s.getInvalidAddresses() != null && s.getInvalidAddresses().length > 0;
    }

    private static String describe(Exception e) {
        StringBuilder b = new StringBuilder(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
        Throwable c = e.getCause();
        if (c != null && c != e) {
            b.append(" (").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(')');
        }
        return bounded(b.toString().replaceAll("[\\r\\n]+", " ").strip(), MAX_ERROR);
    }

    @Override
    public void close() {
        running = false;
        wake();
        if (worker != null) {
            try {
                worker.join(SmtpSender.TIMEOUT_MS * 3L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- The console ----

    /** The newest messages first, at most {@code limit}. */
    public List<Message> recent(int limit) {
        return db.read(h -> store.recent(h, limit)).stream().map(this::message).toList();
    }

    public Optional<Message> find(String id) {
        return db.read(h -> store.find(h, id)).map(this::message);
    }

    /** A kept message's bodies (the dev mailbox); empty for any other message: their links are not shown to anyone. */
    public Optional<Content> opened(String id) {
        return db.read(h -> store.find(h, id)).filter(r -> Status.KEPT.name().equals(r.status()) && r.bodySealed() != null)
                .map(this::content);
    }

    /** Queues a FAILED message again now; false if it is not FAILED (or gone). */
    public boolean retry(EventContext ctx, String id) {
        boolean done = db.tx(h -> {
            Optional<MailStore.Row> r = store.find(h, id);
            if (r.isEmpty() || sender == null || !store.requeue(h, id, clock.instant())) {
                return false;
            }
            log.record(h, ctx, SystemLog.Entry.success(DELIVERY, displayMessage(DELIVERY),
                    target(r.get().userId(), r.get().recipient(), r.get().recipientName())).withDebug(Map.of("emailId", id,
                    "template", r.get().template(), "deliveryStatus", "REQUEUED")));
            return true;
        });
        if (done) {
            wake();
        }
        return done;
    }

    public int count(Status status) {
        return db.read(h -> store.count(h, status.name()));
    }

    private Message message(MailStore.Row r) {
        String subject;
        try {
            subject = new String(keys.open(new KeyEncryption.Sealed(r.kekId(), r.subjectSealed()), context(r.id(), "subject")),
                    StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            subject = "(sealed with another key)";
        }
        return new Message(r.id(), EmailTemplate.valueOf(r.template()), r.recipient(), r.recipientName(), r.userId(),
                Status.valueOf(r.status()), r.attempts(), r.lastError(), subject, r.createdAt(),
                Status.QUEUED.name().equals(r.status()) ? r.nextAttemptAt() : null, r.sentAt(), r.bodySealed() != null);
    }

    private Content content(MailStore.Row r) {
        if (r.bodySealed() == null) {
            throw new IllegalStateException("The bodies of email " + r.id() + " were deleted");
        }
        byte[] raw = keys.open(new KeyEncryption.Sealed(r.kekId(), r.bodySealed()), context(r.id(), "body"));
        try {
            Map<?, ?> m = JSON.readValue(raw, Map.class);
            String text = String.valueOf(m.get("text"));
            return new Content(text, String.valueOf(m.get("html")), links(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- Helpers ----

    /**
     * The System Log event type for queueing a message of {@code template}. Checked against Okta's event-type catalogue
     * (okta-developer-docs {@code .vuepress/public/docs/okta-event-types.csv}, via docs/okta/email.md §3):
     * {@code system.email.password_reset.sent_message} ("Send self-service password reset email."),
     * {@code system.email.send_factor_verify_message} ("An email was sent to a user for verification."), and
     * {@code system.email.delivery} ("An email's delivery status was updated."; since 2022.08.0 also delivered and deferred,
     * told apart in debugData). Okta has no event of its own for the activation email, the admin's reset email or the
     * "password changed" notice (it logs them through {@code system.email.delivery} only), so their queueing is a
     * {@code system.email.delivery} event with {@code deliveryStatus} QUEUED; every event carries {@code deliveryStatus}:
     * QUEUED, KEPT (dev mailbox), DELIVERED, DEFERRED (a retry is scheduled), FAILED (given up) or REQUEUED (an admin's retry).
     */
    static String queuedEventType(EmailTemplate template) {
        return queuedEventTypeOf(template);
    }

    /**
     * Okta's displayMessage of each email event type, as its catalogue gives it (Okta's message is the same for every
     * event of a type; what happened — QUEUED, DELIVERED, FAILED… — is told in debugData {@code deliveryStatus}, the
     * retry time in {@code retryAt}, the failure in outcome.reason).
     */
    static String displayMessage(String eventType) {
        return switch (eventType) {
            case PASSWORD_RESET_SENT -> "Send self-service password reset email.";
            case FACTOR_VERIFY_SENT -> "An email was sent to a user for verification.";
            default -> "An email's delivery status was updated.";
        };
    }

    private static String queuedEventTypeOf(EmailTemplate template) {
        return switch (template) {
            case ForgotPassword -> PASSWORD_RESET_SENT;
            case EmailChallenge, EmailFactorVerification -> FACTOR_VERIFY_SENT;
            case UserActivation, PasswordResetByAdmin, PasswordChanged -> DELIVERY;
        };
    }

    static final String DELIVERY = "system.email.delivery";
    static final String PASSWORD_RESET_SENT = "system.email.password_reset.sent_message";
    static final String FACTOR_VERIFY_SENT = "system.email.send_factor_verify_message";

    private static Target target(String userId, String to, String toName) {
        return userId != null ? new Target(userId, "User", to, toName == null ? to : toName) : new Target(to, "EmailAddress", to, toName);
    }

    private static Optional<String> invalidAddress(String to) {
        try {
            new InternetAddress(to, true).validate();
            return to.length() <= 320 ? Optional.empty() : Optional.of("The address is too long");
        } catch (AddressException e) {
            return Optional.of("Not a valid email address");
        }
    }

    private static String context(String id, String part) {
        return "mail_outbox/" + id + "/" + part;
    }

    private static byte[] json(Map<String, String> m) {
        try {
            return JSON.writeValueAsBytes(new LinkedHashMap<>(m));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Optional<String> firstLink(String text) {
        return links(text).stream().findFirst();
    }

    static List<String> links(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = LINK.matcher(text);
        while (m.find() && out.size() < 20) {
            String link = m.group().replaceAll("[).,;:!?]+$", "");   // "(https://id.example.com)." ends before the ")."
            if (!out.contains(link)) {
                out.add(link);
            }
        }
        return out;
    }

    private static String bounded(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
