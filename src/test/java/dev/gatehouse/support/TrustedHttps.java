package dev.gatehouse.support;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * A Gatehouse reachable over HTTPS under its base URL {@code https://localhost:<port>}, and a client side that trusts
 * the development certificate it generated, for the real third-party clients that insist on HTTPS (the Okta
 * management SDK, okta-jwt-verifier-java) or that a resource server would point at an HTTPS issuer.
 *
 * <p>Two ways to trust the certificate, because clients differ: {@link #useAsJvmTrustStore()} sets
 * {@code javax.net.ssl.trustStore} (what an operator does with {@code -Djavax.net.ssl.trustStore=…}; read by clients
 * that build a fresh default {@code SSLContext}, such as Apache HttpClient 5 and OkHttp), and {@link #sslContext()}
 * for a client that takes one. {@link #close()} restores the system properties and stops the server.
 */
public final class TrustedHttps implements AutoCloseable {

    public final TestServer server;
    /** {@code https://localhost:<httpsPort>}: the base URL, so the org URL and every issuer. */
    public final String origin;
    private final Path trustStore;
    private final Map<String, String> savedProperties = new HashMap<>();

    private TrustedHttps(TestServer server, String origin, Path trustStore) {
        this.server = server;
        this.origin = origin;
        this.trustStore = trustStore;
    }

    /** Starts a server on the database with an HTTPS listener as its base URL (the plain-HTTP one stays for test helpers). */
    public static TrustedHttps start(TestDatabase database, String... extraArgs) {
        int httpsPort = TestServer.freePort();
        String origin = "https://localhost:" + httpsPort;
        String[] args = new String[extraArgs.length + 4];
        args[0] = "--https-port";
        args[1] = Integer.toString(httpsPort);
        args[2] = "--base-url";
        args[3] = origin;
        System.arraycopy(extraArgs, 0, args, 4, extraArgs.length);
        TestServer server = TestServer.start(database, args);
        try {
            Path trustStore = server.dataDir.resolve("client-truststore.p12");
            try (var out = Files.newOutputStream(trustStore)) {
                keyStore(server.wiring().certificate.orElseThrow()).store(out, "changeit".toCharArray());
            }
            return new TrustedHttps(server, origin, trustStore);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            server.close();
            throw new IllegalStateException("could not trust the development certificate", e);
        }
    }

    /** Makes the JVM trust store the one holding only Gatehouse's certificate, until {@link #close()}. */
    public TrustedHttps useAsJvmTrustStore() {
        setProperty("javax.net.ssl.trustStore", trustStore.toString());
        setProperty("javax.net.ssl.trustStorePassword", "changeit");
        setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        return this;
    }

    /** A TLS context that trusts Gatehouse's certificate (and nothing else). */
    public SSLContext sslContext() {
        try (InputStream in = Files.newInputStream(trustStore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, "changeit".toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        savedProperties.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
        server.close();
    }

    private void setProperty(String key, String value) {
        savedProperties.putIfAbsent(key, System.getProperty(key));
        System.setProperty(key, value);
    }

    private static KeyStore keyStore(Path certificatePem) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(certificatePem)) {
            ks.setCertificateEntry("gatehouse", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        return ks;
    }
}
