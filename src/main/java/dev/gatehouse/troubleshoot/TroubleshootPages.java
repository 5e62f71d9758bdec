package dev.gatehouse.troubleshoot;

import dev.gatehouse.apps.App;
import dev.gatehouse.apps.Apps;
import dev.gatehouse.console.Console;
import dev.gatehouse.console.ConsoleFrame;
import dev.gatehouse.console.Nav;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.syslog.SignInProblemStore;
import io.javalin.http.Context;

import java.net.URLEncoder;
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
            return app == null ? ORG_PATH : Nav.APPLICATIONS.path() + "/" + app.id() + "/troubleshoot";
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
        render(ctx, app, ctx.queryParam("notice"), List.of());
    }

    public void forOrg(Context ctx) {
        render(ctx, null, ctx.queryParam("notice"), List.of());
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
            Console.seeOther(ctx, base(app) + "?notice=" + URLEncoder.encode(fixed.message() + " Try the sign-in again.", StandardCharsets.UTF_8));
        } catch (ApiError e) {
            ctx.status(e.code().status());
            render(ctx, app, null, Console.messages(e));
        }
    }

    private void dismiss(Context ctx, App app) {
        try {
            troubleshooting.dismiss(app == null ? SignInProblemStore.ORG : app.id(), ctx.pathParam("problem"));
            Console.seeOther(ctx, base(app) + "?notice=" + URLEncoder.encode("Dismissed. It comes back if it happens again.", StandardCharsets.UTF_8));
        } catch (ApiError e) {
            ctx.status(e.code().status());
            render(ctx, app, null, Console.messages(e));
        }
    }

    private static String base(App app) {
        return app == null ? ORG_PATH : Nav.APPLICATIONS.path() + "/" + app.id() + "/troubleshoot";
    }

    private void render(Context ctx, App app, String notice, List<String> errors) {
        // A notice is only ever one this page wrote (fix and dismiss messages); it is shown escaped, and only a short one.
        String shown = notice == null || notice.length() > 600 ? null : notice;
        List<Diagnosis> problems = app == null ? troubleshooting.forOrg() : troubleshooting.forApp(app.id());
        console.render(ctx, "troubleshoot/troubleshoot.jte", new TroubleshootPage(console.frame(ctx, app == null ? Nav.SIGN_IN_PROBLEMS : Nav.APPLICATIONS), app, problems,
                shown, errors));
    }
}
