package dev.gatehouse.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Okta's "v1" priorities for policies and rules: priorities are dense from the first one; putting an object at N shifts
 * the ones between its old and new place; a priority past the end (or none) means last, below the first means first;
 * a delete closes the gap. One rule for the sign-on policies ({@code policies/}) and the authorization servers' access
 * policies ({@code oauth/servers/}); the stores then write the new numbers.
 */
public final class Priorities {

    private Priorities() {
    }

    /**
     * The new order of ids: {@code others} (in their priority order, without {@code id}) with {@code id} inserted at
     * priority {@code wanted}, counted from {@code first}; {@code id} null only renumbers (after a delete).
     */
    public static List<String> place(List<String> others, String id, Integer wanted, int first) {
        List<String> order = new ArrayList<>(others);
        if (id != null) {
            long at = wanted == null ? order.size() : Math.max(0L, Math.min((long) order.size(), (long) wanted - first));
            order.add((int) at, id);
        }
        return order;
    }
}
