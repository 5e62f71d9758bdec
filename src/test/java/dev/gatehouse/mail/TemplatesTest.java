package dev.gatehouse.mail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The default texts and the substitution, without a server. */
class TemplatesTest {

    @ParameterizedTest
    @EnumSource(EmailTemplate.class)
    void everyDefaultUsesOnlyItsVariablesAndRendersCompletely(EmailTemplate t) {
        Templates.Text d = Templates.defaults(t);
        Templates.check(t, d);
        Map<String, String> values = new HashMap<>();
        Templates.variables(t).forEach(v -> values.put(v, "<" + v + ">"));
        Templates.Text r = Templates.render(d, values);
        for (String part : new String[]{r.subject(), r.text(), r.html()}) {
            assertThat(part).doesNotContain("${");
        }
        assertThat(r.html()).doesNotContain("<img").doesNotContain("<script").doesNotContain("<org.name>").contains("&lt;org.name&gt;");
        assertThat(r.text()).contains("<org.name>");
        // The link (or code) the caller gives is in the text; a token variable beside a link (activationToken) need not be.
        for (String v : t.variables()) {
            if (v.endsWith("Link") || v.equals("verificationToken")) {
                assertThat(r.text()).as("the text names " + v).contains("<" + v + ">");
            }
        }
        assertThat(r.subject().length()).isLessThanOrEqualTo(Templates.MAX_SUBJECT);
    }

    /** The sign-in email's magic link works only in the browser that started (EmailFactors): the text says so, and to type the code elsewhere. */
    @Test
    void theSignInCodeEmailSaysWhereTheLinkWorksAndToTypeTheCodeOtherwise() {
        Templates.Text r = Templates.render(Templates.defaults(EmailTemplate.EmailChallenge),
                Map.of("org.name", "Acme", "user.profile.firstName", "Ann", "verificationToken", "123456",
                        "emailAuthenticationLink", "https://id.example.com/signin/email-verify/x", "baseURL", "https://id.example.com"));
        for (String part : new String[]{r.text(), r.html()}) {
            assertThat(part).contains("The link below works in the browser where you started signing in")
                    .contains("otherwise (another browser or device), type this code on the sign-in page")
                    .doesNotContain("click the link below to sign in");
        }
        assertThat(r.text()).contains("Code: 123456").contains("https://id.example.com/signin/email-verify/x");
    }

    /** The default subjects are Okta's, as its custom-email guide lists them per template (docs/okta/email.md §4.2). */
    @Test
    void theDefaultSubjectsAreOktas() {
        Map<EmailTemplate, String> okta = Map.of(
                EmailTemplate.UserActivation, "Welcome to ${org.name}!",
                EmailTemplate.ForgotPassword, "Account password reset",
                EmailTemplate.PasswordResetByAdmin, "Account Password Reset",
                EmailTemplate.EmailChallenge, "One-time Email Authentication Link",
                EmailTemplate.EmailFactorVerification, "Confirm your email address",
                EmailTemplate.PasswordChanged, "Password Changed");
        assertThat(okta).hasSize(EmailTemplate.values().length);
        okta.forEach((t, subject) -> assertThat(Templates.defaults(t).subject()).as(t.name()).isEqualTo(subject));
    }

    @Test
    void aValueIsNeverExpandedAgain() {
        Templates.Text t = new Templates.Text("Hi ${user.profile.firstName}", "Hi ${user.profile.firstName} of ${org.name}", "x");
        Templates.Text r = Templates.render(t, Map.of("user.profile.firstName", "${org.name} $1 \\", "org.name", "Acme"));
        assertThat(r.text()).isEqualTo("Hi ${org.name} $1 \\ of Acme");
    }

    @Test
    void aSubjectStaysOneLine() {
        Templates.Text r = Templates.render(new Templates.Text("Hi ${user.profile.firstName}", "x", "x"),
                Map.of("user.profile.firstName", "Ann\r\nBcc: evil@example.com"));
        assertThat(r.subject()).isEqualTo("Hi Ann Bcc: evil@example.com");
    }

    @Test
    void unknownVariablesAreNamedWithWhatTheTemplateCanUse() {
        assertThatThrownBy(() -> Templates.check(EmailTemplate.ForgotPassword,
                new Templates.Text("Hi", "Use ${activationLink} or ${ user.profile.login }", "<p>x</p>")))
                .isInstanceOf(Templates.InvalidTemplate.class)
                .hasMessageContaining("Unknown variables ${activationLink}, ${ user.profile.login }")
                .hasMessageContaining("${resetPasswordLink}");
        assertThatThrownBy(() -> Templates.check(EmailTemplate.ForgotPassword, new Templates.Text(" ", "x", "x")))
                .hasMessage("The subject must not be empty.");
        assertThatThrownBy(() -> Templates.check(EmailTemplate.ForgotPassword, new Templates.Text("x".repeat(129), "x", "x")))
                .hasMessageContaining("at most 128");
    }
}
