package dev.gatehouse.oauth.authorize;

import java.util.List;

/**
 * Okta's {@code acr_values} (step-up authentication): the client asks for a level of assurance, the authorization server
 * picks one value it supports, meets it, and reflects it in the {@code acr} claim. As Okta: unsupported values are
 * ignored; of several supported ones the first listed is chosen (okta-auth-js compares {@code acr} with the single value
 * it sent). {@code phr} and {@code phrh} (phishing-resistant) are not offered: Gatehouse cannot yet tell a passkey's
 * phishing resistance apart in policy, so they are ignored like any unsupported value rather than half-met.
 */
public enum AcrValues {
    ONE_FACTOR_ANY("urn:okta:loa:1fa:any"),
    ONE_FACTOR_PASSWORD("urn:okta:loa:1fa:pwd"),
    TWO_FACTORS("urn:okta:loa:2fa:any"),
    TWO_FACTORS_IF_POSSIBLE("urn:okta:loa:2fa:any:ifpossible");

    public final String value;

    AcrValues(String value) {
        this.value = value;
    }

    /** Every supported value, for discovery's {@code acr_values_supported}. */
    public static final List<String> SUPPORTED = java.util.Arrays.stream(values()).map(a -> a.value).toList();

    /** The first supported value of a space-separated {@code acr_values}, or null (none sent, or none supported). */
    public static AcrValues choose(String acrValues) {
        if (acrValues == null) {
            return null;
        }
        for (String v : acrValues.trim().split(" +")) {
            for (AcrValues a : values()) {
                if (a.value.equals(v)) {
                    return a;
                }
            }
        }
        return null;
    }

    /** How many factors this value asks of a person who has ({@code hasSecondFactor}) or has not a second factor. */
    public int factors(boolean hasSecondFactor) {
        return switch (this) {
            case ONE_FACTOR_ANY, ONE_FACTOR_PASSWORD -> 1;
            case TWO_FACTORS -> 2;
            case TWO_FACTORS_IF_POSSIBLE -> hasSecondFactor ? 2 : 1;
        };
    }
}
