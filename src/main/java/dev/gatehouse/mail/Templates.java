package dev.gatehouse.mail;

import dev.gatehouse.storage.Database;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The texts of the emails: a default for every {@link EmailTemplate} (Okta-like wording, plain text and HTML, no images,
 * no tracking), which an admin may replace at Settings › Emails and reset. A text names values as Okta's templates do,
 * {@code ${org.name}}, {@code ${user.profile.firstName}}, {@code ${user.profile.login}}, {@code ${baseURL}} and the
 * template's own variables ({@link EmailTemplate#variables()}); any other {@code ${...}} is refused when saved. Values are
 * HTML-escaped in the HTML part. (Okta's templates use Velocity; Gatehouse substitutes only {@code ${name}}, no logic.)
 */
public final class Templates {

    /** The variables every template may use, filled by the mail module from the configuration and the user. */
    public static final List<String> COMMON_VARIABLES = List.of("org.name", "baseURL", "org.activationTokenExpirationHours",
            "org.recoveryTokenExpirationMinutes", "user.profile.firstName", "user.profile.lastName", "user.profile.login",
            "user.profile.email");

    /** Okta's limit for a customized subject (docs/okta/email.md §4.1). */
    static final int MAX_SUBJECT = 128;
    static final int MAX_BODY = 20_000;
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    /** A template's texts. */
    public record Text(String subject, String text, String html) {
    }

    /** A refused edit, with a message an admin can act on. */
    public static final class InvalidTemplate extends RuntimeException {
        public InvalidTemplate(String message) {
            super(message);
        }
    }

    private final Database db;
    private final MailStore store;
    private final SystemLog log;
    private final Clock clock;

    public Templates(Database db, MailStore store, SystemLog log, Clock clock) {
        this.db = db;
        this.store = store;
        this.log = log;
        this.clock = clock;
    }

    /** The variables {@code template}'s texts may name. */
    public static Set<String> variables(EmailTemplate template) {
        Set<String> out = new LinkedHashSet<>(COMMON_VARIABLES);
        out.addAll(template.variables());
        return out;
    }

    /** The text in use: the edited one, else the default. */
    public Text current(Handle h, EmailTemplate template) {
        return store.editedText(h, template.name()).map(e -> new Text(e.subject(), e.text(), e.html())).orElseGet(() -> defaults(template));
    }

    public Text current(EmailTemplate template) {
        return db.read(h -> current(h, template));
    }

    public boolean edited(EmailTemplate template) {
        return db.read(h -> store.editedText(h, template.name())).isPresent();
    }

    /** Subject, text and HTML with {@code values} in place (escaped in the HTML); a missing value is empty. */
    public Text render(Handle h, EmailTemplate template, Map<String, String> values) {
        return render(current(h, template), values);
    }

    public static Text render(Text t, Map<String, String> values) {
        return new Text(substitute(t.subject(), values, false).replaceAll("[\\r\\n]+", " ").strip(), substitute(t.text(), values, false),
                substitute(t.html(), values, true));
    }

    /** Saves an edited text after checking it; the System Log records the change. */
    public void save(EventContext ctx, EmailTemplate template, Text text) {
        check(template, text);
        db.tx(h -> {
            boolean existed = store.editedText(h, template.name()).isPresent();
            store.saveText(h, template.name(), text.subject().strip(), text.text(), text.html(), clock.instant());
            // Okta's event-type catalogue: system.email.template.create / .update / .delete for a custom template (its
            // "customization"); the first edit creates one, later edits update it, "reset to default" deletes it.
            log.record(h, ctx, SystemLog.Entry.success(existed ? "system.email.template.update" : "system.email.template.create",
                    "Email template " + (existed ? "updated" : "customized"), target(template)));
            return null;
        });
    }

    /** Back to the default text. */
    public void reset(EventContext ctx, EmailTemplate template) {
        db.tx(h -> {
            if (store.deleteText(h, template.name())) {
                log.record(h, ctx, SystemLog.Entry.success("system.email.template.delete", "Email template reset to its default",
                        target(template)));
            }
            return null;
        });
    }

    private static Target target(EmailTemplate template) {
        return new Target(template.name(), "EmailTemplate", template.name(), template.name());
    }

    /** Refuses empty or oversized texts and {@code ${...}} names the template does not know, saying which. */
    static void check(EmailTemplate template, Text text) {
        if (text.subject() == null || text.subject().isBlank()) {
            throw new InvalidTemplate("The subject must not be empty.");
        }
        if (text.subject().length() > MAX_SUBJECT) {
            throw new InvalidTemplate("The subject must have at most " + MAX_SUBJECT + " characters.");
        }
        if (text.text() == null || text.text().isBlank() || text.html() == null || text.html().isBlank()) {
            throw new InvalidTemplate("The plain text and the HTML must not be empty.");
        }
        if (text.text().length() > MAX_BODY || text.html().length() > MAX_BODY) {
            throw new InvalidTemplate("The plain text and the HTML must have at most " + MAX_BODY + " characters each.");
        }
        Set<String> known = variables(template);
        List<String> unknown = new ArrayList<>();
        for (String part : List.of(text.subject(), text.text(), text.html())) {
            Matcher m = VARIABLE.matcher(part);
            while (m.find()) {
                if (!known.contains(m.group(1)) && !unknown.contains(m.group(1))) {
                    unknown.add(m.group(1));
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new InvalidTemplate("Unknown variable" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown.stream().map(u -> "${" + u + "}").toList()) + ". This template can use: "
                    + String.join(", ", known.stream().map(k -> "${" + k + "}").toList()) + ".");
        }
    }

    static String substitute(String text, Map<String, String> values, boolean html) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = Optional.ofNullable(values.get(m.group(1))).orElse("");
            m.appendReplacement(out, Matcher.quoteReplacement(html ? escape(v) : v));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * The default texts, after Okta's default email templates' wording; the subjects are the default subjects Okta's
     * custom-email guide lists for each template (docs/okta/email.md §4.2), "Welcome to ${org.name}!" being the spec's
     * default-content example of UserActivation (Okta renders it "Welcome to Okta!").
     */
    public static Text defaults(EmailTemplate template) {
        return switch (template) {
            case UserActivation -> text("Welcome to ${org.name}!",
                    List.of("Hi ${user.profile.firstName},",
                            "Your organization is using ${org.name} to manage your web applications. This means you can conveniently "
                                    + "access all the applications you normally use, through one secure sign-in.",
                            "Your username is ${user.profile.login}. Click the link below to activate your account and choose a password. "
                                    + "The link can be used once and expires in ${org.activationTokenExpirationHours} hours."),
                    "activationLink", "Activate ${org.name} Account", null);
            case ForgotPassword -> text("Account password reset",
                    List.of("Hi ${user.profile.firstName},",
                            "A password reset request was made for your ${org.name} account. If you did not make this request, you can "
                                    + "ignore this email: your password stays as it is.",
                            "Click this link to reset the password for your username, ${user.profile.login}. The link can be used once "
                                    + "and expires in ${org.recoveryTokenExpirationMinutes} minutes."),
                    "resetPasswordLink", "Reset Password", null);
            case PasswordResetByAdmin -> text("Account Password Reset",
                    List.of("Hi ${user.profile.firstName},",
                            "Your ${org.name} administrator has requested a password reset for your account.",
                            "Click this link to choose a new password for your username, ${user.profile.login}. The link can be used once "
                                    + "and expires in ${org.recoveryTokenExpirationMinutes} minutes."),
                    "resetPasswordLink", "Reset Password", null);
            case EmailChallenge -> text("One-time Email Authentication Link",
                    List.of("Hi ${user.profile.firstName},",
                            "You are signing in to ${org.name}. The link below works in the browser where you started signing in; "
                                    + "otherwise (another browser or device), type this code on the sign-in page. "
                                    + "If you did not try to sign in, you can ignore this email."),
                    "emailAuthenticationLink", "Sign In", "verificationToken");
            case EmailFactorVerification -> text("Confirm your email address",
                    List.of("Hi ${user.profile.firstName},",
                            "To finish setting up email as a way to verify your identity in ${org.name}, enter this code or click the "
                                    + "link below. If you did not ask for this, you can ignore this email."),
                    "verificationLink", "Verify Email Address", "verificationToken");
            case PasswordChanged -> text("Password Changed",
                    List.of("Hi ${user.profile.firstName},",
                            "The password for your ${org.name} account ${user.profile.login} was just changed.",
                            "If you made this change, you can ignore this email. If you did not, contact your administrator right away."),
                    null, null, null);
        };
    }

    private static Text text(String subject, List<String> paragraphs, String link, String linkLabel, String code) {
        StringBuilder t = new StringBuilder();
        StringBuilder h = new StringBuilder("""
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>""").append(subject).append("""
                </title></head>
                <body style="margin:0;padding:24px;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1d1d21">
                <div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #d7d7dc;border-radius:6px;padding:32px">
                <p style="font-size:13px;color:#6e6e78;margin:0 0 24px">${org.name}</p>
                """);
        for (String p : paragraphs) {
            t.append(p).append("\n\n");
            h.append("<p style=\"font-size:15px;line-height:1.5\">").append(p).append("</p>\n");
        }
        if (code != null) {
            t.append("Code: ${").append(code).append("}\n\n");
            h.append("<p style=\"font-size:28px;letter-spacing:6px;font-weight:bold;margin:24px 0\">${").append(code).append("}</p>\n");
        }
        if (link != null) {
            t.append(linkLabel).append(": ${").append(link).append("}\n\n");
            h.append("<p style=\"margin:24px 0\"><a href=\"${").append(link).append("}\" style=\"display:inline-block;background:#1662dd;")
                    .append("color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:4px;font-weight:bold\">").append(linkLabel)
                    .append("</a></p>\n<p style=\"font-size:12px;color:#6e6e78\">Or copy this address into your browser: ${")
                    .append(link).append("}</p>\n");
        }
        t.append("-- \nThis is an automatically generated message from ${org.name} (${baseURL}). Replies are not monitored.\n");
        h.append("<p style=\"font-size:12px;color:#6e6e78;margin-top:32px\">This is an automatically generated message from ${org.name}. ")
                .append("Replies are not monitored.</p>\n</div>\n</body></html>\n");
        return new Text(subject, t.toString(), h.toString());
    }
}
