package dev.gatehouse.oauth.keys;

import dev.gatehouse.Wiring;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The key-encryption key: where it comes from, and what happens when it does not fit. */
class KeyEncryptionTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] SECRET = "a private key".getBytes(StandardCharsets.UTF_8);

    @Test
    void withoutConfigurationAPrivateKeyFileIsMadeOnceAndReused(@TempDir Path dir) throws Exception {
        KeyEncryption first = KeyEncryption.load(Optional.empty(), dir, RANDOM);
        Path file = dir.resolve(KeyEncryption.KEK_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        KeyEncryption again = KeyEncryption.load(Optional.empty(), dir, RANDOM);
        assertThat(again.kekId()).isEqualTo(first.kekId());
        KeyEncryption.Sealed sealed = first.seal(SECRET, "default/kid1");
        assertThat(again.open(sealed, "default/kid1")).isEqualTo(SECRET);
        try (var files = Files.list(file.getParent())) {
            assertThat(files.toList()).as("no temporary file left behind").containsExactly(file);
        }
    }

    @Test
    void aConfiguredKeyIsUsedAndNoFileIsWritten(@TempDir Path dir) {
        byte[] kek = new byte[32];
        RANDOM.nextBytes(kek);
        String b64 = Base64.getEncoder().encodeToString(kek);
        KeyEncryption configured = KeyEncryption.load(Optional.of(b64), dir, RANDOM);
        assertThat(Files.exists(dir.resolve(KeyEncryption.KEK_FILE))).isFalse();
        KeyEncryption otherNode = KeyEncryption.load(Optional.of(b64), dir.resolve("elsewhere"), RANDOM);
        assertThat(otherNode.open(configured.seal(SECRET, "x/y"), "x/y")).isEqualTo(SECRET);
    }

    @Test
    void anotherNodesKeyTellsWhatToFix(@TempDir Path a, @TempDir Path b) {
        KeyEncryption.Sealed sealed = KeyEncryption.load(Optional.empty(), a, RANDOM).seal(SECRET, "default/kid");
        KeyEncryption other = KeyEncryption.load(Optional.empty(), b, RANDOM);
        assertThatThrownBy(() -> other.open(sealed, "default/kid"))
                .hasMessageContaining("GATEHOUSE_KEY_ENCRYPTION_KEY").hasMessageContaining(sealed.kekId());
    }

    @Test
    void aSealedKeyOpensOnlyForItsOwnServerAndKidAndUnaltered(@TempDir Path dir) {
        KeyEncryption kek = KeyEncryption.load(Optional.empty(), dir, RANDOM);
        KeyEncryption.Sealed sealed = kek.seal(SECRET, "default/kid");
        assertThatThrownBy(() -> kek.open(sealed, "other/kid")).isInstanceOf(IllegalStateException.class);
        byte[] raw = Base64.getDecoder().decode(sealed.ciphertext());
        raw[raw.length - 1] ^= 1;
        KeyEncryption.Sealed altered = new KeyEncryption.Sealed(sealed.kekId(), Base64.getEncoder().encodeToString(raw));
        assertThatThrownBy(() -> kek.open(altered, "default/kid")).isInstanceOf(IllegalStateException.class);
        assertThat(kek.seal(SECRET, "default/kid").ciphertext()).as("a fresh nonce each time").isNotEqualTo(sealed.ciphertext());
    }

    @Test
    void aNodeWithAnotherKeyRefusesToStartAndTheGeneratedKeyCanMoveToTheVariable(@TempDir Path dir) throws Exception {
        List<String> args = List.of("--port", "0", "--data-dir", dir.toString(), "--admin-password", "Long-enough-1");
        String kid;
        try (Wiring node = Wiring.start(ConfigLoader.load(args, Map.of()), Clock.systemUTC())) {
            kid = node.signingKeys.activeSigner("default").kid();
        }
        String other = Base64.getEncoder().encodeToString(new byte[32]);
        assertThatThrownBy(() -> Wiring.start(ConfigLoader.load(args, Map.of("GATEHOUSE_KEY_ENCRYPTION_KEY", other)), Clock.systemUTC()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GATEHOUSE_KEY_ENCRYPTION_KEY")
                .hasMessageContaining(KeyEncryption.KEK_FILE);
        String generated = Files.readString(dir.resolve(KeyEncryption.KEK_FILE)).strip();
        try (Wiring node = Wiring.start(ConfigLoader.load(args, Map.of("GATEHOUSE_KEY_ENCRYPTION_KEY", generated)), Clock.systemUTC())) {
            assertThat(node.signingKeys.activeSigner("default").kid()).isEqualTo(kid);
        }
    }

    @Test
    void aMalformedConfiguredKeyStopsTheStartWithOneClearLine() {
        for (String bad : List.of("not-base64!", Base64.getEncoder().encodeToString(new byte[16]))) {
            assertThatThrownBy(() -> ConfigLoader.load(List.of("--key-encryption-key", bad), Map.of()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("GATEHOUSE_KEY_ENCRYPTION_KEY must be the base64 encoding of 32 random bytes, e.g. the output of 'openssl rand -base64 32'.");
        }
        String good = Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(ConfigLoader.load(List.of(), Map.of("GATEHOUSE_KEY_ENCRYPTION_KEY", good)).keyEncryptionKey()).contains(good);
    }
}
