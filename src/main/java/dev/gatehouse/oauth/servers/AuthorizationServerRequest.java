package dev.gatehouse.oauth.servers;

import java.util.List;

/**
 * What a caller asks an authorization server to be (create, or full replacement on update), read at the edge from
 * Okta's JSON or a console form. {@code rotationMode} null keeps the current mode (AUTO for a new server).
 */
public record AuthorizationServerRequest(String name, String description, List<String> audiences, String rotationMode) {
    public AuthorizationServerRequest {
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
    }
}
