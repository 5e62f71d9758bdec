package dev.gatehouse.config;

import java.util.Optional;

/**
 * How Gatehouse sends email (issue #19) and how long the links it sends stay valid.
 *
 * @param smtpHost          the SMTP server; empty: no mail server, messages stay in the dev mailbox (Settings › Emails)
 * @param smtpPort          its port (587 by default: submission with STARTTLS)
 * @param smtpUser          the user to authenticate as, if the server asks for one
 * @param smtpPassword      that user's password
 * @param tls               STARTTLS (upgrade a plain connection, required), TLS (implicit, e.g. port 465) or NONE
 * @param from              the From address, e.g. {@code Gatehouse <noreply@id.example.com>}
 * @param activationLinkDays how long an activation link is valid (Okta's default: 7 days)
 * @param recoveryLinkMinutes how long a password reset link is valid (Okta's default: 60 minutes)
 */
public record MailSettings(Optional<String> smtpHost, int smtpPort, Optional<String> smtpUser, Optional<String> smtpPassword,
                           Tls tls, String from, int activationLinkDays, int recoveryLinkMinutes) {

    public enum Tls { STARTTLS, TLS, NONE }

    /** Whether a mail server is configured (otherwise: the dev mailbox). */
    public boolean smtp() {
        return smtpHost.isPresent();
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "MailSettings[smtpHost=" + smtpHost.orElse("(dev mailbox)") + ", smtpPort=" + smtpPort + ", smtpUser="
                + smtpUser.orElse("") + ", tls=" + tls + ", from=" + from + ", activationLinkDays=" + activationLinkDays
                + ", recoveryLinkMinutes=" + recoveryLinkMinutes + "]";
    }
}
