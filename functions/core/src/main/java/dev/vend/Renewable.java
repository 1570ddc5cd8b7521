// SPDX-License-Identifier: Apache-2.0
package dev.vend;

import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A value made on first use and forgotten after each SnapStart restore, so the first use after
 * a restore makes a new one. It is for state that one snapshot must not hand to every
 * environment restored from it: an HTTP client with its pool of connections, a random generator
 * with its internal state. {@link Lazy} keeps its value for the life of the process; this keeps
 * it until the next restore.
 *
 * <p>A forgotten value is only let go, never closed: whoever holds it must not need a close (the
 * JDK's {@code HttpClient} has none before Java 21, and lets its connections go once no longer
 * referenced). If making the value throws, nothing is kept and the next {@link #get()} tries
 * again.
 *
 * <p>Thread-safe: concurrent first calls make the value once, and {@link #afterRestore()} may run
 * while no request is in flight.
 *
 * @param <T> the value's type
 */
public final class Renewable<T> implements Supplier<T>, RestoreAware {

    private final String name;
    private final Supplier<? extends T> maker;
    private volatile @Nullable T value;

    /**
     * @param name what the value is, for {@link #restoreState()}, e.g. {@code jwks http client}
     * @param maker makes a value; called once at first use, and once more after each restore
     */
    public Renewable(String name, Supplier<? extends T> maker) {
        this.name = Objects.requireNonNull(name, "name");
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

    /** Forgets the value; the next {@link #get()} makes another. */
    @Override
    public synchronized void afterRestore() {
        value = null;
    }

    /** {@code <name> held} while a value is held, {@value #NOTHING_CAPTURED} otherwise. */
    @Override
    public String restoreState() {
        return value == null ? NOTHING_CAPTURED : name + " held";
    }
}
