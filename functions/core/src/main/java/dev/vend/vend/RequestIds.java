// SPDX-License-Identifier: Apache-2.0
package dev.vend.vend;

import dev.vend.Renewable;
import dev.vend.RestoreAware;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Request ids: 32 lowercase hex characters, always the same length; and the random UUIDs Vend
 * puts in its tokens ({@code jti}) and single-use records. Both are drawn from one process-wide
 * random generator, made on the first id and made anew on the first id after each
 * SnapStart restore, so environments restored from one snapshot do not start from one
 * generator's state. SnapStart's restore hook reaches that generator through
 * {@link #restoreAware()}. Thread-safe.
 */
public final class RequestIds {

    /** The length of every request id. */
    public static final int LENGTH = 32;

    private static final Renewable<SecureRandom> RANDOM =
            new Renewable<>("request id random generator", SecureRandom::new);

    private RequestIds() {
    }

    /** A fresh random request id. */
    public static String next() {
        byte[] bytes = new byte[LENGTH / 2];
        RANDOM.get().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * A random (version 4) UUID, as {@link UUID#randomUUID()} makes, but from the generator that
     * is made anew after each restore: the JDK's own generator behind {@code randomUUID} is made
     * once per process, before the snapshot, and would be shared by every restored environment.
     */
    public static UUID nextUuid() {
        byte[] bytes = new byte[16];
        RANDOM.get().nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40);
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80);
        var buffer = ByteBuffer.wrap(bytes);
        return new UUID(buffer.getLong(), buffer.getLong());
    }

    /**
     * The holder of the process-wide generator, for SnapStart's restore hook: its
     * {@link RestoreAware#afterRestore()} makes the next id come from a new generator.
     */
    public static RestoreAware restoreAware() {
        return RANDOM;
    }
}
