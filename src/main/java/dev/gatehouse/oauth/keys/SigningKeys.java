package dev.gatehouse.oauth.keys;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.oauth.keys.SigningKeyStore.RotationMode;
import dev.gatehouse.oauth.keys.SigningKeyStore.Schedule;
import dev.gatehouse.oauth.keys.SigningKeyStore.StoredKey;
import dev.gatehouse.storage.Database;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The RSA signing keys of every authorization server: which one signs, what the JWKS publishes, and rotation.
 *
 * <p>Each server has an ACTIVE key and a NEXT key at all times, both published; retired (EXPIRED) keys stay
 * published for {@link KeyRotationSettings#retiredKeyPublication} so tokens they signed still verify, then are
 * deleted. A rotation makes NEXT active, retires the old one and makes a new NEXT, so the key that starts signing
 * was always published first. A server's first keys are made off the request path, on the platform thread of
 * {@link KeyMaker}: right after the transaction that creates the server commits, and at start for any server still without
 * them (2048-bit RSA takes a quarter second or more of CPU each; made inside the first token request they held it
 * for ~2 s on a loaded machine). A request that needs keys still being made waits for them; if none are underway it
 * makes them itself, as before. Making them is race-free across nodes (unique key per generation) and so is
 * rotating (one conditional update of the schedule). Private keys are stored only sealed by {@link KeyEncryption}.
 *
 * <p>Its parts: {@link KeyMaker} makes keys (and the first ones in the background), {@link JwkCodec} turns them into
 * rows and back, {@link SignerCache} keeps each server's active signer; this class decides which key is which.
 */
public final class SigningKeys implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
    private static final String ROLLOVER = "app.oauth2.as.key.rollover";

    /** The JWKS of a server and how long a client may cache it. */
    public record PublishedKeys(JWKSet jwks, Duration cacheFor) {
    }

    /** Okta's {@code credentials.signing}: rotation mode, last and next rotation, and the active {@code kid}. */
    public record Signing(RotationMode rotationMode, Instant lastRotated, Instant nextRotation, String kid) {
    }

    /** One server's schedule and keys, read together. */
    private record State(Schedule schedule, List<StoredKey> keys) {
        Optional<StoredKey> generation(int g) {
            return keys.stream().filter(k -> k.generation() == g).findFirst();
        }

        StoredKey active() {
            return generation(schedule.activeGeneration()).orElseThrow();
        }

        StoredKey next() {
            return generation(schedule.activeGeneration() + 1).orElseThrow();
        }

        boolean complete() {
            return generation(schedule.activeGeneration()).isPresent() && generation(schedule.activeGeneration() + 1).isPresent();
        }

        SigningKey.Status status(StoredKey k) {
            int g = schedule.activeGeneration();
            return k.generation() == g ? SigningKey.Status.ACTIVE : k.generation() > g ? SigningKey.Status.NEXT : SigningKey.Status.EXPIRED;
        }

        /** ACTIVE, NEXT, then retired keys still inside their publication window, newest first. */
        List<StoredKey> published(Instant notRetiredBefore) {
            List<StoredKey> out = new ArrayList<>();
            out.add(active());
            out.add(next());
            keys.stream().filter(k -> k.generation() < schedule.activeGeneration() && k.retired() != null
                    && !k.retired().isBefore(notRetiredBefore)).forEach(out::add);
            return out;
        }
    }

    private final Database db;
    private final SigningKeyStore store;
    private final KeyEncryption encryption;
    private final SystemLog log;
    private final Clock clock;
    private final KeyRotationSettings settings;
    private final SignerCache signers;
    private final KeyMaker keyMaker;

    public SigningKeys(Database db, SigningKeyStore store, KeyEncryption encryption, SystemLog log, Clock clock, SecureRandom random,
                       KeyRotationSettings settings) {
        CryptoProvider.signing();   // chooses the signing provider now, so the start-up log says which one signs
        this.db = db;
        this.store = store;
        this.encryption = encryption;
        this.log = log;
        this.clock = clock;
        this.settings = settings;
        JwkCodec codec = new JwkCodec(encryption);
        this.signers = new SignerCache(clock, settings.signerCache(), codec);
        this.keyMaker = new KeyMaker(codec, random);
    }

    public KeyRotationSettings settings() {
        return settings;
    }

    /**
     * Adds the key schedule of a new authorization server, in its creating transaction (AUTO rotation, no keys yet);
     * its keys are made in the background once that transaction commits.
     */
    public void schedule(Handle h, String authorizationServerId) {
        store.insertSchedule(h, authorizationServerId);
        h.afterCommit(() -> makeKeysSoon(authorizationServerId));
    }

    /** At start: makes, in the background, the keys of every server that has not got both yet (created before, or interrupted). */
    public void makeMissingKeysSoon() {
        db.read(store::withoutKeys).forEach(this::makeKeysSoon);
    }

    private void makeKeysSoon(String authorizationServerId) {
        keyMaker.soon(authorizationServerId, this::complete);
    }

    /** Waits until the keys being made in the background are made (tests that move the clock need them made first). */
    void awaitKeysMadeInAdvance() {
        keyMaker.awaitAll();
    }

    /** Stops the background key making (keys not made yet are made by the first request that needs them). */
    @Override
    public void close() {
        keyMaker.close();
    }

    /** Switches automatic rotation on or off; the active key stays as it is (as in Okta). */
    public void setRotationMode(Handle h, String authorizationServerId, RotationMode mode) {
        store.setRotationMode(h, authorizationServerId, mode);
    }

    /** Fails the start when stored keys were sealed with another key-encryption key than this node's. */
    public void checkKeyEncryption() {
        List<String> others = db.read(store::kekIds).stream().filter(id -> !id.equals(encryption.kekId())).toList();
        if (!others.isEmpty()) {
            throw new ConfigException("The signing keys in the database were encrypted with another key-encryption key (" + others
                    + ") than this node's (" + encryption.kekId() + ", from " + encryption.source() + "). Set GATEHOUSE_KEY_ENCRYPTION_KEY "
                    + "to the value the other nodes use, or restore the original " + KeyEncryption.KEK_FILE + ".");
        }
    }

    /**
     * The signer of the server's active key, for the token endpoint. Cached per node for
     * {@link KeyRotationSettings#signerCache}; a rotation on this node takes effect at once.
     *
     * @throws IllegalArgumentException when there is no such authorization server
     */
    public TokenSigner activeSigner(String authorizationServerId) {
        return signers.signer(authorizationServerId, () -> state(authorizationServerId).active());
    }

    /** The public keys a verifier needs: active, next and recently retired (nothing private). */
    public JWKSet jwks(String authorizationServerId) {
        return published(authorizationServerId).jwks();
    }

    /**
     * The JWKS with its cache lifetime: at most {@link KeyRotationSettings#maxJwksCacheAge}, and never past the next
     * automatic rotation minus {@link KeyRotationSettings#cacheMargin}, so no cache outlives a key set change it could miss.
     */
    public PublishedKeys published(String authorizationServerId) {
        State s = state(authorizationServerId);
        Instant now = clock.instant();
        List<JWK> keys = s.published(now.minus(settings.retiredKeyPublication())).stream().<JWK>map(JwkCodec::publicJwk).toList();
        Duration cacheFor = settings.maxJwksCacheAge();
        if (s.schedule().mode() == RotationMode.AUTO && s.schedule().nextRotation() != null) {
            Duration untilRotation = Duration.between(now, s.schedule().nextRotation()).minus(settings.cacheMargin());
            cacheFor = untilRotation.compareTo(cacheFor) < 0 ? untilRotation : cacheFor;
        }
        return new PublishedKeys(new JWKSet(keys), cacheFor.isNegative() ? Duration.ZERO : cacheFor.truncatedTo(ChronoUnit.SECONDS));
    }

    /** The published keys with their status, ACTIVE first (Okta's {@code /credentials/keys}). */
    public List<SigningKey> keys(String authorizationServerId) {
        State s = state(authorizationServerId);
        return s.published(clock.instant().minus(settings.retiredKeyPublication())).stream()
                .map(k -> new SigningKey(k.kid(), k.authorizationServerId(), k.generation(), s.status(k), JwkCodec.publicJwk(k),
                        k.created(), k.activated(), k.retired()))
                .toList();
    }

    /** Okta's {@code credentials.signing} of a server (its keys are made if it has none yet). */
    public Signing signing(String authorizationServerId) {
        State s = state(authorizationServerId);
        Schedule sc = s.schedule();
        return new Signing(sc.mode(), sc.lastRotated(), sc.mode() == RotationMode.AUTO ? sc.nextRotation() : null, s.active().kid());
    }

    /**
     * Rotates now: NEXT becomes ACTIVE (it was published since the previous rotation), ACTIVE retires, a new NEXT is
     * made. When another node rotates at the same moment, one rotation happens, not two. Returns the keys after it.
     */
    public List<SigningKey> rotate(EventContext ctx, Target authorizationServer) {
        String id = authorizationServer.id();
        State s = state(id);
        rotateFrom(s, ctx, authorizationServer, "manual");
        return keys(id);
    }

    /**
     * The scheduled check each node runs: rotates every AUTO server whose rotation is due, provided its next key has
     * been published for {@link KeyRotationSettings#prePublication} (else the rotation waits until it has), and
     * deletes retired keys past their publication window. Returns how many servers rotated here.
     */
    public int rotateDue() {
        Instant now = clock.instant();
        int rotated = 0;
        for (SigningKeyStore.Due due : db.read(h -> store.due(h, now))) {
            try {
                State s = state(due.authorizationServerId());
                if (s.schedule().activeGeneration() != due.activeGeneration()) {
                    continue;   // rotated meanwhile
                }
                Instant publishedLongEnough = s.next().created().plus(settings.prePublication());
                if (publishedLongEnough.isAfter(now)) {
                    db.inTx(h -> {
                        store.postpone(h, due.authorizationServerId(), due.activeGeneration(), publishedLongEnough);
                    });
                    continue;
                }
                Target target = new Target(due.authorizationServerId(), "AuthorizationServer", due.name(), due.name());
                if (rotateFrom(s, EventContext.system("key-rotation"), target, "scheduled")) {
                    rotated++;
                }
            } catch (RuntimeException e) {
                LOG.error("Automatic key rotation of authorization server {} failed; the next check tries again", due.authorizationServerId(), e);
            }
        }
        db.tx(h -> store.purgeRetired(h, now.minus(settings.retiredKeyPublication())));
        return rotated;
    }

    private boolean rotateFrom(State s, EventContext ctx, Target target, String trigger) {
        String id = s.schedule().authorizationServerId();
        int seen = s.schedule().activeGeneration();
        String newActive = s.next().kid();
        StoredKey newNext = keyMaker.make(id, seen + 2, clock.instant(), false);
        boolean done;
        try {
            done = db.tx(h -> {
                Instant now = clock.instant();
                if (!store.rotate(h, id, seen, now, now.plus(settings.period()))) {
                    return false;
                }
                store.insertKey(h, newNext);
                log.record(h, ctx, SystemLog.Entry.success(ROLLOVER, "Rotate authorization server signing key", target)
                        .withDebug(Map.of("trigger", trigger, "activeKid", newActive, "retiredKid", s.active().kid(), "nextKid", newNext.kid())));
                return true;
            });
        } catch (RuntimeException e) {
            if (!Database.isUniqueViolation(e)) {
                throw e;
            }
            done = false;   // another node rotated and made the next key first
        }
        signers.forget(id);
        return done;
    }

    /**
     * Reads a server's schedule and keys, making the ACTIVE and NEXT keys first if it has not got them: it waits
     * for the background making them when that is underway (the waiting virtual thread costs nothing), else makes them.
     */
    private State state(String authorizationServerId) {
        State s = db.read(h -> read(h, authorizationServerId));
        if (s.complete()) {
            return s;
        }
        keyMaker.awaitUnderway(authorizationServerId);
        return complete(authorizationServerId);
    }

    /** Reads a server's state, making its missing ACTIVE and NEXT keys (on the calling thread). */
    private State complete(String authorizationServerId) {
        for (int attempt = 0; attempt < 3; attempt++) {
            State s = db.read(h -> read(h, authorizationServerId));
            if (s.complete()) {
                return s;
            }
            makeMissingKeys(s);
        }
        State s = db.read(h -> read(h, authorizationServerId));
        if (!s.complete()) {
            throw new IllegalStateException("The signing keys of authorization server " + authorizationServerId + " could not be made.");
        }
        return s;
    }

    private State read(Handle h, String authorizationServerId) {
        Schedule schedule = store.schedule(h, authorizationServerId)
                .orElseThrow(() -> new IllegalArgumentException("There is no authorization server " + authorizationServerId + "."));
        return new State(schedule, store.keys(h, authorizationServerId));
    }

    private void makeMissingKeys(State s) {
        String id = s.schedule().authorizationServerId();
        int active = s.schedule().activeGeneration();
        Instant now = clock.instant();
        // Generated outside the transaction (and in parallel): RSA key generation is slow; losing a race just wastes it.
        List<StoredKey> made = List.of(active, active + 1).parallelStream()
                .filter(g -> s.generation(g).isEmpty())
                .map(g -> keyMaker.make(id, g, now, g == active))
                .toList();
        try {
            db.inTx(h -> {
                Schedule current = store.schedule(h, id).orElseThrow();
                if (current.activeGeneration() != active) {
                    return;   // rotated meanwhile: read again
                }
                made.forEach(k -> store.insertKey(h, k));
                store.startClock(h, id, now, now.plus(settings.period()));
            });
        } catch (RuntimeException e) {
            if (!Database.isUniqueViolation(e)) {
                throw e;
            }
            // another node made them first: read again
        }
    }
}
