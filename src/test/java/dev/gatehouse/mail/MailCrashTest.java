package dev.gatehouse.mail;

import dev.gatehouse.Wiring;
import dev.gatehouse.config.MailSettings;
import dev.gatehouse.oauth.keys.KeyEncryption;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.support.NodeProcess;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestMail;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #19's acceptance: {@code kill -9} of a node with queued messages, then a restart, and every message is sent exactly
 * once. Twenty messages are queued while the SMTP server is unreachable; the node (a separate JVM) tries each, fails and
 * schedules its retry; it is killed with all of them queued; the SMTP server comes up; the restarted node sends every one.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@Tag("slow")
class MailCrashTest {

    static final int MESSAGES = 20;
    static final Pattern FAILED_ATTEMPT = Pattern.compile("Email (eml[A-Za-z0-9]+) \\(UserActivation\\) to \\S+ not delivered \\(attempt 1\\)");

    @ParameterizedTest
    @MethodSource("dev.gatehouse.support.TestDatabase#all")
    void killMinus9WithQueuedMessagesThenRestartSendsEveryMessageOnce(TestDatabase database) throws Exception {
        String dbUrl = database.freshUrl();
        TestMail mail = TestMail.notStarted();
        NodeProcess node = NodeProcess.create("mail-crash-" + database.name().toLowerCase(), dbUrl, null, mail.env());
        try {
            node.start();   // creates the schema
            node.kill();

            // Queue the messages through the outbox's own code, on the node's store, while no node runs (an H2 file has one
            // process at a time); the node's key-encryption key seals them.
            List<String> recipients = new ArrayList<>();
            try (Database db = Database.open(node.jdbcUrl(), null, null, 2, Wiring.JAVA_MIGRATIONS)) {
                Outbox outbox = outbox(db, mail.port);
                for (int i = 0; i < MESSAGES; i++) {
                    String to = "crash-" + i + "@example.com";
                    recipients.add(to);
                    db.tx(h -> {
                        outbox.send(h, EventContext.system("test"), new Email(EmailTemplate.UserActivation, to, "Person " + to, null,
                                Map.of("activationLink", "http://127.0.0.1/activate/" + to)));
                        return null;
                    });
                }
            }

            // The node tries every message once and fails (nothing listens on the SMTP port); then kill -9.
            node.start();
            awaitFailedAttempts(node, MESSAGES, Duration.ofSeconds(60));
            node.kill();

            // The SMTP server comes up; the restarted node sends each message when its back-off ends (30 s after the failure).
            mail.startServer();
            node.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (mail.messages().size() < MESSAGES && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            Thread.sleep(3_000);   // time for a duplicate to show, if any
            assertThat(mail.messages()).as("messages received:\n" + node.logTail()).hasSize(MESSAGES);
            for (String to : recipients) {
                assertThat(mail.messagesTo(to)).as(to).hasSize(1);
                assertThat(TestMail.firstLink(mail.messagesTo(to).get(0))).isEqualTo("http://127.0.0.1/activate/" + to);
            }
            node.kill();

            try (Database db = Database.open(node.jdbcUrl(), null, null, 2, Wiring.JAVA_MIGRATIONS)) {
                assertThat(Sql.count(db, "SELECT COUNT(*) FROM mail_outbox WHERE status = 'SENT' AND body_sealed IS NULL AND attempts = 2"))
                        .isEqualTo(MESSAGES);
                assertThat(Sql.count(db, "SELECT COUNT(*) FROM mail_outbox")).isEqualTo(MESSAGES);
                assertThat(Sql.count(db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = 'system.email.delivery'"
                        + " AND outcome_result = 'FAILURE' AND debug_data LIKE '%DEFERRED%'")).isEqualTo(MESSAGES);
                assertThat(Sql.count(db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = 'system.email.delivery'"
                        + " AND outcome_result = 'SUCCESS' AND debug_data LIKE '%DELIVERED%'")).isEqualTo(MESSAGES);
            }
        } finally {
            node.close();
            mail.close();
            TestDatabase.drop(dbUrl);
        }
    }

    private static Outbox outbox(Database db, int smtpPort) throws Exception {
        Clock clock = Clock.systemUTC();
        SystemLog log = new SystemLog(clock, new dev.gatehouse.syslog.SignInProblemStore());
        MailStore store = new MailStore();
        KeyEncryption keys = KeyEncryption.load(Optional.of(NodeProcess.KEY_ENCRYPTION_KEY), Files.createTempDirectory("mail-crash"),
                new SecureRandom());
        MailSettings settings = new MailSettings(Optional.of("127.0.0.1"), smtpPort, Optional.empty(), Optional.empty(),
                MailSettings.Tls.NONE, "Gatehouse <noreply@gatehouse.test>", 7, 60);
        return new Outbox(db, store, new Templates(db, store, log, clock), keys, log, new Ids(new SecureRandom()), clock, settings,
                "Gatehouse", "http://127.0.0.1", (h, id) -> Map.of(), Duration.ofSeconds(5));
    }

    private static void awaitFailedAttempts(NodeProcess node, int n, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            Matcher m = FAILED_ATTEMPT.matcher(node.log());
            java.util.Set<String> ids = new java.util.HashSet<>();
            while (m.find()) {
                ids.add(m.group(1));
            }
            if (ids.size() >= n) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Only " + ids.size() + " of " + n + " first attempts failed in " + max + ":\n" + node.logTail());
            }
            Thread.sleep(100);
        }
    }
}
