package dev.gatehouse.mail;

import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestMail;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.syslog.EventContext;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The outbox against a real SMTP server (GreenMail): queued in the caller's transaction, delivered, retried, on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class OutboxTest {

    @Parameter
    TestDatabase database;

    static TestMail mail;
    static TestServer server;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        mail = TestMail.start();
        server = TestServer.start(database, mail);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
        mail.close();
    }

    private static String address() {
        return "ann-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    private static Email reset(String to) {
        return new Email(EmailTemplate.ForgotPassword, to, "Ann", null,
                Map.of("resetPasswordLink", "http://127.0.0.1/signin/reset-password/Abc123&x=<y>"));
    }

    private static long rows(String to) {
        return Sql.count(server.wiring().db, "SELECT COUNT(*) FROM mail_outbox WHERE recipient = '" + to + "'");
    }

    private static long events(String type, String result) {
        return Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = '" + type
                + "' AND outcome_result = '" + result + "'");
    }

    private static long delivered() {
        return Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = 'system.email.delivery'"
                + " AND outcome_result = 'SUCCESS' AND debug_data LIKE '%DELIVERED%'");
    }

    @Test
    void queuedInTheCallersTransactionIsDeliveredWithItsSubjectTextAndHtml() throws Exception {
        String to = address();
        long delivered = delivered();
        server.wiring().db.tx(h -> {
            server.wiring().mail.send(h, EventContext.system("test"), reset(to));
            return null;
        });
        MimeMessage m = mail.awaitOne(to);
        assertThat(TestMail.subject(m)).isEqualTo("Account password reset");
        assertThat(m.getFrom()[0].toString()).contains("noreply@gatehouse.test");
        assertThat(TestMail.text(m)).contains("Hi Ann,").contains("Gatehouse")
                .contains("http://127.0.0.1/signin/reset-password/Abc123&x=<y>");
        assertThat(TestMail.firstLink(m)).isEqualTo("http://127.0.0.1/signin/reset-password/Abc123&x=");
        // In the HTML the value is escaped, in the link and in the text alike; no images, nothing fetched from elsewhere.
        assertThat(TestMail.html(m)).contains("href=\"http://127.0.0.1/signin/reset-password/Abc123&amp;x=&lt;y&gt;\"")
                .doesNotContain("<y>").doesNotContain("<img");
        awaitStatus(to, "SENT");
        // Sent: the bodies (with the link) are gone; the subject stays sealed, never in clear.
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM mail_outbox WHERE recipient = '" + to
                + "' AND body_sealed IS NULL AND subject_sealed NOT LIKE '%reset%' AND attempts = 1 AND sent_at IS NOT NULL")).isEqualTo(1);
        assertThat(delivered()).isEqualTo(delivered + 1);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE debug_data LIKE '%reset-password%'"
                + " OR display_message LIKE '%reset-password%'")).isZero();
        // Okta's displayMessage for each email event type (its catalogue's); what happened is in debugData deliveryStatus.
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = "
                + "'system.email.password_reset.sent_message' AND display_message = 'Send self-service password reset email.'"))
                .isPositive();
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = 'system.email.delivery'"
                + " AND display_message = 'An email''s delivery status was updated.' AND debug_data LIKE '%DELIVERED%'")).isPositive();
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type LIKE 'system.email.%'"
                + " AND event_type NOT LIKE 'system.email.template.%' AND display_message NOT IN ('Send self-service password reset email.',"
                + " 'An email was sent to a user for verification.', 'An email''s delivery status was updated.',"
                + " 'User completed an email factor challenge.')")).isZero();
        assertThat(server.wiring().mail.recent(50)).anySatisfy(msg -> {
            assertThat(msg.to()).isEqualTo(to);
            assertThat(msg.subject()).isEqualTo("Account password reset");
            assertThat(msg.status()).isEqualTo(Outbox.Status.SENT);
        });
    }

    @Test
    void aRolledBackTransactionQueuesNothing() throws Exception {
        String to = address();
        assertThatThrownBy(() -> server.wiring().db.tx(h -> {
            server.wiring().mail.send(h, EventContext.system("test"), reset(to));
            throw new IllegalStateException("the change failed");
        })).hasMessage("the change failed");
        server.wiring().mail.wake();
        Thread.sleep(500);
        assertThat(rows(to)).isZero();
        assertThat(mail.messagesTo(to)).isEmpty();
    }

    @Test
    void anSmtpOutageIsRetriedWithBackOffThenDelivered() throws Exception {
        String to = address();
        long failures = events("system.email.delivery", "FAILURE");
        mail.stopServer();
        try {
            server.wiring().db.tx(h -> {
                server.wiring().mail.send(h, EventContext.system("test"), reset(to));
                return null;
            });
            awaitCount("SELECT COUNT(*) FROM mail_outbox WHERE recipient = '" + to + "' AND status = 'QUEUED' AND attempts = 1"
                    + " AND last_error IS NOT NULL");
            Outbox.Message m = server.wiring().mail.recent(50).stream().filter(x -> x.to().equals(to)).findFirst().orElseThrow();
            assertThat(m.lastError()).isNotBlank();
            assertThat(m.nextAttempt()).isEqualTo(server.clock.instant().plus(Duration.ofSeconds(30)));
            assertThat(events("system.email.delivery", "FAILURE")).isEqualTo(failures + 1);
        } finally {
            mail.startServer();
        }
        // Not due yet: nothing goes out before the back-off ends.
        assertThat(server.wiring().mail.deliverDue()).isZero();
        assertThat(mail.messagesTo(to)).isEmpty();
        server.clock.advance(Duration.ofSeconds(31));
        server.wiring().mail.wake();
        assertThat(TestMail.subject(mail.awaitOne(to))).isEqualTo("Account password reset");
        awaitStatus(to, "SENT");
        assertThat(mail.messagesTo(to)).hasSize(1);
    }

    @Test
    void theUsersProfileValuesFillTheTemplate() throws InterruptedException {
        String login = address();
        String userId = dev.gatehouse.support.People.create(server.http(), login, "Correct-Horse-Battery-9");
        server.wiring().db.tx(h -> {
            server.wiring().mail.send(h, EventContext.system("test"), new Email(EmailTemplate.PasswordChanged, login, null, userId, Map.of()));
            return null;
        });
        MimeMessage m = mail.awaitOne(login);
        assertThat(TestMail.text(m)).contains("Hi Test,").contains("Gatehouse account " + login + " was just changed");
        // The message reaches the server a moment before the worker commits SENT and its event.
        awaitCount("SELECT COUNT(*) FROM system_log_events WHERE event_type = 'system.email.delivery'"
                + " AND targets LIKE '%" + userId + "%' AND debug_data LIKE '%DELIVERED%'");
    }

    @Test
    void afterADayOfFailuresTheMessageFailsAndAnAdminRetriesItFromTheConsole() throws Exception {
        String to = address();
        mail.stopServer();
        String id;
        try {
            server.wiring().db.tx(h -> {
                server.wiring().mail.send(h, EventContext.system("test"), reset(to));
                return null;
            });
            awaitCount("SELECT COUNT(*) FROM mail_outbox WHERE recipient = '" + to + "' AND attempts = 1 AND last_error IS NOT NULL");
            server.clock.advance(Duration.ofHours(25));
            server.wiring().mail.wake();
            awaitStatus(to, "FAILED");
            id = server.wiring().mail.recent(50).stream().filter(x -> x.to().equals(to)).findFirst().orElseThrow().id();
            assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = 'system.email.delivery'"
                    + " AND outcome_result = 'FAILURE' AND debug_data LIKE '%" + id + "%' AND debug_data LIKE '%\"FAILED\"%'")).isEqualTo(1);
        } finally {
            mail.startServer();
        }
        dev.gatehouse.support.Browser admin = server.browser();
        assertThat(admin.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin").status()).isEqualTo(303);
        dev.gatehouse.support.Http.Response page = admin.get("/admin/settings/emails/outbox/" + id);
        assertThat(page.body()).contains("FAILED").contains("Retry").doesNotContain("reset-password/Abc123");
        assertThat(admin.post("/admin/settings/emails/outbox/" + id + "/retry").status()).isEqualTo(403);   // no CSRF token
        assertThat(rows(to)).isEqualTo(1);
        assertThat(mail.messagesTo(to)).isEmpty();
        assertThat(admin.post("/admin/settings/emails/outbox/" + id + "/retry", "csrf", dev.gatehouse.support.Browser.csrf(page))
                .status()).isEqualTo(303);
        assertThat(TestMail.firstLink(mail.awaitOne(to))).startsWith("http://127.0.0.1/signin/reset-password/Abc123");
        awaitStatus(to, "SENT");
        // A second retry of a sent message is refused.
        assertThat(admin.post("/admin/settings/emails/outbox/" + id + "/retry", "csrf", dev.gatehouse.support.Browser.csrf(page))
                .status()).isEqualTo(409);
    }

    @Test
    void withSmtpSettingsNoLinkIsEverLogged() {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        root.addAppender(lines);
        String to = address();
        try {
            mail.stopServer();
            try {
                server.wiring().db.tx(h -> {
                    server.wiring().mail.send(h, EventContext.system("test"), reset(to));
                    return null;
                });
                awaitCount("SELECT COUNT(*) FROM mail_outbox WHERE recipient = '" + to + "' AND last_error IS NOT NULL");
            } finally {
                mail.startServer();
            }
            server.clock.advance(Duration.ofSeconds(31));
            server.wiring().mail.wake();
            mail.awaitOne(to);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        } finally {
            root.detachAppender(lines);
        }
        assertThat(lines.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .anySatisfy(l -> assertThat(l).contains(to).contains("not delivered"))
                .allSatisfy(l -> assertThat(l).doesNotContain("reset-password").doesNotContain("Abc123"));
    }

    @Test
    void theBackOffDoublesUpToAnHour() {
        assertThat(Outbox.backoff(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(Outbox.backoff(2)).isEqualTo(Duration.ofMinutes(1));
        assertThat(Outbox.backoff(3)).isEqualTo(Duration.ofMinutes(2));
        assertThat(Outbox.backoff(7)).isEqualTo(Duration.ofMinutes(32));
        assertThat(Outbox.backoff(8)).isEqualTo(Duration.ofHours(1));
        assertThat(Outbox.backoff(40)).isEqualTo(Duration.ofHours(1));
    }

    private static void awaitStatus(String to, String status) throws InterruptedException {
        awaitCount("SELECT COUNT(*) FROM mail_outbox WHERE recipient = '" + to + "' AND status = '" + status + "'");
    }

    private static void awaitCount(String sql) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (Sql.count(server.wiring().db, sql) != 1) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for: " + sql);
            }
            Thread.sleep(50);
        }
    }
}
