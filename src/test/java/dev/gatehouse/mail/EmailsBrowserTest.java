package dev.gatehouse.mail;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestMail;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.syslog.EventContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * Settings › Emails in Chromium: reached from the console's navigation, the Outbox with sent and failing messages, a
 * template's editor with its HTML preview (a sandboxed frame whose own CSP lets the email's inline styles apply), and a
 * dev-mailbox message with its links. Screenshots in {@code target/screenshots/emails-*.png}.
 */
class EmailsBrowserTest {

    static TestMail mail;
    static TestServer smtp;
    static TestServer dev;

    @BeforeAll
    static void start() {
        mail = TestMail.start();
        smtp = TestServer.start(TestDatabase.H2, mail);
        dev = TestServer.start(TestDatabase.H2);
    }

    @AfterAll
    static void stop() {
        smtp.close();
        dev.close();
        mail.close();
    }

    private static void send(TestServer server, EmailTemplate t, String to, String name, Map<String, String> values) {
        server.wiring().db.tx(h -> {
            server.wiring().mail.send(h, EventContext.system("test"), new Email(t, to, name, null, values));
            return null;
        });
    }

    private static Page signIn(BrowserContext context, TestServer server) {
        Page page = context.newPage();
        page.navigate(server.url() + "/admin");
        page.getByLabel("Username").fill(TestServer.ADMIN);
        page.getByLabel("Password").fill(TestServer.ADMIN_PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(page).hasURL(server.url() + "/admin");
        return page;
    }

    @Test
    void theOutboxAndATemplateInTheConsole() {
        send(smtp, EmailTemplate.UserActivation, "ada@example.com", "Ada Lovelace", Map.of("activationLink", smtp.url() + "/activate/x"));
        send(smtp, EmailTemplate.ForgotPassword, "grace@example.com", "Grace Hopper", Map.of("resetPasswordLink", smtp.url() + "/reset/y"));
        mail.awaitOne("ada@example.com");
        mail.awaitOne("grace@example.com");
        mail.stopServer();
        try {
            send(smtp, EmailTemplate.PasswordChanged, "alan@example.com", "Alan Turing", Map.of());
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (smtp.wiring().mail.recent(10).stream().noneMatch(m -> m.lastError() != null) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        } finally {
            mail.startServer();
        }
        try (BrowserContext context = Chromium.newContext()) {
            Page page = signIn(context, smtp);
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Emails").setExact(true)).click();
            assertThat(page).hasURL(smtp.url() + "/admin/settings/emails");
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Outbox"))).isVisible();
            assertThat(page.getByRole(AriaRole.ROW).filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText("alan@example.com")))
                    .containsText("QUEUED");
            assertThat(page.getByRole(AriaRole.ROW).filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText("ada@example.com")))
                    .containsText("SENT");
            Chromium.screenshot(page, "emails-01-outbox");

            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Forgot Password")).click();
            assertThat(page.getByLabel("Subject")).hasValue("Account password reset");
            assertThat(page.frameLocator("iframe.mail-preview").getByRole(AriaRole.LINK, new com.microsoft.playwright.FrameLocator.GetByRoleOptions()
                    .setName("Reset Password"))).isVisible();
            Chromium.screenshot(page, "emails-02-template");
            page.locator("iframe.mail-preview").screenshot(new com.microsoft.playwright.Locator.ScreenshotOptions()
                    .setPath(Chromium.SCREENSHOTS.resolve("emails-02b-template-html-preview.png")));

            page.getByLabel("Subject").fill("Reset your ${org.name} password, ${user.nickname}");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("Unknown variable ${user.nickname}");
            Chromium.screenshot(page, "emails-03-template-refused");
        }
    }

    @Test
    void aDevMailboxMessageIsOpenedWithItsLinks() {
        send(dev, EmailTemplate.UserActivation, "katherine@example.com", "Katherine", Map.of("activationLink", dev.url() + "/activate/abc"));
        try (BrowserContext context = Chromium.newContext()) {
            Page page = signIn(context, dev);
            page.navigate(dev.url() + "/admin/settings/emails");
            assertThat(page.getByText("Dev mailbox.")).isVisible();
            Chromium.screenshot(page, "emails-04-dev-mailbox");
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("katherine@example.com")).click();
            assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(dev.url() + "/activate/abc"))).isVisible();
            assertThat(page.frameLocator("iframe.mail-preview").getByText("Hi Katherine,")).isVisible();
            Chromium.screenshot(page, "emails-05-dev-message");
        }
    }
}
