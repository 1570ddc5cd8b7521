// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.snapstart;

import dev.vend.Lazy;
import dev.vend.RestoreAware;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkClient;

/**
 * Holds an AWS SDK client that is built on first use and thrown away after a SnapStart restore.
 * An SDK client owns an HTTP connection pool and a credentials provider chain that caches what it
 * resolved; neither may cross a restore (field case BUG-26: pooled connections are dead in the
 * restored environment, and credentials of the snapshot's environment may have expired or been
 * replaced). {@link #client()} is a stand-in of the client's interface that delegates every call
 * to the current client, so the adapters that keep it (DynamoDB stores, KMS signer) need not
 * know about restores.
 *
 * <p>Nothing is built before the first call, so a client no request used before the snapshot
 * holds nothing to drop. Even the stand-in is made on the first {@link #client()}: a dynamic
 * proxy of an SDK client interface loads every request and response class the interface names
 * (about 900 for DynamoDB), which a deployment that never uses the client should not pay for at
 * start. Thread-safe.
 *
 * @param <T> the client interface, e.g. {@code DynamoDbClient}
 */
public final class RestoreAwareClient<T extends SdkClient> implements RestoreAware, AutoCloseable {

    private final String name;
    private final Supplier<? extends T> factory;
    private final Clock clock;
    private final Lazy<T> standIn;
    private T current;
    private Instant builtAt = Instant.MIN;

    /**
     * @param name a short name for {@link #restoreState()}, e.g. {@code dynamodb}
     * @param type the client interface
     * @param factory builds a client with the default credentials provider chain
     * @param clock when a client was built, for {@link #restoreState()}
     */
    public RestoreAwareClient(String name, Class<T> type, Supplier<? extends T> factory,
            Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.factory = Objects.requireNonNull(factory, "factory");
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(type, "type");
        this.standIn = new Lazy<>(() -> type.cast(Proxy.newProxyInstance(type.getClassLoader(),
                new Class<?>[] {type}, new Delegating())));
    }

    /** The short name given at construction, e.g. {@code dynamodb}. */
    public String name() {
        return name;
    }

    /** The client to keep: every call goes to the client of the current environment. */
    public T client() {
        return standIn.get();
    }

    /** Closes the client built before the snapshot, with its connections and credentials. */
    @Override
    public void afterRestore() {
        close();
    }

    @Override
    public synchronized String restoreState() {
        return current == null ? NOTHING_CAPTURED
                : name + " client (connections, credentials) built_at=" + builtAt;
    }

    /** Closes the current client, if any; the next call builds another. */
    @Override
    public synchronized void close() {
        if (current != null) {
            current.close();
            current = null;
            builtAt = Instant.MIN;
        }
    }

    private synchronized T current() {
        if (current == null) {
            current = factory.get();
            builtAt = clock.instant();
        }
        return current;
    }

    /** Sends interface calls to the current client; Object's methods stay the stand-in's. */
    private final class Delegating implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "RestoreAwareClient[" + name + "]";
                };
            }
            if (method.getName().equals("close") && method.getParameterCount() == 0) {
                RestoreAwareClient.this.close();
                return null;
            }
            try {
                return method.invoke(current(), args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
