// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the JVM-wide {@link Dynalite#shared()} process into any parameter of type
 * {@link Dynalite}: constructor, {@code @BeforeAll}, {@code @BeforeEach} or test method.
 *
 * <pre>{@code
 * @ExtendWith(DynaliteExtension.class)
 * class PolicyStoreTest {
 *     @BeforeAll
 *     static void createTable(Dynalite dynalite) { ... dynalite.endpoint() ... }
 * }
 * }</pre>
 *
 * <p>All test classes in the JVM share the process, which is killed at JVM exit. Stateless and
 * thread-safe.
 */
public final class DynaliteExtension implements ParameterResolver {

    /** Creates the extension; JUnit calls this. */
    public DynaliteExtension() {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Dynalite.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return Dynalite.shared();
    }
}
