package dev.gatehouse.storage;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTest {

    @Test
    void base62CharactersAreUniformAndOfTheLengthAsked() {
        Ids ids = new Ids(new SecureRandom());
        int[] counts = new int[128];
        int total = 0;
        for (int i = 0; i < 20_000; i++) {
            String s = ids.base62(31);
            assertThat(s).hasSize(31).matches("[0-9A-Za-z]+");
            for (char c : s.toCharArray()) {
                counts[c]++;
                total++;
            }
        }
        double expected = total / 62.0;   // 10,000 per character
        for (char c : "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray()) {
            // A byte taken modulo 62 without rejection would give '0'..'7' 25 % more often than the rest.
            assertThat(counts[c]).as("occurrences of %s", c).isBetween((int) (expected * 0.95), (int) (expected * 1.05));
        }
    }

    @Test
    void aRandomSourceThatMostlyGivesRejectedBytesStillFillsTheId() {
        // Bytes 248..255 are drawn again: a source giving mostly those still ends, with the right length.
        SecureRandom skewed = new SecureRandom() {
            private final Random r = new Random(7);

            @Override
            public void nextBytes(byte[] bytes) {
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) (r.nextInt(10) == 0 ? r.nextInt(248) : 248 + r.nextInt(8));
                }
            }
        };
        assertThat(new Ids(skewed).base62(44)).hasSize(44).matches("[0-9A-Za-z]+");
    }
}
