package dev.gatehouse.oauth.authorize;

import java.util.Arrays;
import java.util.Optional;

/** How the authorization response reaches the client. */
public enum ResponseMode {
    QUERY("query"), FRAGMENT("fragment"), FORM_POST("form_post"), OKTA_POST_MESSAGE("okta_post_message");

    private final String wire;

    ResponseMode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<ResponseMode> of(String wire) {
        return Arrays.stream(values()).filter(m -> m.wire.equals(wire)).findFirst();
    }
}
