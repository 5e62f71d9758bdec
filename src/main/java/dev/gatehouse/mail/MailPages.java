package dev.gatehouse.mail;

import dev.gatehouse.console.Console;
import dev.gatehouse.console.ConsoleFrame;
import dev.gatehouse.console.Nav;
import dev.gatehouse.errors.ApiError;
import io.javalin.http.Context;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Settings › Emails: the email templates (edit, preview, reset to default) and the Outbox (recipient, template, subject,
 * status, attempts, last error, time; a failed message can be retried; in the dev mailbox a kept message can be opened
 * and its text and links read). Every form carries the console's CSRF token; the {@link Console} gate and the CSRF filter
 * guard every route. A preview is rendered with sample values, never with a real message's links.
 */
public final class MailPages {

    public static final String PATH = "/admin/settings/emails";
    static final int OUTBOX_ROWS = 100;

    /** One template in the list. */
    public record TemplateRow(EmailTemplate template, String title, String description, boolean edited) {
    }

    /** The model of {@code mail/emails.jte}. */
    public record EmailsPage(ConsoleFrame frame, boolean smtp, String smtpServer, List<TemplateRow> templates,
                             List<Outbox.Message> outbox, Map<Outbox.Status, Integer> counts, String notice, List<String> errors) {
    }

    /** The model of {@code mail/template.jte}. */
    public record TemplatePage(ConsoleFrame frame, TemplateRow row, Templates.Text text, List<String> variables,
                               Templates.Text preview, String notice, List<String> errors) {
    }

    /** The model of {@code mail/message.jte}. */
    public record MessagePage(ConsoleFrame frame, Outbox.Message message, Optional<Outbox.Content> content, boolean smtp, String notice) {
    }

    private final Console console;
    private final Outbox outbox;
    private final Templates templates;
    private final String orgName;
    private final String baseUrl;
    private final String smtpServer;

    public MailPages(Console console, Outbox outbox, Templates templates, String orgName, String baseUrl, String smtpServer) {
        this.console = console;
        this.outbox = outbox;
        this.templates = templates;
        this.orgName = orgName;
        this.baseUrl = baseUrl;
        this.smtpServer = smtpServer;
    }

    public void list(Context ctx) {
        String notice = "retried".equals(ctx.queryParam("notice")) ? "The email was queued again." : null;
        Map<Outbox.Status, Integer> counts = new java.util.EnumMap<>(Outbox.Status.class);
        for (Outbox.Status s : Outbox.Status.values()) {
            counts.put(s, outbox.count(s));
        }
        console.render(ctx, "mail/emails.jte", new EmailsPage(console.frame(ctx, Nav.EMAILS), outbox.smtp(), smtpServer,
                Arrays.stream(EmailTemplate.values()).map(this::row).toList(), outbox.recent(OUTBOX_ROWS), counts, notice, List.of()));
    }

    public void template(Context ctx) {
        EmailTemplate t = template(ctx.pathParam("name"));
        String notice = switch (String.valueOf(ctx.queryParam("notice"))) {
            case "saved" -> "Template saved. New emails use it from now on.";
            case "reset" -> "Template reset to its default text.";
            default -> null;
        };
        Templates.Text text = templates.current(t);
        renderTemplate(ctx, t, text, notice, List.of());
    }

    public void saveTemplate(Context ctx) {
        EmailTemplate t = template(ctx.pathParam("name"));
        if ("reset".equals(ctx.formParam("action"))) {
            templates.reset(console.event(ctx), t);
            Console.seeOther(ctx, templatePath(t) + "?notice=reset");
            return;
        }
        Templates.Text text = new Templates.Text(orEmpty(ctx.formParam("subject")), orEmpty(ctx.formParam("text")),
                orEmpty(ctx.formParam("html")));
        try {
            templates.save(console.event(ctx), t, text);
            Console.seeOther(ctx, templatePath(t) + "?notice=saved");
        } catch (Templates.InvalidTemplate e) {
            ctx.status(400);
            renderTemplate(ctx, t, text, null, List.of(e.getMessage()));
        }
    }

    /**
     * The HTML part of a template's preview, alone, for the preview frame: its own Content-Security-Policy lets the
     * email's inline styles apply and nothing else (no script, no request anywhere, a sandbox), framed by this origin only.
     */
    public void previewHtml(Context ctx) {
        EmailTemplate t = template(ctx.pathParam("name"));
        String html = Templates.render(templates.current(t), sampleValues(ctx, t)).html();
        ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox");
        ctx.header("X-Frame-Options", "SAMEORIGIN");
        ctx.contentType("text/html; charset=utf-8").result(html);
    }

