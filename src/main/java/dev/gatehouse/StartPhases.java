package dev.gatehouse;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a start's time went, for the banner (issue #23: "measure where it goes"): each mark closes a phase, measured on
 * the JVM's uptime clock, so the first phase is the JVM's own start, class loading and the settings until Wiring runs.
 */
final class StartPhases {

    private final List<String> phases = new ArrayList<>();
    private long last = 0;

    /** Ends the phase called {@code name} now. */
    synchronized void mark(String name) {
        long now = ManagementFactory.getRuntimeMXBean().getUptime();
        phases.add(name + " " + (now - last) + " ms");
        last = now;
    }

    /** "JVM and settings 812 ms, database 403 ms, …", the phases in order. */
    synchronized String summary() {
        return String.join(", ", phases);
    }
}
