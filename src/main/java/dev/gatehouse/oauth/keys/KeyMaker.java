package dev.gatehouse.oauth.keys;

import dev.gatehouse.oauth.keys.SigningKeyStore.StoredKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Makes RSA signing keys: a 2048-bit pair, encoded by {@link JwkCodec}. It takes a quarter second or more of CPU each,
 * so a server's first keys are made off the request path, on this class's one platform thread (CPU-bound work must
 * not sit on a virtual thread's carrier; the thread ends when idle), and a request that needs them waits for them.
 */
final class KeyMaker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeyMaker.class);

    private final JwkCodec codec;
    private final SecureRandom random;
    /** First keys being made in the background, by authorization server id. */
    private final Map<String, CompletableFuture<Void>> making = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor thread;

    KeyMaker(JwkCodec codec, SecureRandom random) {
        this.codec = codec;
        this.random = random;
        this.thread = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "gatehouse-key-maker");
            t.setDaemon(true);
            return t;
        });
        this.thread.allowCoreThreadTimeOut(true);
    }

    /** A new key of the server, on the calling thread. */
    StoredKey make(String authorizationServerId, int generation, Instant now, boolean active) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, random);
            return codec.encode(authorizationServerId, generation, generator.generateKeyPair(), now, active);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate an RSA signing key", e);
        }
    }

    /** Runs {@code makeKeys} for the server on the key-making thread, unless it is underway already. */
    void soon(String authorizationServerId, Consumer<String> makeKeys) {
        making.computeIfAbsent(authorizationServerId, id -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            try {
                thread.execute(() -> {
                    try {
                        makeKeys.accept(id);
                    } catch (RuntimeException e) {
                        // A request that needs the keys makes them itself; this was only to spare it the wait.
                        LOG.warn("Could not make the signing keys of authorization server {} in advance: {}", id, e.toString());
                    } finally {
                        making.remove(id, f);
                        f.complete(null);
                    }
                });
            } catch (RejectedExecutionException e) {
                f.complete(null);   // closing: nothing made, nothing to wait for
                return null;
            }
            return f;
        });
    }

    /** Waits for the server's keys being made in the background, if they are (the waiting virtual thread costs nothing). */
    void awaitUnderway(String authorizationServerId) {
        CompletableFuture<Void> underway = making.get(authorizationServerId);
        if (underway != null) {
            underway.join();
        }
    }

    /** Waits until every key being made in the background is made. */
    void awaitAll() {
        making.values().forEach(CompletableFuture::join);
    }

    /** Stops the background key making (keys not made yet are made by the first request that needs them). */
    @Override
    public void close() {
        thread.shutdownNow();
        // Waits for a key being made to finish (RSA generation does not stop on interrupt): closing the database under it
        // made it fail to commit, and left files behind in a data directory being removed (seen on a loaded machine).
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
