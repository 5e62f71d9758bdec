package dev.gatehouse.oauth.servers;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.console.Console;
import dev.gatehouse.console.ConsoleFrame;
import dev.gatehouse.console.Nav;
import dev.gatehouse.oauth.keys.SigningKey;
import dev.gatehouse.oauth.keys.SigningKeys;
import io.javalin.http.Context;

import java.time.Duration;
import java.util.List;

/**
 * Security › API › Authorization Servers in the Admin Console: the list (org AS included, marked as such), adding a
 * custom server, and a page per server with its scopes and signing keys (add/delete scope, rotate keys,
 * activate/deactivate, delete). Rules live in {@link AuthorizationServers} and {@link Scopes}.
 */
public final class AuthorizationServerPages {

    /** One server as the console shows it. */
    public record ServerRow(AuthorizationServer server, String issuer, String metadataUri, String openIdConfigurationUri) {
    }

    /** The model of {@code oauth/authorization-servers.jte}. */
    public record ServersPage(ConsoleFrame frame, List<ServerRow> servers, String name, String audience, String description,
                              List<String> errors) {
    }

    /** The model of {@code oauth/authorization-server.jte}. */
    public record ServerPage(ConsoleFrame frame, ServerRow row, List<Scope> scopes, List<SigningKey> keys, SigningKeys.Signing signing,
                             String scopeName, String scopeDescription, String notice, List<String> errors) {
        public boolean deletable() {
            return !row.server().org() && !row.server().active() && !row.server().id().equals(AuthorizationServers.DEFAULT);
        }
    }

    private final Console console;
    private final AuthorizationServers servers;
    private final Scopes scopes;
    private final SigningKeys keys;

    public AuthorizationServerPages(Console console, AuthorizationServers servers, Scopes scopes, SigningKeys keys) {
        this.console = console;
        this.servers = servers;
        this.scopes = scopes;
        this.keys = keys;
    }

    public void list(Context ctx) {
        renderList(ctx, "", "", "", List.of());
    }

    public void create(Context ctx) {
        String name = form(ctx, "name");
        String audience = form(ctx, "audience");
        String description = form(ctx, "description");
        try {
            AuthorizationServer s = servers.create(console.event(ctx),
                    new AuthorizationServerRequest(name, description, audience.isBlank() ? List.of() : List.of(audience), null));
            Console.seeOther(ctx, path(s) + "?notice=created");
        } catch (ApiError e) {
            ctx.status(400);
            renderList(ctx, name, audience, description, Console.messages(e));
        }
    }

    public void show(Context ctx) {
        AuthorizationServer s = server(ctx);
        String notice = switch (String.valueOf(ctx.queryParam("notice"))) {
            case "created" -> "Authorization server created.";
            case "scope-added" -> "Scope added.";
            case "scope-deleted" -> "Scope deleted.";
            case "rotated" -> "Keys rotated: the next key now signs, and a new next key is published.";
            case "activated" -> "Authorization server activated.";
            case "deactivated" -> "Authorization server deactivated: its metadata and keys now answer 404.";
            default -> null;
        };
        render(ctx, s, "", "", notice, List.of());
    }

    public void addScope(Context ctx) {
        AuthorizationServer s = server(ctx);
        String name = form(ctx, "name");
        String description = form(ctx, "description");
        String publish = "on".equals(ctx.formParam("metadataPublish")) ? Scope.MetadataPublish.ALL_CLIENTS.name() : null;
        try {
            scopes.create(console.event(ctx), s, new ScopeRequest(name, null, description, null, null, publish));
            Console.seeOther(ctx, path(s) + "?notice=scope-added");
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, s, name, description, null, Console.messages(e));
        }
    }

    public void deleteScope(Context ctx) {
        AuthorizationServer s = server(ctx);
        try {
            scopes.delete(console.event(ctx), s, ctx.pathParam("scopeId"));
            Console.seeOther(ctx, path(s) + "?notice=scope-deleted");
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, s, "", "", null, Console.messages(e));
        }
    }

    public void rotate(Context ctx) {
        AuthorizationServer s = server(ctx);
        servers.rotateKeys(console.event(ctx), s);
        Console.seeOther(ctx, path(s) + "?notice=rotated");
    }

    /** {@code activate} or {@code deactivate}; anything else is 404. */
    public void lifecycle(Context ctx) {
        AuthorizationServer s = server(ctx);
        try {
            switch (ctx.pathParam("op")) {
                case "activate" -> servers.activate(console.event(ctx), s.id());
                case "deactivate" -> servers.deactivate(console.event(ctx), s.id());
                default -> throw ApiError.notFound(ctx.path(), "Page");
            }
            Console.seeOther(ctx, path(s) + "?notice=" + ctx.pathParam("op") + "d");
        } catch (ApiError e) {
            if (e.code().status() == 404) {
                throw e;
            }
            ctx.status(400);
            render(ctx, s, "", "", null, Console.messages(e));
        }
    }

    public void delete(Context ctx) {
        AuthorizationServer s = server(ctx);
        try {
            servers.delete(console.event(ctx), s.id());
            Console.seeOther(ctx, Nav.AUTHORIZATION_SERVERS.path());
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, s, "", "", null, Console.messages(e));
        }
    }

    /** A lifetime as people read it: "60 minutes", "7 days", "unlimited". */
    public static String lifetime(Duration d) {
        if (d.isZero()) {
            return "unlimited";
        }
        long minutes = d.toMinutes();
        if (minutes % (60 * 24) == 0) {
            return plural(minutes / (60 * 24), "day");
        }
        return minutes % 60 == 0 && minutes >= 120 ? plural(minutes / 60, "hour") : plural(minutes, "minute");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    private AuthorizationServer server(Context ctx) {
        String id = ctx.pathParam("id");
        return servers.find(id).orElseThrow(() -> ApiError.notFound(id, AuthorizationServers.TYPE));
    }

    private ServerRow row(AuthorizationServer s) {
        return new ServerRow(s, servers.issuer(s), servers.metadataUrl(s), servers.openIdConfigurationUrl(s));
    }

    private void renderList(Context ctx, String name, String audience, String description, List<String> errors) {
        console.render(ctx, "oauth/authorization-servers.jte", new ServersPage(console.frame(ctx, Nav.AUTHORIZATION_SERVERS),
                servers.all().stream().map(this::row).toList(), name, audience, description, errors));
    }

    private void render(Context ctx, AuthorizationServer s, String scopeName, String scopeDescription, String notice, List<String> errors) {
        AuthorizationServer current = servers.find(s.id()).orElse(s);
        console.render(ctx, "oauth/authorization-server.jte", new ServerPage(console.frame(ctx, Nav.AUTHORIZATION_SERVERS), row(current),
                scopes.list(s.id()), keys.keys(s.id()), keys.signing(s.id()), scopeName, scopeDescription, notice, errors));
    }

    private static String form(Context ctx, String name) {
        String v = ctx.formParam(name);
        return v == null ? "" : v;
    }

    private static String path(AuthorizationServer s) {
        return Nav.AUTHORIZATION_SERVERS.path() + "/" + s.id();
    }
}
