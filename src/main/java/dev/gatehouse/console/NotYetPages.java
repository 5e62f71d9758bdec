package dev.gatehouse.console;

import io.javalin.http.Context;

/**
 * Sections whose capability is not built yet show an honest empty state that says so, instead of
 * fake data. Each disappears when its capability lands.
 */
public final class NotYetPages {

    /** The model of {@code console/not-yet.jte}. */
    public record NotYetPage(ConsoleFrame frame, String title, String what) {
    }

    private final Console console;

    public NotYetPages(Console console) {
        this.console = console;
    }

    public io.javalin.http.Handler page(Nav nav, String what) {
        return ctx -> show(ctx, nav, what);
    }

    private void show(Context ctx, Nav nav, String what) {
        console.render(ctx, "console/not-yet.jte", new NotYetPage(console.frame(ctx, nav), nav.label(), what));
    }
}
