package dev.gatehouse.console;

import dev.gatehouse.storage.Database;
import dev.gatehouse.syslog.LogEvent;
import dev.gatehouse.syslog.SystemLog;
import io.javalin.http.Context;

import java.util.List;
import java.util.Map;

/** The console's start page: a few counts and the latest System Log events. */
public final class DashboardPages {

    /** The model of {@code console/dashboard.jte}. */
    public record DashboardPage(ConsoleFrame frame, List<Stat> stats, List<LogEvent> recent) {
    }

    public record Stat(String label, long value, String href) {
    }

    private final Console console;
    private final Database db;
    private final SystemLog log;

    public DashboardPages(Console console, Database db, SystemLog log) {
        this.console = console;
        this.db = db;
        this.log = log;
    }

    public void show(Context ctx) {
        Map<String, Long> counts = db.read(h -> Map.of(
                "people", h.createQuery("SELECT COUNT(*) FROM users").mapTo(Long.class).one(),
                "active", h.createQuery("SELECT COUNT(*) FROM users WHERE status = 'ACTIVE'").mapTo(Long.class).one(),
                "locked", h.createQuery("SELECT COUNT(*) FROM users WHERE status = 'LOCKED_OUT'").mapTo(Long.class).one()));
        List<LogEvent> recent = db.read(h -> log.list(h, new SystemLog.Query(null, null, null, null, null, 10, true)));
        console.render(ctx, "console/dashboard.jte", new DashboardPage(console.frame(ctx, Nav.DASHBOARD), List.of(
                new Stat("People", counts.get("people"), Nav.PEOPLE.path()),
                new Stat("Active", counts.get("active"), Nav.PEOPLE.path() + "?status=ACTIVE"),
                new Stat("Locked out", counts.get("locked"), Nav.PEOPLE.path() + "?status=LOCKED_OUT")), recent));
    }
}