    public void message(Context ctx) {
        Outbox.Message m = outbox.find(ctx.pathParam("id")).orElseThrow(() -> ApiError.notFound(ctx.pathParam("id"), "Email"));
        String notice = "retried".equals(ctx.queryParam("notice")) ? "The email was queued again." : null;
        console.render(ctx, "mail/message.jte", new MessagePage(console.frame(ctx, Nav.EMAILS), m,
                outbox.smtp() ? Optional.empty() : outbox.opened(m.id()), outbox.smtp(), notice));
    }

    /** A kept message's HTML part for its frame (the dev mailbox only), with the same confinement as a preview. */
    public void messageHtml(Context ctx) {
        String id = ctx.pathParam("id");
        Outbox.Content c = outbox.smtp() ? null : outbox.opened(id).orElse(null);
        if (c == null) {
            throw ApiError.notFound(id, "Email");
        }
        ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox");
        ctx.header("X-Frame-Options", "SAMEORIGIN");
        ctx.contentType("text/html; charset=utf-8").result(c.html());
    }

    public void retry(Context ctx) {
        String id = ctx.pathParam("id");
        Outbox.Message m = outbox.find(id).orElseThrow(() -> ApiError.notFound(id, "Email"));
        if (!outbox.retry(console.event(ctx), m.id())) {
            ctx.status(409);
            console.render(ctx, "mail/message.jte", new MessagePage(console.frame(ctx, Nav.EMAILS), m, Optional.empty(), outbox.smtp(),
                    null));
            return;
        }
        Console.seeOther(ctx, PATH + "/outbox/" + m.id() + "?notice=retried");
    }

    private void renderTemplate(Context ctx, EmailTemplate t, Templates.Text text, String notice, List<String> errors) {
        Templates.Text preview;
        try {
            Templates.check(t, text);
            preview = Templates.render(text, sampleValues(ctx, t));
        } catch (Templates.InvalidTemplate e) {
            preview = null;
        }
        console.render(ctx, "mail/template.jte", new TemplatePage(console.frame(ctx, Nav.EMAILS), row(t), text,
                List.copyOf(Templates.variables(t)), preview, notice, errors));
    }

    /** Sample values for a preview: this org, the admin looking, and example links and codes (nothing real). */
    private Map<String, String> sampleValues(Context ctx, EmailTemplate t) {
        Map<String, String> v = new HashMap<>(outbox.orgValues());
        String name = console.current(ctx).name();
        v.put("user.profile.firstName", name == null ? "" : name.split(" ")[0]);
        v.put("user.profile.lastName", name == null || !name.contains(" ") ? "" : name.substring(name.indexOf(' ') + 1));
        v.put("user.profile.login", console.current(ctx).login());
        v.put("user.profile.email", console.current(ctx).login());
        for (String var : t.variables()) {
            v.put(var, var.endsWith("Token") ? "123456" : baseUrl + "/preview/" + var);
        }
        return v;
    }

    public static String templatePath(EmailTemplate t) {
        return PATH + "/templates/" + t.name();
    }

    private static EmailTemplate template(String name) {
        return Arrays.stream(EmailTemplate.values()).filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiError.notFound(name, "EmailTemplate"));
    }

    private TemplateRow row(EmailTemplate t) {
        String[] d = switch (t) {
            case UserActivation -> new String[]{"User Activation", "Sent when an admin activates a person without a password: a link to set one."};
            case ForgotPassword -> new String[]{"Forgot Password", "Sent when a person clicks “Forgot password?”: a single-use reset link."};
            case PasswordResetByAdmin -> new String[]{"Password Reset by Admin", "Sent when an admin resets a person's password with an email."};
            case EmailChallenge -> new String[]{"Email Challenge", "A one-time code and a sign-in link, when email verifies a sign-in."};
            case EmailFactorVerification -> new String[]{"Email Factor Verification", "Confirms the address when a person sets up email as an authenticator."};
            case PasswordChanged -> new String[]{"Password Changed", "A notice after a person's password changed."};
        };
        return new TemplateRow(t, d[0], d[1], templates.edited(t));
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
