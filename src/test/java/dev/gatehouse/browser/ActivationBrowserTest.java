package dev.gatehouse.browser;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.RequestOptions;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestMail;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Activation in real Chromium (issue #19): a person opens their activation link, reads the password rules, sets a
 * password that breaks one (the form again, with the reason), then a good one, and is signed in; the link then shows the
 * "no longer valid" page. The welcome page's screenshot is {@code docs/screenshots/activation.png}.
 */
class ActivationBrowserTest {

    static TestMail mail;
    static TestServer server;
    static ApiClient api;

    @BeforeAll
    static void start() {
        mail = TestMail.start();
        server = TestServer.start(TestDatabase.H2, mail);
        api = ApiClient.of(server);
    }

    @AfterAll
    static void stop() {
        server.close();
        mail.close();
    }

    @Test
    void aPersonFollowsTheActivationLinkToASignedInSession() throws Exception {
        String login = "katherine.johnson@example.com";
        Http.Response created = api.post("/api/v1/users?activate=true",
                "{\"profile\":{\"firstName\":\"Katherine\",\"lastName\":\"Johnson\",\"email\":\"" + login + "\",\"login\":\"" + login + "\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = created.json().get("id").asText();
        assertThat(created.json().get("status").asText()).isEqualTo("PROVISIONED");
        // The real email, through SMTP (GreenMail): its link is what the person clicks.
        jakarta.mail.internet.MimeMessage email = mail.awaitOne(login);
        assertThat(TestMail.subject(email)).isEqualTo("Welcome to Gatehouse!");
        String url = TestMail.firstLink(email);
        assertThat(url).startsWith(server.url() + "/welcome/");

        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            page.navigate(url);
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Welcome to Gatehouse"))).isVisible();
            assertThat(page.locator("body")).containsText(login);
            assertThat(page.locator("ul.requirements li").first()).containsText("at least 8 characters");
            Chromium.screenshot(page, "activation");
            Path shot = Chromium.SCREENSHOTS.resolve("activation.png");
            Files.createDirectories(Path.of("docs", "screenshots"));
            Files.copy(shot, Path.of("docs", "screenshots", "activation.png"), StandardCopyOption.REPLACE_EXISTING);

            page.getByLabel("New password").fill("katherine");
            page.getByLabel("Repeat the password").fill("katherine");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Activate and sign in")).click();
            assertThat(page.getByRole(AriaRole.ALERT).first()).containsText("Password requirements were not met");
            Chromium.screenshot(page, "activation-policy");

            page.getByLabel("New password").fill("Orbital-Mechanics-1962");
            page.getByLabel("Repeat the password").fill("Orbital-Mechanics-1962");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Activate and sign in")).click();
            assertThat(page).hasURL(server.url() + "/");
            APIResponse me = context.request().get(server.url() + "/api/v1/sessions/me",
                    RequestOptions.create().setHeader("Accept", "application/json"));
            assertThat(me.status()).as(me.text()).isEqualTo(200);
            assertThat(me.text()).contains(login);
            assertThat(api.get("/api/v1/users/" + id).json().get("status").asText()).isEqualTo("ACTIVE");

            page.navigate(url);
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("This activation link is no longer valid"))).isVisible();
            Chromium.screenshot(page, "activation-used");
        }
    }

    @Test
    void anAdminAddsAPersonByActivationEmailAndResendsItInTheConsole() {
        String login = "dorothy.vaughan@example.com";
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            page.navigate(server.url() + "/admin/people/new");
            page.getByLabel("Username").fill(TestServer.ADMIN);
            page.getByLabel("Password").fill(TestServer.ADMIN_PASSWORD);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Add person"))).isVisible();
            assertThat(page.getByLabel("Activate now and send an activation email")).isChecked();
            page.getByLabel("First name").fill("Dorothy");
            page.getByLabel("Last name").fill("Vaughan");
            page.getByLabel("Username").fill(login);
            page.getByLabel("Primary e-mail").fill(login);
            Chromium.screenshot(page, "activation-console-add-person");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("An activation email is on its way");
            assertThat(page.locator("h1")).containsText("PROVISIONED");
            String first = TestMail.firstLink(mail.awaitOne(login));

            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Resend activation email")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Activation email sent");
            Chromium.screenshot(page, "activation-console-resent");
            String second = TestMail.firstLink(mail.awaitMessages(login, 2).get(1));
            assertThat(second).isNotEqualTo(first);

            page.navigate(first);
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("This activation link is no longer valid"))).isVisible();
        }
    }
}
