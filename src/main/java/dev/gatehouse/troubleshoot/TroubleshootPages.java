package dev.gatehouse.troubleshoot;

import dev.gatehouse.apps.App;
import dev.gatehouse.apps.Apps;
import dev.gatehouse.console.Console;
import dev.gatehouse.console.ConsoleFrame;
import dev.gatehouse.console.Nav;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.syslog.SignInProblemStore;
import io.javalin.http.Context;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLEncoder;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The sign-in doctor in the console (issue #21): an app's Troubleshoot tab ({@code /admin/apps/{id}/troubleshoot}) and the
 * org's problems ({@code /admin/reports/sign-in-problems}): each group of refusals with its count, first and last time, the last
 * request's non-secret parameters, what happened and what to change, and where safe a button that makes the change after
 * a confirmation (a POST through the one CSRF filter), then comes back with what was done.
 */
public final class TroubleshootPages {

    /** The model of {@code troubleshoot/troubleshoot.jte}: the app (null: the org's page) and its problems. */
    public record TroubleshootPage(ConsoleFrame frame, App app, List<Diagnosis> problems, String notice, List<String> errors) {
        /** Where the forms of this page post: the app's tab, or the org's page. */
        public String base() {
            return TroubleshootPages.base(app);
        }
    }

    public static final String ORG_PATH = Nav.SIGN_IN_PROBLEMS.path();

    private final Console console;
    private final Troubleshooting troubleshooting;
    private final Apps apps;

    public TroubleshootPages(Console console, Troubleshooting troubleshooting, Apps apps) {
        this.console = console;
        this.troubleshooting = troubleshooting;
        this.apps = apps;
    }

    public void forApp(Context ctx) {
        App app = apps.get(ctx.pathParam("id"));
        render(ctx, app, notice(ctx), List.of());
    }

    public void forOrg(Context ctx) {
        render(ctx, null, notice(ctx), List.of());
    }

    public void fixForApp(Context ctx) {
        fix(ctx, apps.get(ctx.pathParam("id")));
    }

    public void fixForOrg(Context ctx) {
        fix(ctx, null);
    }

    public void dismissForApp(Context ctx) {
        dismiss(ctx, apps.get(ctx.pathParam("id")));
    }

    public void dismissForOrg(Context ctx) {
        dismiss(ctx, null);
    }

    private void fix(Context ctx, App app) {
        try {
            Troubleshooting.Fixed fixed = troubleshooting.fix(console.event(ctx), app == null ? SignInProblemStore.ORG : app.id(),
                    ctx.pathParam("problem"));
            Console.seeOther(ctx, base(app) + noticeQuery(ctx, fixed.message() + " Try the sign-in again."));
        } catch (ApiError e) {
            ctx.status(e.code().status());
            render(ctx, app, null, Console.messages(e));
        }
    }

    private void dismiss(Context ctx, App app) {
        try {
            troubleshooting.dismiss(app == null ? SignInProblemStore.ORG : app.id(), ctx.pathParam("problem"));
            Console.seeOther(ctx, base(app) + noticeQuery(ctx, "Dismissed. It comes back if it happens again."));
        } catch (ApiError e) {
            ctx.status(e.code().status());
            render(ctx, app, null, Console.messages(e));
        }
    }

    /** The app's Troubleshoot tab, or (null) the org's Sign-in Problems page. */
    static String base(App app) {
        return app == null ? ORG_PATH : Nav.APPLICATIONS.path() + "/" + app.id() + "/troubleshoot";
    }

    /**
     * The query that carries what a fix or a dismissal did to the page it redirects to: the text, sealed with an HMAC keyed
     * by this session's CSRF token. The text names what was changed (a URI, an origin, a person), so it cannot be one of a
     * few fixed codes as on other console pages; the seal makes sure the page shows only a text this page wrote for this
     * session, never one from a link someone else crafted ("?notice=Your session expired, paste your API token at …").
     */
    private String noticeQuery(Context ctx, String notice) {
        return "?notice=" + URLEncoder.encode(notice, StandardCharsets.UTF_8) + "&seal=" + seal(ctx, notice);
    }

    /** The request's notice when its seal is this session's, else null. */
    private String notice(Context ctx) {
        String notice = ctx.queryParam("notice");
        String seal = ctx.queryParam("seal");
        if (notice == null || seal == null || notice.length() > 600) {
            return null;
        }
        return MessageDigest.isEqual(seal(ctx, notice).getBytes(StandardCharsets.US_ASCII), seal.getBytes(StandardCharsets.US_ASCII))
                ? notice : null;
    }

    private String seal(Context ctx, String notice) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(console.frame(ctx, Nav.SIGN_IN_PROBLEMS).csrf().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update("troubleshoot notice\n".getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(notice.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void render(Context ctx, App app, String notice, List<String> errors) {
        // A notice is only ever one this page wrote for this session (notice(ctx) checks its seal); it is shown escaped.
        String shown = notice;
        List<Diagnosis> problems = app == null ? troubleshooting.forOrg() : troubleshooting.forApp(app);
        console.render(ctx, "troubleshoot/troubleshoot.jte", new TroubleshootPage(console.frame(ctx, app == null ? Nav.SIGN_IN_PROBLEMS : Nav.APPLICATIONS), app, problems,
                shown, errors));
    }
}
