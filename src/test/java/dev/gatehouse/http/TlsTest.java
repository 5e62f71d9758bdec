package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.config.ConfigException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {
    @TempDir Path dataDir;

    @Test
    void generatesOnceThenReuses() throws Exception {
        Tls.DevCertificate first = Tls.developmentCertificate(dataDir, "id.example.test");
        Path crt = dataDir.resolve("tls/localhost.crt");
        Path key = dataDir.resolve("tls/localhost.key");

        assertThat(first.generated()).isTrue();
        assertThat(crt).isRegularFile();
        assertThat(key).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(first.material().certificatePath()).isEqualTo(crt);
        byte[] crtBytes = Files.readAllBytes(crt);

        Tls.DevCertificate second = Tls.developmentCertificate(dataDir, "id.example.test");
        assertThat(second.generated()).isFalse();
        assertThat(Files.readAllBytes(crt)).isEqualTo(crtBytes);
        assertThat(second.material().keyStore().getCertificate("gatehouse"))
                .isEqualTo(first.material().keyStore().getCertificate("gatehouse"));
    }

    @Test
    void keyStoreHoldsKeyAndCertificateWithSans() throws Exception {
        Tls.Material material = Tls.developmentCertificate(dataDir, "[2001:db8::7]").material();
        KeyStore store = material.keyStore();

        assertThat(store.getKey("gatehouse", material.password())).isInstanceOf(PrivateKey.class);
        X509Certificate cert = (X509Certificate) store.getCertificate("gatehouse");
        List<Object> sans = cert.getSubjectAlternativeNames().stream().<Object>map(san -> san.get(1)).toList();
        assertThat(sans).contains("localhost", "127.0.0.1", "2001:db8:0:0:0:0:0:7");
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
        assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
        cert.verify(cert.getPublicKey()); // self-signed
    }

    @Test
    void loadsTheGeneratedFiles() throws Exception {
        Tls.developmentCertificate(dataDir, "localhost");
        Path crt = dataDir.resolve("tls/localhost.crt");

        Tls.Material material = Tls.load(crt, dataDir.resolve("tls/localhost.key"));

        assertThat(material.certificatePath()).isEqualTo(crt);
        assertThat(material.keyStore().isKeyEntry("gatehouse")).isTrue();
        assertThat(material.keyStore().getCertificate("gatehouse")).isEqualTo(readCertificate(crt));
    }

    @Test
    void missingFileIsReported() {
        Path missing = dataDir.resolve("nope.crt");
        assertThatThrownBy(() -> Tls.load(missing, dataDir.resolve("nope.key")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Cannot read GATEHOUSE_TLS_CERT " + missing + ": no such file");
    }

    @Test
    void nonPemFileIsReported() throws Exception {
        Tls.developmentCertificate(dataDir, null);
        Path garbage = Files.write(dataDir.resolve("garbage.crt"), new byte[] {0x30, (byte) 0x82, 0x01, (byte) 0xff, 0x00});
        assertThatThrownBy(() -> Tls.load(garbage, dataDir.resolve("tls/localhost.key")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("GATEHOUSE_TLS_CERT")
                .hasMessageContaining("no PEM CERTIFICATE");
        // A key file without a key (here: the certificate) is named as well.
        Path crt = dataDir.resolve("tls/localhost.crt");
        assertThatThrownBy(() -> Tls.load(crt, crt))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("GATEHOUSE_TLS_KEY")
                .hasMessageContaining("no unencrypted PEM private key");
    }

    @Test
    void keyOfAnotherCertificateIsRejected(@TempDir Path otherDir) {
        Tls.developmentCertificate(dataDir, null);
        Tls.developmentCertificate(otherDir, null);
        assertThatThrownBy(() -> Tls.load(dataDir.resolve("tls/localhost.crt"), otherDir.resolve("tls/localhost.key")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("does not match the first certificate");
    }

    @Test
    void jdkClientTrustingOnlyTheCrtCompletesAHandshakeWithHostnameCheck() throws Exception {
        Tls.Material material = Tls.developmentCertificate(dataDir, null).material();

        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(material.keyStore(), material.password());
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("dev", readCertificate(dataDir.resolve("tls/localhost.crt")));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);

        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    int b = s.getInputStream().read();
                    s.getOutputStream().write(b + 1);
                    s.getOutputStream().flush();
                    return b;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            // TCP to 127.0.0.1 whatever "localhost" resolves to here; TLS (SNI, hostname check) for "localhost".
            Socket tcp = new Socket(listener.getInetAddress(), listener.getLocalPort());
            try (SSLSocket socket = (SSLSocket) client.getSocketFactory()
                    .createSocket(tcp, "localhost", listener.getLocalPort(), true)) {
                SSLParameters params = socket.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(params);
                socket.setSoTimeout(10_000);
                socket.startHandshake();
                OutputStream out = socket.getOutputStream();
                out.write(41);
                out.flush();
                InputStream in = socket.getInputStream();
                assertThat(in.read()).isEqualTo(42);
                assertThat(socket.getSession().getPeerCertificates()[0])
                        .isEqualTo(material.keyStore().getCertificate("gatehouse"));
            }
            assertThat(served.get(10, TimeUnit.SECONDS)).isEqualTo(41);
        }
    }

    @Test
    void loadsPkcs1RsaKey() throws Exception {
        Tls.developmentCertificate(dataDir, null);
        String pkcs8 = Files.readString(dataDir.resolve("tls/localhost.key"));
        byte[] der = Base64.getMimeDecoder().decode(pkcs8.replaceAll("-----[A-Z ]+-----", ""));
        byte[] pkcs1 = PrivateKeyInfo.getInstance(der).parsePrivateKey().toASN1Primitive().getEncoded();
        Path rsaKey = Files.writeString(dataDir.resolve("rsa.key"), "-----BEGIN RSA PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(pkcs1) + "\n-----END RSA PRIVATE KEY-----\n");

        Tls.Material material = Tls.load(dataDir.resolve("tls/localhost.crt"), rsaKey);

        assertThat(material.keyStore().getKey("gatehouse", material.password()).getAlgorithm()).isEqualTo("RSA");
    }

    @Test
    void loadsSec1EcKeyAsWrittenByOpenssl() throws Exception {
        // openssl ecparam -name prime256v1 -genkey; openssl req -x509 -new -subj /CN=ec.test -days 36500
        Path key = Files.writeString(dataDir.resolve("ec.key"), EC_KEY);
        Path crt = Files.writeString(dataDir.resolve("ec.crt"), EC_CRT);

        Tls.Material material = Tls.load(crt, key);

        assertThat(material.keyStore().getKey("gatehouse", material.password()).getAlgorithm()).isEqualTo("EC");
        Tls.developmentCertificate(dataDir, null);
        assertThatThrownBy(() -> Tls.load(crt, dataDir.resolve("tls/localhost.key")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("does not match the first certificate");
    }

    private static final String EC_KEY = """
            -----BEGIN EC PARAMETERS-----
            BggqhkjOPQMBBw==
            -----END EC PARAMETERS-----
            -----BEGIN EC PRIVATE KEY-----
            MHcCAQEEIM7Kw2Za01ZvCjnVOUvRuqLbiQZuY5rU7L9KrxIc8dURoAoGCCqGSM49
            AwEHoUQDQgAExKkw7vsXTWnM+BqfnWimiRgzWDF1h3Gqvd0/TGdVurDxtx8H6vM4
            4f5fuykidNebpG3k2xDBPUz7I5af74SNiw==
            -----END EC PRIVATE KEY-----
            """;

    private static final String EC_CRT = """
            -----BEGIN CERTIFICATE-----
            MIIBfDCCASGgAwIBAgIUS4ncvy/7snGzWuRVb5OoJ3XsFuYwCgYIKoZIzj0EAwIw
            EjEQMA4GA1UEAwwHZWMudGVzdDAgFw0yNjExMjgxMTQ2MTFaGA8yMTI2MTEwNDEx
            NDYxMVowEjEQMA4GA1UEAwwHZWMudGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEH
            A0IABMSpMO77F01pzPgan51opokYM1gxdYdxqr3dP0xnVbqw8bcfB+rzOOH+X7sp
            InTXm6Rt5NsQwT1M+yOWn++EjYujUzBRMB0GA1UdDgQWBBRlKneM9ApfQ6AO7J48
            dVkgiJ6hEDAfBgNVHSMEGDAWgBRlKneM9ApfQ6AO7J48dVkgiJ6hEDAPBgNVHRMB
            Af8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQCfNAZ8pm+7SdxA+eyIiWIReGlx
            3DWkr6zsVV+5PwMrkQIhAJzRt4ZKcbyLlRvDbZftenDfurGftdFBGCcYngHShW0G
            -----END CERTIFICATE-----
            """;

    private static X509Certificate readCertificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
