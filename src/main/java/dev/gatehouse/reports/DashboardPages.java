package dev.gatehouse.reports;

import dev.gatehouse.troubleshoot.Troubleshooting;

import dev.gatehouse.directory.Users;
import dev.gatehouse.console.Nav;
import dev.gatehouse.console.Console;
import dev.gatehouse.console.ConsoleFrame;
import dev.gatehouse.storage.Database;
import dev.gatehouse.syslog.LogEvent;
import dev.gatehouse.syslog.SystemLog;
import io.javalin.http.Context;

import java.util.List;

/** The console's start page: a few counts and the latest System Log events. */
public final class DashboardPages {

    /** The model of {@code console/dashboard.jte}. */
    public record DashboardPage(ConsoleFrame frame, List<Stat> stats, List<LogEvent> recent, List<Troubleshooting.Recent> problems) {
    }

    public record Stat(String label, long value, String href) {
    }

    private final Console console;
    private final Users users;
    private final Database db;
    private final SystemLog log;

    private final java.util.function.Supplier<List<Troubleshooting.Recent>> problems;

    /** {@code problems}: the apps (and the org) with sign-in problems in the last week (issue #21). */
    public DashboardPages(Console console, Users users, Database db, SystemLog log, java.util.function.Supplier<List<Troubleshooting.Recent>> problems) {
        this.problems = problems;
        this.console = console;
        this.users = users;
        this.db = db;
        this.log = log;
    }

    public void show(Context ctx) {
        Users.Counts counts = users.counts();
        List<LogEvent> recent = db.read(h -> log.list(h, new SystemLog.Query(null, null, null, null, null, 10, true)));
        console.render(ctx, "console/dashboard.jte", new DashboardPage(console.frame(ctx, Nav.DASHBOARD), List.of(
                new Stat("People", counts.all(), Nav.PEOPLE.path()),
                new Stat("Active", counts.active(), Nav.PEOPLE.path() + "?status=ACTIVE"),
                new Stat("Locked out", counts.lockedOut(), Nav.PEOPLE.path() + "?status=LOCKED_OUT")), recent, problems.get()));
    }
}
