package dev.gatehouse.features;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.console.Console;
import dev.gatehouse.console.ConsoleFrame;
import dev.gatehouse.console.Nav;
import io.javalin.http.Context;

import java.util.List;

/**
 * Settings › Features: each self-service feature with what it does, what enabling changes, and a toggle. Reached
 * from an app's General Settings ("enable it in Settings › Features"), the page keeps {@code returnTo} through the
 * toggle and offers a link back, so the admin returns to the form the guide was on. Only an app's edit page and the
 * new Single-Page App form (where Okta's newer console has the admin choose the Refresh Token grant) are accepted as
 * {@code returnTo}: anything else is ignored, so the link can never lead off the console.
 */
public final class FeaturePages {

    /** The model of {@code features/features.jte}. */
    public record FeaturesPage(ConsoleFrame frame, List<FeatureState> features, String notice, List<String> errors, String returnTo) {

        /** The words of the link back. */
        public String returnLabel() {
            return returnTo != null && returnTo.startsWith(NEW_APP) ? "Back to the new app integration" : "Back to the app's General Settings";
        }
    }

    private static final String NEW_APP = "/admin/apps/new/settings?";

    /**
     * The pages that link here with {@code ?returnTo=}: an app's General Settings editor, and the new Single-Page App
     * form as either wording of the wizard reaches it.
     */
    private static final java.util.regex.Pattern RETURN_TO = java.util.regex.Pattern.compile(
            "/admin/apps/0oa[A-Za-z0-9]{17}/edit|/admin/apps/new/settings\\?method=oidc&type=browser&from=(create-new-app|create-app-integration)");

    /** {@code returnTo} as a query value: only the characters {@link #RETURN_TO} allows that a query value cannot carry as they are. */
    public static String queryValue(String returnTo) {
        return returnTo.replace("&", "%26").replace("=", "%3D").replace("?", "%3F");
    }

    private final Console console;
    private final Features features;

    public FeaturePages(Console console, Features features) {
        this.console = console;
        this.features = features;
    }

    public void list(Context ctx) {
        String notice = switch (String.valueOf(ctx.queryParam("notice"))) {
            case "enabled" -> "Feature enabled.";
            case "disabled" -> "Feature disabled.";
            default -> null;
        };
        render(ctx, notice, List.of(), returnTo(ctx.queryParam("returnTo")));
    }

    public void toggle(Context ctx) {
        String id = ctx.pathParam("id");
        boolean enable = "enable".equals(ctx.formParam("action"));
        String returnTo = returnTo(ctx.formParam("returnTo"));
        try {
            if (enable) {
                features.enable(console.event(ctx), id, false);
            } else {
                features.disable(console.event(ctx), id, false);
            }
            Console.seeOther(ctx, Nav.FEATURES.path() + "?notice=" + (enable ? "enabled" : "disabled")
                    + (returnTo == null ? "" : "&returnTo=" + queryValue(returnTo)));
        } catch (ApiError e) {
            ctx.status(e.code().status());
            render(ctx, null, Console.messages(e), returnTo);
        }
    }

    private void render(Context ctx, String notice, List<String> errors, String returnTo) {
        console.render(ctx, "features/features.jte", new FeaturesPage(console.frame(ctx, Nav.FEATURES), features.list(), notice, errors,
                returnTo));
    }

    private static String returnTo(String value) {
        return value != null && RETURN_TO.matcher(value).matches() ? value : null;
    }
}
