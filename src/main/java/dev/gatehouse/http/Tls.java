package dev.gatehouse.http;

import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.DataDirectory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * TLS material for the HTTPS connector: loads an operator's PEM certificate and key, or creates a
 * self-signed development certificate. Bouncy Castle is used only for its PEM parser and certificate
 * builder; all cryptography runs on the JDK's own providers, so no JCA provider is ever registered.
 */
public final class Tls {
    /** A loaded key pair + chain ready for Jetty. */
    public record Material(KeyStore keyStore, char[] password, Path certificatePath) {}

    /** The development certificate; {@code generated} tells whether it was created by this call. */
    public record DevCertificate(Material material, boolean generated) {}

    public static final String ALIAS = "gatehouse";
    private static final Duration VALIDITY = Duration.ofDays(825);

    private Tls() {}

    /** Reads a PEM chain and a PEM private key, checks they match, and returns a PKCS12 KeyStore. */
    public static Material load(Path certPem, Path keyPem) {
        List<X509Certificate> chain = new ArrayList<>();
        for (Object o : readPem("GATEHOUSE_TLS_CERT", certPem)) {
            if (o instanceof X509CertificateHolder holder) chain.add(toJdk(holder, certPem));
        }
        if (chain.isEmpty()) {
            throw new ConfigException("GATEHOUSE_TLS_CERT " + certPem + " contains no PEM CERTIFICATE block.");
        }
        PrivateKeyInfo keyInfo = null;
        for (Object o : readPem("GATEHOUSE_TLS_KEY", keyPem)) {
            if (o instanceof PrivateKeyInfo info) keyInfo = info;             // PKCS#8 "PRIVATE KEY"
            else if (o instanceof PEMKeyPair pair) keyInfo = pair.getPrivateKeyInfo(); // PKCS#1 / SEC1
            if (keyInfo != null) break;
        }
        if (keyInfo == null) {
            throw new ConfigException("GATEHOUSE_TLS_KEY " + keyPem
                    + " contains no unencrypted PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY).");
        }
        X509Certificate leaf = chain.get(0);
        PrivateKey key = toJdk(keyInfo, leaf, certPem, keyPem);
        char[] password = randomPassword();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, password, chain.toArray(X509Certificate[]::new));
            return new Material(store, password, certPem);
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("Cannot build a key store from " + certPem + " and " + keyPem + ": " + e.getMessage());
        }
    }

    /** Returns dataDir/tls/localhost.{crt,key}, generating a self-signed pair first if absent. */
    public static DevCertificate developmentCertificate(Path dataDir, String baseHost) {
        Path dir = dataDir.resolve("tls");
        Path cert = dir.resolve("localhost.crt");
        Path key = dir.resolve("localhost.key");
        if (Files.isRegularFile(cert) && Files.isRegularFile(key)) {
            DataDirectory.requirePrivateKey(key, "the generated TLS private key");
            return new DevCertificate(load(cert, key), false);
        }
        try {
            DataDirectory.ensure(dataDir);
            DataDirectory.ensure(dir);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            writeAtomically(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), "rw-------"); // key first
            writeAtomically(cert, pem("CERTIFICATE", selfSigned(pair, baseHost)), "rw-------"); // public, but the data dir is private
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new ConfigException("Cannot create the development TLS certificate in " + dir + ": " + e.getMessage());
        }
        return new DevCertificate(load(cert, key), true);
    }

    private static byte[] selfSigned(KeyPair pair, String baseHost) throws GeneralSecurityException, IOException,
            OperatorCreationException {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        if (baseHost != null && !baseHost.isBlank()) {
            String host = baseHost.strip().toLowerCase(Locale.ROOT);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1); // URI IPv6
            names.add(host);
        }
        List<GeneralName> sans = new ArrayList<>();
        for (String name : names) {
            sans.add(IPAddress.isValid(name) ? new GeneralName(GeneralName.iPAddress, name)
                    : new GeneralName(GeneralName.dNSName, name));
        }
        X500Name subject = new X500Name("CN=localhost");
        Instant notBefore = Instant.now().minus(Duration.ofHours(1)); // tolerate clock skew; total stays 825 days
        var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()).setBit(63),
                Date.from(notBefore), Date.from(notBefore.plus(VALIDITY)), subject, pair.getPublic());
        var ext = new JcaX509ExtensionUtils();
        // CA:true lets OpenSSL (curl --cacert) accept this self-signed leaf as its own trust anchor.
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyCertSign))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
                .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(pair.getPublic()));
        // The signer's default helper uses the JDK's SunRsaSign provider: no Bouncy Castle provider needed.
        return builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())).getEncoded();
    }

    private static List<Object> readPem(String setting, Path file) {
        String text;
        try {
            // Latin-1 never fails to decode, so a binary file is reported as "not PEM", not as a charset error.
            text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            String reason = e instanceof NoSuchFileException ? "no such file"
                    : e instanceof AccessDeniedException ? "permission denied" : e.toString();
            throw new ConfigException("Cannot read " + setting + " " + file + ": " + reason);
        }
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) objects.add(o);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(setting + " " + file + " is not valid PEM: " + e.getMessage());
        }
        return objects;
    }

    private static X509Certificate toJdk(X509CertificateHolder holder, Path file) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("GATEHOUSE_TLS_CERT " + file + " holds an unreadable certificate: " + e.getMessage());
        }
    }

    /** Decodes the key with the algorithm of the certificate and proves the pair by a test signature. */
    private static PrivateKey toJdk(PrivateKeyInfo info, X509Certificate leaf, Path certPem, Path keyPem) {
        String algorithm = leaf.getPublicKey().getAlgorithm();
        String mismatch = "GATEHOUSE_TLS_KEY " + keyPem + " does not match the first certificate in " + certPem;
        try {
            PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
            String sigAlg = switch (algorithm) {
                case "RSA" -> "SHA256withRSA";
                case "EC" -> "SHA256withECDSA";
                default -> algorithm; // Ed25519, Ed448
            };
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(sigAlg);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(sigAlg);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) throw new ConfigException(mismatch + ".");
            return key;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException(mismatch + " (" + e.getMessage() + ").");
        }
    }

    /** Writes via a temporary file (created 0600 on POSIX), sets the mode, then renames into place. */
    private static void writeAtomically(Path target, String content, String mode) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static char[] randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
