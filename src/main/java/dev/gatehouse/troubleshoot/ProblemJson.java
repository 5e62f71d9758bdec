package dev.gatehouse.troubleshoot;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sign-in doctor's JSON (issue #21), a Gatehouse extension with no Okta counterpart: one object per group of refusals,
 * {@code id}, {@code cause}, {@code title}, {@code subject}, {@code count}, {@code firstSeen}, {@code lastSeen}, {@code summary},
 * {@code fix} ({@code description}, and {@code action} with {@code type}, {@code value}, {@code label} where the console
 * offers a one-click fix, else null) and {@code example} (the last refusal's non-secret request parameters).
 */
public final class ProblemJson {

    public Map<String, Object> problem(Diagnosis d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("cause", d.row().cause().name());
        m.put("title", d.title());
        m.put("subject", d.row().subject());
        m.put("count", d.row().occurrences());
        m.put("firstSeen", d.row().firstSeen().toString());
        m.put("lastSeen", d.row().lastSeen().toString());
        m.put("summary", d.summary());
        Map<String, Object> fix = new LinkedHashMap<>();
        fix.put("description", d.fix().description());
        if (d.fix().action() == null) {
            fix.put("action", null);
        } else {
            Map<String, Object> action = new LinkedHashMap<>();
            action.put("type", d.fix().action().name());
            action.put("value", d.fix().value());
            action.put("label", d.fix().label());
            fix.put("action", action);
        }
        m.put("fix", fix);
        m.put("example", d.row().example());
        return m;
    }
}
