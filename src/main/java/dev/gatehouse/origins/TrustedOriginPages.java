package dev.gatehouse.origins;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.console.Console;
import dev.gatehouse.console.ConsoleFrame;
import dev.gatehouse.console.Nav;
import dev.gatehouse.origins.TrustedOrigin.Scope;
import io.javalin.http.Context;

import java.util.EnumSet;
import java.util.List;

/**
 * Security › API › Trusted Origins in the Admin Console: the list (name, origin, type), Add Origin, edit,
 * deactivate / activate and delete. Every change goes through {@link TrustedOrigins}, as the API's does.
 */
public final class TrustedOriginPages {

    /** The model of {@code origins/list.jte}. */
    public record ListPage(ConsoleFrame frame, String q, List<TrustedOrigin> origins, String notice) {
    }

    /** The model of {@code origins/form.jte}: Add Origin when {@code existing} is null, else its edit page. */
    public record FormPage(ConsoleFrame frame, TrustedOrigin existing, String name, String origin, boolean cors, boolean redirect,
                           String notice, List<String> errors) {
    }

    private final Console console;
    private final TrustedOrigins origins;

    public TrustedOriginPages(Console console, TrustedOrigins origins) {
        this.console = console;
        this.origins = origins;
    }

    public void list(Context ctx) {
        String q = ctx.queryParam("q") == null ? "" : ctx.queryParam("q").strip();
        String notice = "deleted".equals(ctx.queryParam("notice")) ? "Trusted origin deleted." : null;
        console.render(ctx, "origins/list.jte", new ListPage(console.frame(ctx, Nav.TRUSTED_ORIGINS), q,
                origins.list(q.isEmpty() ? null : q, null, null, 200), notice));
    }

    public void newForm(Context ctx) {
        console.render(ctx, "origins/form.jte", new FormPage(console.frame(ctx, Nav.TRUSTED_ORIGINS), null, "", "", true, true, null, List.of()));
    }

    public void create(Context ctx) {
        TrustedOrigins.Request request = request(ctx);
        try {
            TrustedOrigin o = origins.create(console.event(ctx), request);
            Console.seeOther(ctx, path(o) + "?notice=added");
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, null, request, null, Console.messages(e));
        }
    }

    public void show(Context ctx) {
        TrustedOrigin o = origins.get(ctx.pathParam("id"));
        String notice = switch (String.valueOf(ctx.queryParam("notice"))) {
            case "added" -> "Trusted origin added.";
            case "saved" -> "Trusted origin saved.";
            case "activated" -> "Trusted origin activated.";
            case "deactivated" -> "Trusted origin deactivated: it no longer grants CORS or redirects, and is kept for later.";
            default -> null;
        };
        render(ctx, o, new TrustedOrigins.Request(o.name(), o.origin(), o.scopes()), notice, List.of());
    }

    public void update(Context ctx) {
        TrustedOrigin o = origins.get(ctx.pathParam("id"));
        TrustedOrigins.Request request = request(ctx);
        try {
            origins.replace(console.event(ctx), o.id(), request);
            Console.seeOther(ctx, path(o) + "?notice=saved");
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, o, request, null, Console.messages(e));
        }
    }

    public void activate(Context ctx) {
        TrustedOrigin o = origins.activate(console.event(ctx), ctx.pathParam("id"));
        Console.seeOther(ctx, path(o) + "?notice=activated");
    }

    public void deactivate(Context ctx) {
        TrustedOrigin o = origins.deactivate(console.event(ctx), ctx.pathParam("id"));
        Console.seeOther(ctx, path(o) + "?notice=deactivated");
    }

    public void delete(Context ctx) {
        origins.delete(console.event(ctx), ctx.pathParam("id"));
        Console.seeOther(ctx, Nav.TRUSTED_ORIGINS.path() + "?notice=deleted");
    }

    private void render(Context ctx, TrustedOrigin existing, TrustedOrigins.Request typed, String notice, List<String> errors) {
        console.render(ctx, "origins/form.jte", new FormPage(console.frame(ctx, Nav.TRUSTED_ORIGINS), existing,
                typed.name() == null ? "" : typed.name(), typed.origin() == null ? "" : typed.origin(),
                typed.scopes().contains(Scope.CORS), typed.scopes().contains(Scope.REDIRECT), notice, errors));
    }

    private static TrustedOrigins.Request request(Context ctx) {
        EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
        List<String> checked = ctx.formParams("scope");
        for (Scope s : Scope.values()) {
            if (checked.contains(s.name())) {
                scopes.add(s);
            }
        }
        return new TrustedOrigins.Request(ctx.formParam("name"), ctx.formParam("origin"), scopes);
    }

    /** How the list shows an origin's scopes, in Okta's words. */
    public static String type(TrustedOrigin o) {
        List<String> names = EnumSet.allOf(Scope.class).stream().filter(o.scopes()::contains)
                .map(s -> s == Scope.CORS ? "CORS" : "Redirect").toList();
        return names.isEmpty() ? "None" : String.join(", ", names);
    }

    public static String path(TrustedOrigin o) {
        return Nav.TRUSTED_ORIGINS.path() + "/" + o.id();
    }
}
