package dev.gatehouse.directory;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.console.Console;
import dev.gatehouse.console.ConsoleFrame;
import dev.gatehouse.console.Nav;
import io.javalin.http.Context;

import java.util.List;

/** Directory › Groups in the Admin Console: list, create, rename, members, delete. */
public final class GroupPages {

    /** The model of {@code directory/groups.jte}. */
    public record GroupsPage(ConsoleFrame frame, String q, List<Group> groups, String name, String description, List<String> errors) {
    }

    /** The model of {@code directory/group.jte}. */
    public record GroupPage(ConsoleFrame frame, Group group, String name, String description, List<User> members,
                            String notice, List<String> errors) {
    }

    private final Console console;
    private final Groups groups;
    private final Users users;

    public GroupPages(Console console, Groups groups, Users users) {
        this.console = console;
        this.groups = groups;
        this.users = users;
    }

    public void list(Context ctx) {
        renderList(ctx, "", "", List.of());
    }

    public void create(Context ctx) {
        String name = ctx.formParam("name");
        String description = ctx.formParam("description");
        try {
            Group g = groups.create(console.event(ctx), name, description);
            Console.seeOther(ctx, Nav.GROUPS.path() + "/" + g.id() + "?notice=created");
        } catch (ApiError e) {
            ctx.status(400);
            renderList(ctx, name == null ? "" : name, description == null ? "" : description, Console.messages(e));
        }
    }

    public void show(Context ctx) {
        Group g = groups.get(ctx.pathParam("id"));
        String notice = switch (String.valueOf(ctx.queryParam("notice"))) {
            case "created" -> "Group created.";
            case "saved" -> "Group saved.";
            case "added" -> "Member added.";
            case "removed" -> "Member removed.";
            default -> null;
        };
        render(ctx, g, g.name(), g.description(), notice, List.of());
    }

    public void update(Context ctx) {
        Group g = groups.get(ctx.pathParam("id"));
        String name = ctx.formParam("name");
        String description = ctx.formParam("description");
        try {
            groups.update(console.event(ctx), g.id(), name, description);
            Console.seeOther(ctx, path(g) + "?notice=saved");
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, g, name, description, null, Console.messages(e));
        }
    }

    public void addMember(Context ctx) {
        Group g = groups.get(ctx.pathParam("id"));
        String login = ctx.formParam("login");
        try {
            User u = users.find(login == null ? "" : login.strip())
                    .orElseThrow(() -> ApiError.validation("login", "No person has the username '" + (login == null ? "" : login.strip()) + "'"));
            groups.addMember(console.event(ctx), g.id(), u.id());
            Console.seeOther(ctx, path(g) + "?notice=added");
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, g, g.name(), g.description(), null, Console.messages(e));
        }
    }

    public void removeMember(Context ctx) {
        Group g = groups.get(ctx.pathParam("id"));
        try {
            groups.removeMember(console.event(ctx), g.id(), ctx.pathParam("userId"));
            Console.seeOther(ctx, path(g) + "?notice=removed");
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, g, g.name(), g.description(), null, Console.messages(e));
        }
    }

    public void delete(Context ctx) {
        Group g = groups.get(ctx.pathParam("id"));
        try {
            groups.delete(console.event(ctx), g.id());
            Console.seeOther(ctx, Nav.GROUPS.path());
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, g, g.name(), g.description(), null, Console.messages(e));
        }
    }

    private void renderList(Context ctx, String name, String description, List<String> errors) {
        String q = ctx.queryParam("q");
        String query = q == null || q.isBlank() ? null : q.strip();
        console.render(ctx, "directory/groups.jte", new GroupsPage(console.frame(ctx, Nav.GROUPS), query == null ? "" : query,
                groups.list(query, null, null, 200), name, description, errors));
    }

    private void render(Context ctx, Group g, String name, String description, String notice, List<String> errors) {
        List<User> members = g.builtIn() ? users.list(new Users.Search(null, null, null, null, 200)) : groups.members(g.id(), null, 200);
        console.render(ctx, "directory/group.jte", new GroupPage(console.frame(ctx, Nav.GROUPS), g,
                name == null ? "" : name, description == null ? "" : description, members, notice, errors));
    }

    private static String path(Group g) {
        return Nav.GROUPS.path() + "/" + g.id();
    }
}
