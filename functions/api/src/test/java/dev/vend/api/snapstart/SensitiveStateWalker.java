// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.snapstart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.identity.spi.IdentityProvider;

/**
 * Finds, by reflection alone, the state a SnapStart snapshot must not carry into restored
 * environments (field case BUG-26), without asking any component about itself: it walks the
 * fields of every {@code dev.vend} object reachable from the given roots, through JDK
 * collections, maps, arrays, {@code Optional}, {@code AtomicReference}, records, lambdas (their
 * captured values are fields) and dynamic proxies (their invocation handler), each object once.
 *
 * <p>What it reports, as a {@link Finding}: a {@link SecureRandom}, a JDK {@link HttpClient}, an
 * AWS SDK client ({@link SdkClient}, except a dynamic proxy, which is a stand-in and is walked
 * through), an AWS credentials or identity provider, a fixed {@link Clock} (a snapshot of a
 * clock), and an {@link Instant} the caller says was read before the snapshot.
 *
 * <p><strong>Limitation:</strong> objects of other libraries are not looked into, so a generator
 * or a connection kept inside, say, a Nimbus signer or an SDK client is reported only as the
 * object that holds it (the SDK client), or not at all (the signer).
 */
final class SensitiveStateWalker {

    private static final String OURS = "dev.vend.";

    private final Predicate<Instant> capturedBeforeSnapshot;

    /** One restore-sensitive value, and where the walk first met it. */
    record Finding(Object value, Object holder, String path) {

        /** What kind of state the value is. */
        String kind() {
            return kindOf(value);
        }

        @Override
        public String toString() {
            return kind() + " at " + path + " (held by " + holder.getClass().getName() + ")";
        }
    }

    /** @param capturedBeforeSnapshot whether an instant was read from a clock before a snapshot */
    SensitiveStateWalker(Predicate<Instant> capturedBeforeSnapshot) {
        this.capturedBeforeSnapshot = capturedBeforeSnapshot;
    }

    /** One step of the walk: an object, the nearest holder that is not a value, and the path. */
    private record Step(Object object, @Nullable Object holder, String path) {
    }

    /**
     * Every restore-sensitive value reachable from the named roots, once per holder that holds
     * it: one instant read once from a clock may sit in several holders.
     */
    List<Finding> findings(Map<String, ?> roots) {
        var found = new ArrayList<Finding>();
        walk(roots, step -> {
            if (isSensitive(step.object())) {
                found.add(new Finding(step.object(), holderOf(step), step.path()));
                return false;
            }
            return true;
        });
        return found;
    }

