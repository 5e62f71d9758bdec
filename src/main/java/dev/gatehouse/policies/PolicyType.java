package dev.gatehouse.policies;

import java.util.Optional;
import java.util.Set;

/**
 * The policy types Gatehouse keeps, with Okta's id prefixes (docs/okta/multifactor.md §1), the type its rules carry
 * ({@code SIGN_ON} for {@code OKTA_SIGN_ON}) and the priority of a first rule (0 for app sign-in policies, whose
 * system Catch-all Rule is 99; 1 for the others, whose system rule is last).
 */
public enum PolicyType {
    ACCESS_POLICY("rst", "rul", "ACCESS_POLICY", 0),
    MFA_ENROLL("00p", "0pr", "MFA_ENROLL", 1),
    OKTA_SIGN_ON("00p", "0pr", "SIGN_ON", 1);

    /** Every type Okta's {@code PolicyType} names: listing one Gatehouse does not keep answers an empty list. */
    static final Set<String> OKTA_TYPES = Set.of("ACCESS_POLICY", "ENTITY_RISK", "IDP_DISCOVERY", "MFA_ENROLL", "OKTA_SIGN_ON",
            "PASSWORD", "POST_AUTH_SESSION", "PROFILE_ENROLLMENT", "DEVICE_SIGNAL_COLLECTION", "SESSION_VIOLATION_DETECTION",
            "CLIENT_UPDATE", "IDENTITY_CLAIM_SOURCING");
    /** The priority of an app sign-in policy's Catch-all Rule (Okta's "lowest priority of 99"). */
    static final int CATCH_ALL_PRIORITY = 99;

    final String policyPrefix;
    final String rulePrefix;
    final String ruleType;
    final int firstRulePriority;

    PolicyType(String policyPrefix, String rulePrefix, String ruleType, int firstRulePriority) {
        this.policyPrefix = policyPrefix;
        this.rulePrefix = rulePrefix;
        this.ruleType = ruleType;
        this.firstRulePriority = firstRulePriority;
    }

    public String ruleType() {
        return ruleType;
    }

    static Optional<PolicyType> of(String name) {
        for (PolicyType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
