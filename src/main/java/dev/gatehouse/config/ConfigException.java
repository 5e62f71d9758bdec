package dev.gatehouse.config;

/** A configuration value that cannot be used; the message says which one and how to fix it. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
