package dev.gatehouse.oauth;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * RFC 6749 §3.1 and §3.2: "Request and response parameters MUST NOT be included more than once." A request that repeats
 * one is {@code invalid_request}, with Okta's words, at /token, /authorize, /introspect and /revoke.
 */
public final class RepeatedParameters {

    /** Okta's {@code error_description}, verbatim. */
    public static final String DESCRIPTION = "The request contained multiple parameters with the same name.";

    private RepeatedParameters() {
    }

    /** The names sent more than once. */
    public static Set<String> in(Map<String, List<String>> params) {
        return params.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Refuses a request that sends any parameter more than once. */
    public static void refuse(Map<String, List<String>> params) {
        refuse(in(params));
    }

    /** Refuses a request when {@code repeated} (the names it sent more than once) is not empty. */
    public static void refuse(Set<String> repeated) {
        if (!repeated.isEmpty()) {
            throw OAuthError.INVALID_REQUEST.because(DESCRIPTION, "repeated " + repeated.stream().sorted()
                    .map(n -> dev.gatehouse.syslog.LogText.ifPlausible(n, 64)).toList());
        }
    }
}
