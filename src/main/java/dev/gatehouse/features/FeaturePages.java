package dev.gatehouse.features;

import dev.gatehouse.api.ApiError;
import dev.gatehouse.console.Console;
import dev.gatehouse.console.ConsoleFrame;
import dev.gatehouse.console.Nav;
import io.javalin.http.Context;

import java.util.List;

/** Settings › Features: each self-service feature with what it does, what enabling changes, and a toggle. */
public final class FeaturePages {

    /** The model of {@code features/features.jte}. */
    public record FeaturesPage(ConsoleFrame frame, List<FeatureState> features, String notice, List<String> errors) {
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
        render(ctx, notice, List.of());
    }

    public void toggle(Context ctx) {
        String id = ctx.pathParam("id");
        boolean enable = "enable".equals(ctx.formParam("action"));
        try {
            if (enable) {
                features.enable(console.event(ctx), id, false);
            } else {
                features.disable(console.event(ctx), id, false);
            }
            Console.seeOther(ctx, Nav.FEATURES.path() + "?notice=" + (enable ? "enabled" : "disabled"));
        } catch (ApiError e) {
            ctx.status(e.code().status());
            render(ctx, null, Console.messages(e));
        }
    }

    private void render(Context ctx, String notice, List<String> errors) {
        console.render(ctx, "features/features.jte", new FeaturesPage(console.frame(ctx, Nav.FEATURES), features.list(), notice, errors));
    }
}