    /** Every object reachable from the roots, the roots included, by identity. */
    Set<Object> reachable(Collection<?> roots) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        var named = new LinkedHashMap<String, Object>();
        int i = 0;
        for (Object root : roots) {
            named.put("root" + i++, root);
        }
        walk(named, step -> seen.add(step.object()));
        return seen;
    }

    /**
     * The values of every static field of the {@code dev.vend} classes compiled from the source
     * folders of the given classes (their classes folder or jar), by {@code Class.field}.
     * Framework-generated classes (names with {@code $$} or a {@code $}-prefixed simple name) are
     * left out.
     */
    static Map<String, Object> staticFields(List<Class<?>> anchors) {
        var roots = new LinkedHashMap<String, Object>();
        for (Class<?> anchor : anchors) {
            for (String name : classNames(anchor)) {
                staticFieldsOf(load(name), roots);
            }
        }
        return roots;
    }

    private void walk(Map<String, ?> roots, Predicate<Step> descend) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Step> pending = new ArrayDeque<>();
        roots.forEach((name, root) -> {
            if (root != null) {
                pending.push(new Step(root, null, name));
            }
        });
        while (!pending.isEmpty()) {
            Step step = pending.pop();
            // Leaves are met on every path, so a value held twice is seen at both holders.
            if (isLeaf(step.object())) {
                descend.test(step);
            } else if (seen.add(step.object()) && descend.test(step)) {
                children(step).forEach(pending::push);
            }
        }
    }

    /**
     * Whatever the object holds that the walk follows. A {@code dev.vend} object that is neither
     * a record nor a collection becomes the holder of what it holds; everything else (records,
     * collections, maps, proxies, references) passes on the holder above it.
     */
    private static List<Step> children(Step step) {
        Object object = step.object();
        boolean value = object.getClass().isRecord() || object instanceof Map
                || object instanceof Collection;
        Object holder = isOurs(object.getClass()) && !value || step.holder() == null ? object
                : step.holder();
        var next = new ArrayList<Step>();
        if (Proxy.isProxyClass(object.getClass())) {
            add(next, Proxy.getInvocationHandler(object), holder, step.path() + "<proxy>");
        }
        if (isOurs(object.getClass())) {
            fieldsOf(object).forEach((name, field) ->
                    add(next, field, holder, step.path() + "." + name));
        } else if (object.getClass().isRecord()) {
            componentsOf(object).forEach((name, component) ->
                    add(next, component, holder, step.path() + "." + name));
        }
        contents(object).forEach(entry ->
                add(next, entry.getValue(), holder, step.path() + entry.getKey()));
        return next;
    }

    /** What a JDK container holds, by a path suffix ({@code [key]}, {@code []}, {@code .get()}). */
    private static List<Map.Entry<String, Object>> contents(Object object) {
        var contents = new ArrayList<Map.Entry<String, Object>>();
        if (object instanceof Map<?, ?> map) {
            map.forEach((key, element) -> {
                contents.add(new SimpleEntry<>("[key]", key));
                contents.add(new SimpleEntry<>("[" + key + "]", element));
            });
        } else if (object instanceof Collection<?> collection) {
            collection.forEach(element -> contents.add(new SimpleEntry<>("[]", element)));
        } else if (object instanceof Object[] array) {
            for (Object element : array) {
                contents.add(new SimpleEntry<>("[]", element));
            }
        } else if (object instanceof Optional<?> optional) {
            optional.ifPresent(element -> contents.add(new SimpleEntry<>(".get()", element)));
        } else if (object instanceof AtomicReference<?> reference) {
            contents.add(new SimpleEntry<>(".get()", reference.get()));
        }
        return contents;
    }

    private static void add(List<Step> next, @Nullable Object value, @Nullable Object holder,
            String path) {
        if (value != null) {
            next.add(new Step(value, holder, path));
        }
    }

    /** The object a finding belongs to: the nearest {@code dev.vend} object that is no value. */
    private static Object holderOf(Step step) {
        return step.holder() == null ? step.object() : step.holder();
    }

    /**
     * What the walk never looks into: instants, and clocks, which are sources of time rather
     * than state (a fixed clock, a snapshot of one, is still reported).
     */
    private static boolean isLeaf(Object object) {
        return object instanceof Instant || object instanceof Clock;
    }

    private boolean isSensitive(Object object) {
        if (object instanceof Instant instant) {
            return capturedBeforeSnapshot.test(instant);
        }
        return !kindOf(object).isEmpty();
    }

    private static String kindOf(Object object) {
        if (object instanceof SecureRandom) {
            return "random generator";
        }
        if (object instanceof HttpClient) {
            return "http client";
        }
        if (object instanceof SdkClient client && !Proxy.isProxyClass(object.getClass())) {
            return "sdk client " + client.serviceName();
        }
        if (object instanceof AwsCredentialsProvider || object instanceof IdentityProvider) {
            return "credentials provider";
        }
        if (object instanceof Clock && object.getClass().getName().endsWith("FixedClock")) {
            return "fixed clock";
        }
        return object instanceof Instant ? "instant captured before the snapshot" : "";
    }

    private static boolean isOurs(Class<?> type) {
        return type.getName().startsWith(OURS);
    }

    /** Every instance field of the object's {@code dev.vend} classes, by name. */
    private static Map<String, Object> fieldsOf(Object object) {
        var values = new LinkedHashMap<String, Object>();
        for (Class<?> type = object.getClass(); type != null && isOurs(type);
                type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers()) && !field.getType().isPrimitive()) {
                    values.put(field.getName(), read(field, object));
                }
            }
        }
        return values;
    }

    private static Map<String, Object> componentsOf(Object record) {
        var values = new LinkedHashMap<String, Object>();
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            try {
                var accessor = component.getAccessor();
                accessor.setAccessible(true);
                values.put(component.getName(), accessor.invoke(record));
            } catch (ReflectiveOperationException | RuntimeException e) {
                // A record of a module that does not open itself is not looked into.
            }
        }
        return values;
    }

    private static @Nullable Object read(Field field, @Nullable Object owner) {
        try {
            field.setAccessible(true);
            return field.get(owner);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + field, e);
        }
    }

    private static void staticFieldsOf(Class<?> type, Map<String, Object> roots) {
        for (Field field : type.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && !field.getType().isPrimitive()) {
                roots.put(type.getName() + "." + field.getName(), read(field, null));
            }
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, true, SensitiveStateWalker.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(name, e);
        }
    }

    /** The {@code dev.vend} class names in the classes folder or jar the anchor came from. */
    private static List<String> classNames(Class<?> anchor) {
        try {
            Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation()
                    .toURI());
            List<String> entries = Files.isDirectory(location) ? folderEntries(location)
                    : jarEntries(location);
            return entries.stream()
                    .filter(entry -> entry.startsWith("dev/vend/") && entry.endsWith(".class"))
                    .map(entry -> entry.substring(0, entry.length() - ".class".length())
                            .replace('/', '.'))
                    .filter(SensitiveStateWalker::isHandWritten)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isHandWritten(String className) {
        String simple = className.substring(className.lastIndexOf('.') + 1);
        return !simple.startsWith("$") && !simple.contains("$$")
                && !simple.equals("package-info") && !simple.equals("module-info");
    }

    private static List<String> folderEntries(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .map(file -> folder.relativize(file).toString().replace('\\', '/'))
                    .toList();
        }
    }

    private static List<String> jarEntries(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(JarEntry::getName).toList();
        }
    }
}
