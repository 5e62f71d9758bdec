package dev.gatehouse.mail;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.syslog.EventContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without SMTP settings: the dev mailbox (messages KEPT, opened in Settings › Emails, the link in the log, bounded), and the
 * console's template editor (save, unknown variable refused, reset) with its CSRF refusal, on H2 and PostgreSQL.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class DevMailboxHttpTest {

    @Parameter
    TestDatabase database;

    static TestServer server;
    static Browser admin;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        admin = server.browser();
        assertThat(admin.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin").status()).isEqualTo(303);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    private static String address() {
        return "bob-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    private static void send(String to, String link) {
        server.wiring().db.tx(h -> {
            server.wiring().mail.send(h, EventContext.system("test"), new Email(EmailTemplate.UserActivation, to, "Bob", null,
                    Map.of("activationLink", link)));
            return null;
        });
    }

    @Test
    void aMessageIsKeptReadableInTheConsoleAndItsLinkIsLogged() {
        Logger logger = (Logger) LoggerFactory.getLogger(Outbox.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        String to = address();
        String link = server.url() + "/welcome/" + UUID.randomUUID();
        try {
            send(to, link);
        } finally {
            logger.detachAppender(lines);
        }
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .contains("Email to " + to + ": Welcome to Gatehouse! — " + link);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM mail_outbox WHERE recipient = '" + to + "' AND status = 'KEPT'"))
                .isEqualTo(1);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = 'system.email.delivery'"
                + " AND debug_data LIKE '%KEPT%' AND targets LIKE '%" + to + "%'")).isEqualTo(1);

        Http.Response list = admin.get("/admin/settings/emails");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains("Dev mailbox").contains(to).contains("Welcome to Gatehouse!").contains("UserActivation")
                .contains("href=\"/admin/settings/emails\"");
        Matcher m = Pattern.compile("href=\"(/admin/settings/emails/outbox/eml[A-Za-z0-9]+)\">" + Pattern.quote(to)).matcher(list.body());
        assertThat(m.find()).isTrue();
        Http.Response message = admin.get(m.group(1));
        assertThat(message.body()).contains("Message (dev mailbox)").contains("href=\"" + link + "\"").contains("Hi Bob,");
        Http.Response html = admin.get(m.group(1) + "/html");
        assertThat(html.status()).isEqualTo(200);
        assertThat(html.header("Content-Security-Policy")).contains("sandbox").contains("default-src 'none'");
        assertThat(html.body()).contains("href=\"" + link + "\"");
        assertThat(admin.get("/admin/settings/emails/outbox/emlNoSuchMessage00000").status()).isEqualTo(404);
    }

    @Test
    void theDevMailboxIsBounded() throws InterruptedException {
        server.wiring().db.tx(h -> {
            for (int i = 0; i < Outbox.KEEP + 20; i++) {
                server.wiring().mail.send(h, EventContext.system("test"), new Email(EmailTemplate.PasswordChanged, address(), null, null,
                        Map.of()));
            }
            return null;
        });
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (Sql.count(server.wiring().db, "SELECT COUNT(*) FROM mail_outbox") > Outbox.KEEP) {
            assertThat(System.nanoTime()).as("pruned to " + Outbox.KEEP).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void anEditedTemplateIsUsedAnUnknownVariableIsRefusedAndResetRestoresTheDefault() {
        String path = "/admin/settings/emails/templates/PasswordChanged";
        Http.Response page = admin.get(path);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("value=\"Password Changed\"").contains("${user.profile.login}");

        Http.Response refused = admin.post(path, "csrf", Browser.csrf(page), "action", "save", "subject", "Changed for ${user.nickname}",
                "text", "Hi ${user.profile.firstName}", "html", "<p>Hi ${user.profile.firstName}</p>");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("Nothing was changed").contains("Unknown variable ${user.nickname}");
        assertThat(admin.get(path).body()).contains("value=\"Password Changed\"");

        Http.Response saved = admin.post(path, "csrf", Browser.csrf(page), "action", "save", "subject", "Password changed at ${org.name}",
                "text", "Hi ${user.profile.firstName}, your password changed.", "html", "<p>Hi ${user.profile.firstName}</p>");
        assertThat(saved.status()).isEqualTo(303);
        assertThat(admin.get(path + "?notice=saved").body()).contains("Template saved").contains("Customized");
        String to = address();
        server.wiring().db.tx(h -> {
            server.wiring().mail.send(h, EventContext.system("test"), new Email(EmailTemplate.PasswordChanged, to, "Eve <script>", null,
                    Map.of()));
            return null;
        });
        Outbox.Message sent = server.wiring().mail.recent(5).stream().filter(x -> x.to().equals(to)).findFirst().orElseThrow();
        assertThat(sent.subject()).isEqualTo("Password changed at Gatehouse");
        assertThat(server.wiring().mail.opened(sent.id()).orElseThrow().html()).isEqualTo("<p>Hi Eve &lt;script&gt;</p>");
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = 'system.email.template.create'"))
                .isGreaterThanOrEqualTo(1);

        Http.Response reset = admin.post(path, "csrf", Browser.csrf(page), "action", "reset");
        assertThat(reset.status()).isEqualTo(303);
        assertThat(admin.get(path).body()).contains("value=\"Password Changed\"").contains("Default");
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = 'system.email.template.delete'"))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void aFormWithoutTheCsrfTokenChangesNothing() {
        String path = "/admin/settings/emails/templates/ForgotPassword";
        Http.Response refused = admin.post(path, "action", "save", "subject", "Hacked", "text", "x", "html", "x");
        assertThat(refused.status()).isEqualTo(403);
        Http.Response wrong = admin.post(path, "csrf", "not-the-token", "action", "save", "subject", "Hacked", "text", "x", "html", "x");
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(admin.get(path).body()).doesNotContain("Hacked").contains("Account password reset");
        assertThat(admin.post("/admin/settings/emails/outbox/emlNoSuchMessage00000/retry").status()).isEqualTo(403);
    }

    @Test
    void anUnknownTemplateIsNotFoundAndAnAnonymousVisitorIsSentToSignIn() {
        assertThat(admin.get("/admin/settings/emails/templates/NoSuchTemplate").status()).isEqualTo(404);
        assertThat(server.browser().get("/admin/settings/emails").status()).isEqualTo(302);
    }
}
