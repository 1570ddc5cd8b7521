// SPDX-License-Identifier: Apache-2.0
package dev.vend.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The evidence a workload presents, as received: the subject token and its declared type.
 * Nothing in it is trusted yet. Its {@link #toString()} never shows the evidence, so an
 * attestation can not leak into a log line by accident.
 *
 * @param tokenType the RFC 8693 {@code subject_token_type}, one of {@link TokenTypes}
 * @param value the subject token exactly as sent
 */
public record Attestation(String tokenType, String value) {

    public Attestation {
        Objects.requireNonNull(tokenType, "tokenType");
        Objects.requireNonNull(value, "value");
    }

    /** The hex SHA-256 of the evidence, for audit correlation without the secret. */
    public String sha256() {
        return sha256Hex(value);
    }

    @Override
    public String toString() {
        return "Attestation[tokenType=" + tokenType + ", sha256=" + sha256() + "]";
    }

    /** Hex SHA-256 of a string's UTF-8 bytes. */
    public static String sha256Hex(String text) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
