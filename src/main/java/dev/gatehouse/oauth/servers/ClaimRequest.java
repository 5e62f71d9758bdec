package dev.gatehouse.oauth.servers;

import java.util.List;

/**
 * What a caller asks a claim to be, read at the edge (a PUT replaces the whole claim, as Okta's). Null members take
 * Okta's defaults: status ACTIVE, no scope condition, {@code alwaysIncludeInToken} true.
 */
public record ClaimRequest(String name, String status, String claimType, String valueType, String value, String groupFilterType,
                           List<String> scopes, Boolean alwaysIncludeInToken) {
}
