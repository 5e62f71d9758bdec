package dev.gatehouse.oauth.issued;

import dev.gatehouse.storage.Ids;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of token Gatehouse issues, told apart one way everywhere: a JWT by the prefix of its {@code jti} (Okta's
 * "AT.…" for access tokens, "ID.…" for ID tokens), anything else is a refresh token (opaque, stored as a hash). Each
 * kind carries its RFC 7009/7662 name ({@code token_type_hint} and the logs' {@code token_type}).
 */
public enum TokenKind {
    ACCESS_TOKEN("access_token", "AT."),
    ID_TOKEN("id_token", "ID."),
    REFRESH_TOKEN("refresh_token", null);

    private final String hint;
    private final String jtiPrefix;

    TokenKind(String hint, String jtiPrefix) {
        this.hint = hint;
        this.jtiPrefix = jtiPrefix;
    }

    /** The RFC spelling: {@code access_token}, {@code id_token}, {@code refresh_token}. */
    public String hint() {
        return hint;
    }

    /** A new {@code jti} of this kind (JWT kinds only): the prefix and 43 random base62 characters. */
    String newJti(Ids ids) {
        if (jtiPrefix == null) {
            throw new IllegalStateException(this + " is not a JWT");
        }
        return jtiPrefix + ids.base62(43);
    }

    /** Whether {@code jti} (of a JWT, verified or not) says it is a token of this kind. */
    public boolean names(String jti) {
        return jtiPrefix != null && jti != null && jti.startsWith(jtiPrefix);
    }

    /** The JWT kind a {@code jti} names, if any. */
    public static Optional<TokenKind> ofJti(String jti) {
        return Arrays.stream(values()).filter(k -> k.names(jti)).findFirst();
    }
}
