package dev.gatehouse.apitokens;

import dev.gatehouse.api.ApiCaller;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.console.Console;
import dev.gatehouse.console.ConsoleFrame;
import dev.gatehouse.console.Nav;
import io.javalin.http.Context;

import java.util.List;

/** Security › API › Tokens: the signed-in admin's API tokens; a new token's value is shown once. */
public final class ApiTokenPages {

    /** The model of {@code api/tokens.jte}; {@code created} is set only right after creating one. */
    public record TokensPage(ConsoleFrame frame, List<ApiToken> tokens, ApiTokens.Created created, String name, List<String> errors) {
    }

    private final Console console;
    private final ApiTokens tokens;

    public ApiTokenPages(Console console, ApiTokens tokens) {
        this.console = console;
        this.tokens = tokens;
    }

    public void list(Context ctx) {
        render(ctx, null, "", List.of());
    }

    public void create(Context ctx) {
        String name = ctx.formParam("name");
        try {
            ApiTokens.Created created = tokens.create(console.event(ctx), owner(ctx).userId(), name);
            render(ctx, created, "", List.of());
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, null, name == null ? "" : name, Console.messages(e));
        }
    }

    public void revoke(Context ctx) {
        tokens.revoke(console.event(ctx), owner(ctx), ctx.pathParam("id"));
        Console.seeOther(ctx, Nav.TOKENS.path());
    }

    private ApiCaller owner(Context ctx) {
        var u = console.current(ctx);
        return new ApiCaller(u.id(), u.login(), u.name(), null, true);
    }

    private void render(Context ctx, ApiTokens.Created created, String name, List<String> errors) {
        List<ApiToken> mine = tokens.list(owner(ctx).userId(), null, 200);
        console.render(ctx, "apitokens/tokens.jte", new TokensPage(console.frame(ctx, Nav.TOKENS), mine, created, name, errors));
    }
}
