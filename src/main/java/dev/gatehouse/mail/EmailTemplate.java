package dev.gatehouse.mail;

/**
 * The emails Gatehouse sends, by the names Okta's email customization gives its templates (Brands API
 * {@code /api/v1/brands/{brandId}/templates/email/{templateName}}), each with the variables its caller must give.
 * The texts (subject, plain text, HTML) have defaults and can be edited at Settings › Emails. The variables are
 * Okta's (docs/okta/email.md §4): Okta offers {@code ${recoveryToken}} only in its AD/LDAP templates, so the reset
 * templates carry the link alone.
 */
public enum EmailTemplate {
    /** An admin created or activated a user without a password: set one with the link. */
    UserActivation("activationLink", "activationToken"),
    /** The person asked for "Forgot password?". */
    ForgotPassword("resetPasswordLink"),
    /** An admin reset the user's password with {@code sendEmail=true}. */
    PasswordResetByAdmin("resetPasswordLink"),
    /** The email authenticator's challenge at sign-in: a one-time code and a magic link. */
    EmailChallenge("verificationToken", "emailAuthenticationLink"),
    /** The email authenticator's enrollment: confirm the address with a code and a link. */
    EmailFactorVerification("verificationToken", "verificationLink"),
    /** A notice after the password changed (reset, recovery, or by the person). */
    PasswordChanged();

    private final java.util.List<String> variables;

    EmailTemplate(String... variables) {
        this.variables = java.util.List.of(variables);
    }

    /** The variables the caller gives in {@link Email#values()} (the org and user variables come from the mail module). */
    public java.util.List<String> variables() {
        return variables;
    }
}
