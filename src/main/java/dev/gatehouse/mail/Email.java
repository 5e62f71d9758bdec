package dev.gatehouse.mail;

import java.util.Map;
import java.util.Objects;

/**
 * One email to send: which template, to whom, and the values of the template's variables by Okta's variable names
 * (see {@link EmailTemplate}: e.g. {@code activationLink}, {@code resetPasswordLink}, {@code verificationToken}). The
 * org's name and base URL and the recipient's profile values ({@code user.profile.firstName}, {@code user.profile.login})
 * are filled in by the mail module from {@code userId} and the configuration; the caller gives only the links and codes.
 *
 * @param userId the user the email is about (its System Log target), or null
 */
public record Email(EmailTemplate template, String to, String toName, String userId, Map<String, String> values) {

    public Email {
        Objects.requireNonNull(template);
        Objects.requireNonNull(to);
        values = values == null ? Map.of() : Map.copyOf(values);
    }
}
