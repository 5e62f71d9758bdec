package dev.gatehouse.mfa;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.CollectedClientDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticationRequest;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.RegistrationRequest;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.CollectedClientData;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.UserNotVerifiedException;
import dev.gatehouse.directory.User;
import dev.gatehouse.directory.Users;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.http.RateLimitFamily;
import dev.gatehouse.http.RateLimits;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * WebAuthn (passkeys and security keys) as Okta's {@code webauthn} authenticator and its {@code webauthn}/{@code FIDO}
 * factors. webauthn4j does the verification proper (client data type, origin and challenge, RP id hash, flags, the
 * attestation statement of every format, COSE keys, the assertion signature); Gatehouse keeps the rules around it:
 * <ul>
 *   <li>Only while the {@code webauthn} authenticator is ACTIVE. A user may have several credentials.</li>
 *   <li>Challenges are 32 random bytes, stored as a SHA-256 only, one pending per user and purpose (a new one replaces
 *       the old), bound to the user and the purpose (and to the factor when one was named), valid
 *       {@link #CHALLENGE_LIFETIME}, and taken by one conditional DELETE: a second use, a race or an expired one fails.
 *       A challenge is used up by any attempt, good or bad.</li>
 *   <li>User verification as the webauthn method's {@code userVerification}: REQUIRED refuses a response without the
 *       UV flag (E0000158 at enrollment, E0000068 at verification).</li>
 *   <li>The signature counter must grow, unless it stays 0 (authenticators without a counter, such as synced passkeys).</li>
 *   <li>Every finish draws from the per-user factor rate limit; a failed assertion (wrong signature, counter, origin,
 *       RP id, credential) counts toward the user's lockout exactly as a wrong TOTP code does, under the user's row
 *       lock; a LOCKED_OUT user is refused (E0000069) before anything is looked at. A used or expired challenge is
 *       refused without counting, as a replayed TOTP code is.</li>
 * </ul>
 * The user handle given to authenticators is the user id read as base64url (20 characters → 15 bytes), so
 * {@code user.id} in the options is the user id itself, as in Okta's enrollment answer.
 */
public final class WebAuthn {

    public static final Duration CHALLENGE_LIFETIME = Duration.ofMinutes(5);
    public static final String DEFAULT_NAME = "Security Key or Biometric";
    static final String ID_PREFIX = "fwf";
    private static final int CHALLENGE_BYTES = 32;
    private static final java.util.Set<String> TRANSPORTS = java.util.Set.of("usb", "nfc", "ble", "smart-card", "hybrid", "internal");
    /** Longest stored forms (the columns): a credential id of 1023 bytes (WebAuthn's limit) and a COSE key. */
    private static final int MAX_CREDENTIAL_ID = 1364;
    private static final int MAX_PUBLIC_KEY = 4000;
    private static final long TIMEOUT_MILLIS = CHALLENGE_LIFETIME.toMillis();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<PublicKeyCredentialParameters> ALGORITHMS = List.of(
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.RS256));

    /** Registration options for {@code navigator.credentials.create} and the pending factor they belong to. */
    public record Registration(String factorId, String optionsJson) {
    }

    /** An accepted assertion: the factor and the {@code amr} values it proves (RFC 8176). */
    public record Verified(Factor factor, List<String> amr) {
    }

    /** A Factors API challenge of one factor: the factor and the challenge (base64url) handed to the client. */
    public record FactorChallenge(Factor factor, String challenge, String optionsJson) {
    }

    private final Database db;
    private final FactorStore factors;
    private final WebAuthnStore store;
    private final Authenticators authenticators;
    private final Users users;
    private final RateLimits limits;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;
    private final String rpId;
    private final String rpName;
    private final Origin origin;
    private final ObjectConverter converter = new ObjectConverter();
    private final WebAuthnManager manager = WebAuthnManager.createNonStrictWebAuthnManager(converter);

    /**
     * @param baseUrl the public base URL: its origin is the only origin accepted in client data
     * @param rpId    the relying party id: the base URL's host, or a registrable suffix of it (GATEHOUSE_WEBAUTHN_RP_ID)
     * @param rpName  the name authenticators show (the org name)
     */
    public WebAuthn(Database db, FactorStore factors, WebAuthnStore store, Authenticators authenticators, Users users, RateLimits limits,
                    SystemLog log, Ids ids, Clock clock, String baseUrl, String rpId, String rpName) {
        this.db = db;
        this.factors = factors;
        this.store = store;
        this.authenticators = authenticators;
        this.users = users;
        this.limits = limits;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
        this.rpId = rpId;
        this.rpName = rpName;
        this.origin = new Origin(origin(baseUrl));
    }

    /** The origin ({@code scheme://host[:port]}) of a base URL. */
    public static String origin(String baseUrl) {
        URI u = URI.create(baseUrl);
        return u.getScheme() + "://" + u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort());
    }

    /**
     * RFC 8176 methods a WebAuthn proof stands for: {@code swk} for a backup-eligible (synced) credential, else {@code hwk};
     * plus {@code user} when user verification was performed. One rule for a registration and an assertion.
     */
    public static List<String> amr(boolean backupEligible, boolean userVerified) {
        return userVerified ? List.of(backupEligible ? "swk" : "hwk", "user") : List.of(backupEligible ? "swk" : "hwk");
    }

    public String rpId() {
        return rpId;
    }

    /**
     * Registration options for navigator.credentials.create, as JSON with binary fields base64url (challenge, user.id,
     * excludeCredentials[].id); creates a PENDING_ACTIVATION webauthn factor and its challenge.
     */
    public Registration startRegistration(EventContext ctx, String userId) {
        User u = users.get(userId);
        Authenticator.UserVerification uv = activeAuthenticator(true).userVerification();
        String id = ids.next(ID_PREFIX);
        String challenge = b64u(ids.bytes(CHALLENGE_BYTES));
        Instant now = clock.instant();
        List<Factor.Credential> exclude = db.tx(h -> {
            if (users.lockForFactorAttempt(h, u.id()).isEmpty()) {
                throw ApiError.notFound(userId, "User");
            }
            store.deletePending(h, u.id());
            store.insertPending(h, id, u.id(), now.plus(CHALLENGE_LIFETIME), now);
            store.putChallenge(h, u.id(), WebAuthnStore.Purpose.REGISTRATION, Hashes.sha256(challenge), id, uv, now.plus(CHALLENGE_LIFETIME), now);
            Factor pending = factors.find(h, u.id(), id).orElseThrow();
            log.record(h, ctx, SystemLog.Entry.success(Factors.UPDATE, "Enroll factor: pending activation", Factors.userTarget(u),
                    Factors.factorTarget(pending)));
            return activeCredentials(h, u.id());
        });
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("attestation", "none");
        o.put("authenticatorSelection", ordered("userVerification", uv.webAuthnName(), "requireResidentKey", false));
        o.put("challenge", challenge);
        o.put("excludeCredentials", exclude.stream().map(WebAuthn::descriptor).toList());
        o.put("pubKeyCredParams", ALGORITHMS.stream().map(p -> ordered("type", "public-key", "alg", p.getAlg().getValue())).toList());
        o.put("rp", ordered("name", rpName, "id", rpId));
        o.put("user", ordered("displayName", displayName(u), "name", u.profile().login(), "id", userHandle(u.id())));
        o.put("timeout", TIMEOUT_MILLIS);
        return new Registration(id, json(o));
    }

    /**
     * Verifies the attestation (origin, RP id hash, challenge, UV per settings) and activates the factor. Throws
     * ApiError (E0000068 / E0000158 ...) and changes nothing on failure but using up the challenge. Logs
     * user.mfa.factor.activate.
     */
    public Factor finishRegistration(EventContext ctx, String userId, String factorId, String clientDataJsonB64u,
                                     String attestationObjectB64u) {
        return finishRegistration(ctx, userId, factorId, clientDataJsonB64u, attestationObjectB64u, null);
    }

    /**
     * As {@link #finishRegistration(EventContext, String, String, String, String)}, keeping the transports the browser
     * reported ({@code getTransports()}, comma-separated as webauthn.js posts them; unknown values are dropped). They are
     * handed back in allowCredentials, so a browser knows to offer a USB key or a phone.
     */
    public Factor finishRegistration(EventContext ctx, String userId, String factorId, String clientDataJsonB64u,
                                     String attestationObjectB64u, String transports) {
        List<String> kept = transports == null ? List.of() : java.util.Arrays.stream(transports.split(",")).map(String::strip)
                .filter(TRANSPORTS::contains).distinct().toList();
        User u = users.get(userId);
        if (factorId == null || factorId.length() > 40) {
            throw ApiError.notFound("factor", "UserFactor");
        }
        checkAttempt(u);
        required("clientData", clientDataJsonB64u);
        required("attestation", attestationObjectB64u);
        byte[] clientData = decode(clientDataJsonB64u);
        byte[] attestation = decode(attestationObjectB64u);
        CollectedClientData cd = clientData == null || attestation == null ? null : clientData(clientData);
        Instant now = clock.instant();
        Refusal refusal = db.tx(h -> {
            Refusal gate = gate(h, u);
            if (gate != null) {
                return gate;
            }
            Factor f = factors.find(h, u.id(), factorId).filter(Factor::webAuthn).orElse(null);
            if (f == null) {
                return Refusal.GONE;
            }
            if (f.active()) {
                throw new ApiError(ErrorCode.E0000001, ErrorCode.E0000001.summary("factor"),
                        List.of(new ApiError.Cause(null, "The factor is already active.")));
            }
            if (f.expired(now)) {
                throw new ApiError(ErrorCode.E0000001, ErrorCode.E0000001.summary("factor"),
                        List.of(new ApiError.Cause(null, "The enrollment expired after " + CHALLENGE_LIFETIME.toMinutes()
                                + " minutes: enroll the factor again.")));
            }
            Optional<WebAuthnStore.Challenge> challenge = cd == null || cd.getChallenge() == null ? Optional.empty()
                    : store.takeChallenge(h, u.id(), WebAuthnStore.Purpose.REGISTRATION, Hashes.sha256(b64u(cd.getChallenge().getValue())), now);
            if (challenge.isEmpty() || !factorId.equals(challenge.get().factorId())) {
                return fail(h, ctx, u, f, "Activate factor", cd == null ? Refusal.BAD : Refusal.CHALLENGE, false);
            }
            boolean uvRequired = challenge.get().userVerification() == Authenticator.UserVerification.REQUIRED;
            RegistrationData data;
            try {
                data = manager.verify(new RegistrationRequest(attestation, clientData),
                        new RegistrationParameters(new ServerProperty(origin, rpId, new DefaultChallenge(cd.getChallenge().getValue())),
                                ALGORITHMS, uvRequired, true));
            } catch (UserNotVerifiedException e) {
                return fail(h, ctx, u, f, "Activate factor", Refusal.UV_REQUIRED, false);
            } catch (RuntimeException e) {   // webauthn4j's VerificationException and DataConversionException, and any malformed input
                return fail(h, ctx, u, f, "Activate factor", Refusal.BAD, false);
            }
            AuthenticatorData<?> ad = data.getAttestationObject().getAuthenticatorData();
            AttestedCredentialData acd = ad.getAttestedCredentialData();
            String credentialId = b64u(acd.getCredentialId());
            String publicKey = b64u(converter.getCborConverter().writeValueAsBytes(acd.getCOSEKey()));
            if (credentialId.length() > MAX_CREDENTIAL_ID || publicKey.length() > MAX_PUBLIC_KEY) {
                return fail(h, ctx, u, f, "Activate factor", Refusal.BAD, false);
            }
            if (store.credentialTaken(h, credentialId)) {
                return fail(h, ctx, u, f, "Activate factor", Refusal.DUPLICATE, false);
            }
            Factor.Credential credential = new Factor.Credential(credentialId, publicKey, ad.getSignCount(),
                    acd.getAaguid().getValue().toString(), ad.isFlagUV(), ad.isFlagBE(), ad.isFlagBS(), kept, DEFAULT_NAME);
            if (!store.activate(h, f.id(), credential, now)) {
                return Refusal.GONE;
            }
            users.factorAccepted(h, u.id());
            log.record(h, ctx, SystemLog.Entry.success(Factors.ACTIVATE, "Activate factor", Factors.userTarget(u), Factors.factorTarget(f)));
            return null;
        });
        throwIf(refusal, factorId);
        return factors(u.id(), factorId);
    }

    /** Assertion options for navigator.credentials.get (allowCredentials = the user's active credentials). */
    public String startAssertion(String userId) {
        return challenge(userId, null).optionsJson();
    }

    /**
     * The Factors API's first verify call: a challenge for this ACTIVE webauthn factor only (410 E0000154 while it is
     * pending, 404 for another user's or a TOTP factor).
     */
    public FactorChallenge challenge(String userId, String factorId) {
        return challenge(userId, factorId, WebAuthnStore.Purpose.ASSERTION, null);
    }

    /**
     * As {@link #challenge(String, String)}, bound to one sign-in step ({@code binding}: a hash naming it, such as an
     * Authentication API transaction): only {@link #finishBoundAssertion} with the same binding takes it, and that takes
     * no other challenge (not another transaction's, the Factors API's or the hosted page's), as a recovery challenge is
     * bound to its link.
     */
    public FactorChallenge boundChallenge(String userId, String factorId, String binding) {
        requireBinding(binding);
        return challenge(userId, factorId, WebAuthnStore.Purpose.ASSERTION, binding);
    }

    /**
     * Assertion options for a password recovery (issue #19: a person whose other factor is a security key or passkey
     * proves it on the reset link's page). The challenge is of its own purpose (RECOVERY: never taken by a sign-in or the
     * Factors API, and theirs never taken here) and is bound to the recovery link: {@code binding} is the SHA-256 of the
     * link's token, and the stored hash covers challenge and binding, so a challenge made on one link's page verifies
     * nothing on another's. Any status is accepted here (the page checked the link); {@link #finishRecoveryAssertion}
     * checks the user's status.
     */
    public String startRecoveryAssertion(String userId, String binding) {
        requireBinding(binding);
        return challenge(userId, null, WebAuthnStore.Purpose.RECOVERY, binding).optionsJson();
    }

    private FactorChallenge challenge(String userId, String factorId, WebAuthnStore.Purpose purpose, String binding) {
        User u = users.get(userId);
        Authenticator.UserVerification uv = activeAuthenticator(false).userVerification();
        String challenge = b64u(ids.bytes(CHALLENGE_BYTES));
        Instant now = clock.instant();
        record Prepared(Factor factor, List<Factor.Credential> credentials) {
        }
        Prepared p = db.tx(h -> {
            if (users.lockForFactorAttempt(h, u.id()).isEmpty()) {
                throw ApiError.notFound(userId, "User");
            }
            Factor f = null;
            List<Factor.Credential> credentials;
            if (factorId != null) {
                f = factors.find(h, u.id(), factorId).filter(Factor::webAuthn).orElseThrow(() -> ApiError.notFound(factorId, "UserFactor"));
                if (!f.active()) {
                    throw new ApiError(ErrorCode.E0000154, ErrorCode.E0000154.summary(null),
                            List.of(new ApiError.Cause(null, "The factor is pending activation: activate it first.")));
                }
                credentials = List.of(f.credential());
            } else {
                credentials = activeCredentials(h, u.id());
                if (credentials.isEmpty()) {
                    throw new ApiError(ErrorCode.E0000001, ErrorCode.E0000001.summary("factor"),
                            List.of(new ApiError.Cause(null, "The user has no active webauthn factor.")));
                }
            }
            store.putChallenge(h, u.id(), purpose, challengeHash(challenge, binding), factorId, uv,
                    now.plus(CHALLENGE_LIFETIME), now);
            return new Prepared(f, credentials);
        });
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("challenge", challenge);
        o.put("rpId", rpId);
        o.put("allowCredentials", p.credentials().stream().map(WebAuthn::descriptor).toList());
        o.put("userVerification", uv.webAuthnName());
        o.put("timeout", TIMEOUT_MILLIS);
        return new FactorChallenge(p.factor(), challenge, json(o));
    }

    /**
     * Verifies an assertion (origin, RP id, challenge once, signature, counter must grow unless both 0, UV as asked);
     * counts failures toward lockout exactly as Factors.verify does for TOTP. Logs user.authentication.auth_via_mfa
     * SUCCESS/FAILURE.
     */
    public Verified finishAssertion(EventContext ctx, String userId, String credentialIdB64u, String clientDataJsonB64u,
                                    String authenticatorDataB64u, String signatureB64u, String userHandleB64u) {
        return assertion(ctx, userId, false, null, credentialIdB64u, clientDataJsonB64u, authenticatorDataB64u, signatureB64u, userHandleB64u);
    }

    /** As {@link #finishAssertion}, taking only a challenge from {@link #boundChallenge} with the same {@code binding}. */
    public Verified finishBoundAssertion(EventContext ctx, String userId, String binding, String credentialIdB64u, String clientDataJsonB64u,
                                         String authenticatorDataB64u, String signatureB64u, String userHandleB64u) {
        requireBinding(binding);
        return assertion(ctx, userId, false, binding, credentialIdB64u, clientDataJsonB64u, authenticatorDataB64u, signatureB64u, userHandleB64u);
    }

    /**
     * As {@link #finishAssertion}, for a password recovery: only a challenge from {@link #startRecoveryAssertion} with the
     * same {@code binding} (the same reset link) is taken, and the user may be in any status a reset link works for
     * (ACTIVE, PASSWORD_EXPIRED, RECOVERY: PasswordRecovery#RECOVERABLE), never LOCKED_OUT (E0000069), as the TOTP
     * recovery check (Factors#verifyForRecovery). Failures count toward the lockout as at sign-in. The caller records the
     * proof on the link's token (PasswordRecovery#factorVerified).
     */
    public Verified finishRecoveryAssertion(EventContext ctx, String userId, String binding, String credentialIdB64u,
                                            String clientDataJsonB64u, String authenticatorDataB64u, String signatureB64u,
                                            String userHandleB64u) {
        requireBinding(binding);
        return assertion(ctx, userId, true, binding, credentialIdB64u, clientDataJsonB64u, authenticatorDataB64u, signatureB64u, userHandleB64u);
    }

    /** RECOVERY for a password recovery's challenge (bound to its link), else ASSERTION (bound or not). */
    private static WebAuthnStore.Purpose assertionPurpose(boolean recovery) {
        return recovery ? WebAuthnStore.Purpose.RECOVERY : WebAuthnStore.Purpose.ASSERTION;
    }

    /** The stored form of a challenge: its SHA-256, or with a binding the SHA-256 of both (the binding is a hash itself). */
    private static String challengeHash(String challenge, String binding) {
        return binding == null ? Hashes.sha256(challenge) : Hashes.sha256(challenge + "." + binding);
    }

    private static void requireBinding(String binding) {
        if (binding == null || binding.isEmpty()) {
            throw new IllegalArgumentException("A bound challenge needs its binding");
        }
    }

    private Verified assertion(EventContext ctx, String userId, boolean recovery, String binding, String credentialIdB64u,
                               String clientDataJsonB64u, String authenticatorDataB64u, String signatureB64u, String userHandleB64u) {
        User u = users.get(userId);
        checkAttempt(u, recovery);
        required("credentialId", credentialIdB64u);
        required("clientData", clientDataJsonB64u);
        required("authenticatorData", authenticatorDataB64u);
        required("signatureData", signatureB64u);
        byte[] credentialId = decode(credentialIdB64u);
        byte[] clientData = decode(clientDataJsonB64u);
        byte[] authenticatorData = decode(authenticatorDataB64u);
        byte[] signature = decode(signatureB64u);
        byte[] userHandle = userHandleB64u == null || userHandleB64u.isEmpty() ? null : decode(userHandleB64u);
        boolean malformed = credentialId == null || clientData == null || authenticatorData == null || signature == null
                || (userHandleB64u != null && !userHandleB64u.isEmpty() && userHandle == null);
        CollectedClientData cd = malformed ? null : clientData(clientData);
        Instant now = clock.instant();
        Factor[] accepted = new Factor[1];
        List<String> amr = new ArrayList<>();
        Refusal refusal = db.tx(h -> {
            Refusal gate = gate(h, u, recovery);
            if (gate != null) {
                return gate;
            }
            Optional<WebAuthnStore.Challenge> challenge = cd == null || cd.getChallenge() == null ? Optional.empty()
                    : store.takeChallenge(h, u.id(), assertionPurpose(recovery), challengeHash(b64u(cd.getChallenge().getValue()), binding), now);
            Factor f = credentialId == null ? null : store.byCredential(h, u.id(), b64u(credentialId)).orElse(null);
            if (cd == null) {
                return fail(h, ctx, u, f, "Verify factor", Refusal.BAD, true);
            }
            if (challenge.isEmpty()) {
                return fail(h, ctx, u, f, "Verify factor", Refusal.CHALLENGE, false);
            }
            if (f == null || (challenge.get().factorId() != null && !challenge.get().factorId().equals(f.id()))) {
                return fail(h, ctx, u, f, "Verify factor", Refusal.BAD, true);   // not this user's credential, or not the factor challenged
            }
            if (userHandle != null && !b64u(userHandle).equals(userHandle(u.id()))) {
                return fail(h, ctx, u, f, "Verify factor", Refusal.BAD, true);
            }
            Factor.Credential c = f.credential();
            boolean uvRequired = challenge.get().userVerification() == Authenticator.UserVerification.REQUIRED;
            AuthenticationData data;
            try {
                COSEKey key = converter.getCborConverter().readValue(decode(c.publicKey()), COSEKey.class);
                CredentialRecordImpl record = new CredentialRecordImpl(new NoneAttestationStatement(), c.userVerified(), c.backupEligible(),
                        c.backupState(), c.signCount(), new AttestedCredentialData(new AAGUID(c.aaguid()), credentialId, key), null, null, null, null);
                data = manager.verify(new AuthenticationRequest(credentialId, userHandle, authenticatorData, clientData, null, signature),
                        new AuthenticationParameters(new ServerProperty(origin, rpId, new DefaultChallenge(cd.getChallenge().getValue())),
                                record, List.of(credentialId), uvRequired, true));
            } catch (UserNotVerifiedException e) {
                return fail(h, ctx, u, f, "Verify factor: user verification required", Refusal.UV_MISSING, false);
            } catch (RuntimeException e) {   // wrong signature, origin, RP id, type, counter; malformed data
                return fail(h, ctx, u, f, "Verify factor", Refusal.BAD, true);
            }
            AuthenticatorData<?> ad = data.getAuthenticatorData();
            long count = ad.getSignCount();
            if ((count != 0 || c.signCount() != 0) && count <= c.signCount()) {
                return fail(h, ctx, u, f, "Verify factor: signature counter did not grow", Refusal.BAD, true);
            }
            if (!store.accept(h, f.id(), c.signCount(), count, ad.isFlagBS(), now)) {
                return fail(h, ctx, u, f, "Verify factor", Refusal.CHALLENGE, false);
            }
            users.factorAccepted(h, u.id());
            log.record(h, ctx, SystemLog.Entry.success(Factors.AUTH_VIA_MFA, "Authentication of user via MFA", Factors.userTarget(u),
                    Factors.factorTarget(f)));
            amr.addAll(amr(c.backupEligible() || ad.isFlagBE(), ad.isFlagUV()));
            accepted[0] = f;
            return null;
        });
        throwIf(refusal, null);
        return new Verified(factors(u.id(), accepted[0].id()), List.copyOf(amr));
    }

    /** Why an attempt was refused; thrown after its transaction, so what was counted, logged and used up stays. */
    private enum Refusal { BAD, CHALLENGE, UV_REQUIRED, UV_MISSING, DUPLICATE, LOCKED, NOT_ACTIVE, GONE }

    /** Under the user's row lock: the user's status now (a burst of attempts runs one after another). */
    private Refusal gate(org.jdbi.v3.core.Handle h, User u) {
        return gate(h, u, false);
    }

    /** As {@link #gate(org.jdbi.v3.core.Handle, User)}; for a recovery, the statuses a reset link works for pass too. */
    private Refusal gate(org.jdbi.v3.core.Handle h, User u, boolean recovery) {
        Optional<User.Status> status = users.lockForFactorAttempt(h, u.id());
        if (status.isEmpty()) {
            return Refusal.GONE;
        }
        if (status.get() == User.Status.LOCKED_OUT) {
            return Refusal.LOCKED;
        }
        return allowed(status.get(), recovery) ? null : Refusal.NOT_ACTIVE;
    }

    /** ACTIVE; for a recovery also PASSWORD_EXPIRED and RECOVERY (PasswordRecovery#RECOVERABLE, which excludes LOCKED_OUT). */
    private static boolean allowed(User.Status status, boolean recovery) {
        return status == User.Status.ACTIVE || recovery && dev.gatehouse.directory.PasswordRecovery.RECOVERABLE.contains(status);
    }

    private Refusal fail(org.jdbi.v3.core.Handle h, EventContext ctx, User u, Factor f, String what, Refusal refusal, boolean counts) {
        String reason = switch (refusal) {
            case CHALLENGE -> "CHALLENGE_USED_OR_EXPIRED";
            case UV_REQUIRED, UV_MISSING -> "USER_VERIFICATION_REQUIRED";
            case DUPLICATE -> "CREDENTIAL_ALREADY_REGISTERED";
            default -> "INVALID_CREDENTIALS";
        };
        SystemLog.Entry entry = f == null
                ? SystemLog.Entry.failure(Factors.AUTH_VIA_MFA, what + ": refused", reason, Factors.userTarget(u))
                : SystemLog.Entry.failure(Factors.AUTH_VIA_MFA, what + ": refused", reason, Factors.userTarget(u), Factors.factorTarget(f));
        log.record(h, ctx, entry.withProblem(Factors.mfaFailed(u, what, reason)));
        if (counts) {
            users.recordFailedFactor(h, ctx, u);
        }
        return refusal;
    }

    private static void throwIf(Refusal refusal, String factorId) {
        if (refusal == null) {
            return;
        }
        throw switch (refusal) {
            case BAD -> new ApiError(ErrorCode.E0000068, ErrorCode.E0000068.summary(null), List.of(new ApiError.Cause(null, Factors.WRONG_CODE)));
            case CHALLENGE -> new ApiError(ErrorCode.E0000068, ErrorCode.E0000068.summary(null), List.of(new ApiError.Cause(null,
                    "The challenge is unknown, already used or expired: ask for a new one.")));
            case UV_REQUIRED -> ApiError.of(ErrorCode.E0000158);
            case UV_MISSING -> new ApiError(ErrorCode.E0000068, ErrorCode.E0000068.summary(null), List.of(new ApiError.Cause(null,
                    "User verification (a PIN or biometric on the authenticator) is required.")));
            case DUPLICATE -> new ApiError(ErrorCode.E0000068, ErrorCode.E0000068.summary(null), List.of(new ApiError.Cause(null,
                    "This credential is already registered.")));
            case LOCKED -> ApiError.of(ErrorCode.E0000069);
            case NOT_ACTIVE -> ApiError.of(ErrorCode.E0000038);
            case GONE -> ApiError.notFound(factorId == null ? "credential" : factorId, "UserFactor");
        };
    }

    /** Before anything is looked at: the rate limit, the lockout, the user's status, the authenticator. */
    private void checkAttempt(User u) {
        checkAttempt(u, false);
    }

    private void checkAttempt(User u, boolean recovery) {
        limits.take(RateLimitFamily.FACTOR_PER_USER, u.id()).filter(d -> !d.allowed()).ifPresent(d -> {
            throw ApiError.of(ErrorCode.E0000047);
        });
        if (u.status() == User.Status.LOCKED_OUT) {
            throw ApiError.of(ErrorCode.E0000069);
        }
        if (!allowed(u.status(), recovery)) {
            throw ApiError.of(ErrorCode.E0000038);
        }
        activeAuthenticator(false);
    }

    /** The webauthn authenticator, refused (400 E0000001) while INACTIVE. */
    private Authenticator activeAuthenticator(boolean enrolling) {
        Authenticator a = authenticators.byKey(Authenticator.WEBAUTHN);
        if (!a.active()) {
            throw new ApiError(ErrorCode.E0000001, ErrorCode.E0000001.summary(enrolling ? Factors.ENROLL_REQUEST : "factor"),
                    List.of(new ApiError.Cause(null, "The Security Key or Biometric (webauthn) authenticator is inactive: an administrator "
                            + "must activate it (Security › Authenticators) before its factors can be enrolled, activated or verified.")));
        }
        return a.userVerification() == null ? new Authenticator(a.id(), a.key(), a.type(), a.name(), a.status(), a.created(),
                a.lastUpdated(), Authenticator.UserVerification.PREFERRED) : a;
    }

    private Factor factors(String userId, String factorId) {
        return db.read(h -> factors.find(h, userId, factorId)).orElseThrow(() -> ApiError.notFound(factorId, "UserFactor"));
    }

    private CollectedClientData clientData(byte[] bytes) {
        try {
            CollectedClientData cd = new CollectedClientDataConverter(converter).convert(bytes);
            return cd == null || cd.getType() == null ? null : cd;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The user handle authenticators keep: the user id read as base64url, written back as the same text. */
    static String userHandle(String userId) {
        return b64u(Base64.getUrlDecoder().decode(userId));
    }

    private static String displayName(User u) {
        String name = u.profile().name();
        return name == null || name.isBlank() ? u.profile().login() : name;
    }

    private static void required(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw ApiError.validation(field, "The field is required.");
        }
    }

    /** base64 or base64url, padded or not; null when it is neither (or absurdly long). */
    static byte[] decode(String s) {
        if (s == null || s.length() > 100_000) {
            return null;
        }
        try {
            return Base64.getUrlDecoder().decode(s.strip().replace('+', '-').replace('/', '_').replace("=", ""));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String b64u(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** A PublicKeyCredentialDescriptor: type, id and, when the browser reported them, transports. */
    private static Map<String, Object> descriptor(Factor.Credential c) {
        Map<String, Object> d = ordered("type", "public-key", "id", c.credentialId());
        if (!c.transports().isEmpty()) {
            d.put("transports", c.transports());
        }
        return d;
    }

    private List<Factor.Credential> activeCredentials(org.jdbi.v3.core.Handle h, String userId) {
        return factors.ofUser(h, userId).stream().filter(f -> f.webAuthn() && f.active()).map(Factor::credential).toList();
    }

    /** A JSON object in the order given (key, value, key, value …). */
    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
