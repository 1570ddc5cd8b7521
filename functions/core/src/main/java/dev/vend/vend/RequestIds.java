// SPDX-License-Identifier: Apache-2.0
package dev.vend.vend;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Request ids: 32 lowercase hex characters, always the same length. Thread-safe. */
public final class RequestIds {

    /** The length of every request id. */
    public static final int LENGTH = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestIds() {
    }

    /** A fresh random request id. */
    public static String next() {
        byte[] bytes = new byte[LENGTH / 2];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
