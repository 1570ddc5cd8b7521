// SPDX-License-Identifier: Apache-2.0
package dev.vend;

import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A value made once, on first use. Vend makes its costly and often unneeded parts this way (HTTP
 * clients with the JVM's TLS context, stand-ins for SDK clients), so a cold start pays only for
 * what its configuration uses. If making the value throws, nothing is kept and the next
 * {@link #get()} tries again. Thread-safe: concurrent first calls make the value once.
 *
 * @param <T> the value's type
 */
public final class Lazy<T> implements Supplier<T> {

    private final Supplier<? extends T> maker;
    private volatile @Nullable T value;

    /** @param maker makes the value; called at most once successfully */
    public Lazy(Supplier<? extends T> maker) {
        this.maker = Objects.requireNonNull(maker, "maker");
    }

    @Override
    public T get() {
        T made = value;
        if (made == null) {
            synchronized (this) {
                made = value;
                if (made == null) {
                    made = Objects.requireNonNull(maker.get(), "made a null value");
                    value = made;
                }
            }
        }
        return made;
    }
}
