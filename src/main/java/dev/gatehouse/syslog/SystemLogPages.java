package dev.gatehouse.syslog;

import dev.gatehouse.console.Console;
import dev.gatehouse.console.ConsoleFrame;
import dev.gatehouse.console.Nav;
import dev.gatehouse.storage.Database;
import io.javalin.http.Context;

import java.util.List;

/** Reports › System Log: the newest events first, with a text search. */
public final class SystemLogPages {

    /** The model of {@code syslog/system-log.jte}. */
    public record SystemLogPage(ConsoleFrame frame, String q, List<LogEvent> events) {
    }

    private final Console console;
    private final Database db;
    private final SystemLog log;

    public SystemLogPages(Console console, Database db, SystemLog log) {
        this.console = console;
        this.db = db;
        this.log = log;
    }

    public void show(Context ctx) {
        String q = ctx.queryParam("q");
        String query = q == null || q.isBlank() ? null : q.trim();
        List<LogEvent> events = db.read(h -> log.list(h, new SystemLog.Query(null, null, null, query, null, 200, true)));
        console.render(ctx, "syslog/system-log.jte", new SystemLogPage(console.frame(ctx, Nav.SYSTEM_LOG), query == null ? "" : query, events));
    }
}
