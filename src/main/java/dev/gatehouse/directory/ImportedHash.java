package dev.gatehouse.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.errors.ApiError;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A password hash imported from another store (issue #22, Okta's {@code credentials.password.hash}): BCRYPT, SHA-512,
 * SHA-256, SHA-1, MD5 (salted before or after the password, or not) and PBKDF2, as Okta's {@code PasswordCredentialHash}
 * describes them. Kept as given (prefixed {@code $okta$}) until the person's first successful sign-in, which replaces it
 * with an Argon2id hash of the password they typed ({@link PasswordHasher#needsRehash}); it is never shown.
 *
 * <p>Bounds where Okta's reference is wider or silent: a BCRYPT work factor of 4 to 16 (Okta allows up to 20: 2^20 rounds
 * are about a minute of CPU per sign-in attempt, which anyone could make the server spend), PBKDF2 iterations from Okta's
 * 4,096 to 1,000,000 and a key of 16 to 64 bytes; salts and values at most 256 characters.
 */
public record ImportedHash(String algorithm, String salt, String saltOrder, String value, Integer workFactor, Integer iterationCount,
                           Integer keySize, String digestAlgorithm) {

    static final String PREFIX = "$okta$";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> DIGESTS = Set.of("SHA-512", "SHA-256", "SHA-1", "MD5");
    private static final java.util.regex.Pattern RADIX64 = java.util.regex.Pattern.compile("[./A-Za-z0-9]+");

    /** {@code credentials.password.hash} as sent, checked; a problem adds a cause (field {@code password.hash}) and gives empty. */
    public static Optional<ImportedHash> read(JsonNode h, List<ApiError.Cause> causes) {
        if (!h.isObject()) {
            causes.add(cause("Must be an object with algorithm and value"));
            return Optional.empty();
        }
        String algorithm = h.path("algorithm").asText("");
        String value = h.path("value").asText("");
        String salt = h.hasNonNull("salt") ? h.get("salt").asText() : null;
        String order = h.hasNonNull("saltOrder") ? h.get("saltOrder").asText() : null;
        if (value.isEmpty() || value.length() > 256 || salt != null && salt.length() > 256) {
            causes.add(cause("value is required; value and salt have at most 256 characters"));
            return Optional.empty();
        }
        switch (algorithm) {
            case "BCRYPT" -> {
                int wf = h.path("workFactor").asInt(0);
                if (wf < 4 || wf > 16 || salt == null || salt.length() != 22 || !RADIX64.matcher(salt).matches()
                        || value.length() != 31 || !RADIX64.matcher(value).matches()) {
                    causes.add(cause("BCRYPT needs workFactor 4 to 16, a 22-character Radix-64 salt and a 31-character Radix-64 value"));
                    return Optional.empty();
                }
                return Optional.of(new ImportedHash(algorithm, salt, null, value, wf, null, null, null));
            }
            case "SHA-512", "SHA-256", "SHA-1", "MD5" -> {
                if (salt != null && !"PREFIX".equals(order) && !"POSTFIX".equals(order)) {
                    causes.add(cause("A salted " + algorithm + " needs saltOrder PREFIX or POSTFIX"));
                    return Optional.empty();
                }
                if (!base64(value) || salt != null && !base64(salt)) {
                    causes.add(cause("value and salt are Base64"));
                    return Optional.empty();
                }
                return Optional.of(new ImportedHash(algorithm, salt, salt == null ? null : order, value, null, null, null, null));
            }
            case "ARGON2ID" -> {
                // A Gatehouse extension: a hash exported from another Gatehouse (org export --with-password-hashes), kept as is.
                if (!PasswordHasher.acceptable(value)) {
                    causes.add(cause("ARGON2ID needs value: an Argon2id PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash) within the configured costs"));
                    return Optional.empty();
                }
                return Optional.of(new ImportedHash(algorithm, null, null, value, null, null, null, null));
            }
            case "PBKDF2" -> {
                int iterations = h.path("iterationCount").asInt(0);
                int keySize = h.path("keySize").asInt(0);
                String digest = h.path("digestAlgorithm").asText("");
                if (iterations < 4096 || iterations > 1_000_000 || keySize < 16 || keySize > 64
                        || !digest.equals("SHA256_HMAC") && !digest.equals("SHA512_HMAC") || salt == null || !base64(salt) || !base64(value)) {
                    causes.add(cause("PBKDF2 needs digestAlgorithm SHA256_HMAC or SHA512_HMAC, iterationCount 4096 to 1000000, "
                            + "keySize 16 to 64, and a Base64 salt and value"));
                    return Optional.empty();
                }
                return Optional.of(new ImportedHash(algorithm, salt, null, value, null, iterations, keySize, digest));
            }
            default -> {
                causes.add(cause("algorithm must be one of BCRYPT, SHA-512, SHA-256, SHA-1, MD5, PBKDF2 (or ARGON2ID, Gatehouse's own)"));
                return Optional.empty();
            }
        }
    }

    private static ApiError.Cause cause(String message) {
        return new ApiError.Cause("password.hash", message);
    }

    private static boolean base64(String s) {
        try {
            Base64.getDecoder().decode(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** What is stored in place of an Argon2id hash (an imported Argon2id hash is stored as it is). */
    public String stored() {
        if ("ARGON2ID".equals(algorithm)) {
            return value;
        }
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(tree().toString().getBytes(StandardCharsets.UTF_8));
    }

    /** As Okta's PasswordCredentialHash JSON: the fields this algorithm has. */
    private ObjectNode tree() {
        ObjectNode o = JSON.valueToTree(this);
        o.properties().removeIf(e -> e.getValue().isNull());
        return o;
    }

    /** The hash as Okta's PasswordCredentialHash JSON (for Gatehouse's own: algorithm ARGON2ID and the PHC string as value). */
    static ObjectNode json(String stored) {
        if (stored.startsWith(PREFIX)) {
            return fromStored(stored).map(ImportedHash::tree).orElseGet(JSON::createObjectNode);
        }
        return JSON.createObjectNode().put("algorithm", "ARGON2ID").put("value", stored);
    }

    static Optional<ImportedHash> fromStored(String stored) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(Base64.getUrlDecoder().decode(stored.substring(PREFIX.length())), ImportedHash.class));
        } catch (java.io.IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code password} is the one this hash was made of. */
    boolean verify(String password) {
        try {
            return switch (algorithm) {
                case "BCRYPT" -> OpenBSDBCrypt.checkPassword("$2a$" + String.format("%02d", workFactor) + "$" + salt + value, password.toCharArray());
                case "PBKDF2" -> {
                    SecretKeyFactory f = SecretKeyFactory.getInstance("SHA512_HMAC".equals(digestAlgorithm) ? "PBKDF2WithHmacSHA512" : "PBKDF2WithHmacSHA256");
                    byte[] derived = f.generateSecret(new PBEKeySpec(password.toCharArray(), Base64.getDecoder().decode(salt), iterationCount,
                            keySize * 8)).getEncoded();
                    yield MessageDigest.isEqual(derived, Base64.getDecoder().decode(value));
                }
                default -> {
                    if (!DIGESTS.contains(algorithm)) {
                        yield false;
                    }
                    MessageDigest d = MessageDigest.getInstance(algorithm);
                    byte[] p = password.getBytes(StandardCharsets.UTF_8);
                    byte[] s = salt == null ? new byte[0] : Base64.getDecoder().decode(salt);
                    if ("POSTFIX".equals(saltOrder)) {
                        d.update(p);
                        d.update(s);
                    } else {
                        d.update(s);
                        d.update(p);
                    }
                    yield MessageDigest.isEqual(d.digest(), Base64.getDecoder().decode(value));
                }
            };
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
