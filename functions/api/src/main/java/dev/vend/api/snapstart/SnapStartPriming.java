// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.snapstart;

import dev.vend.RestoreAware;
import dev.vend.api.wiring.VendAssembly;
import dev.vend.vend.RequestIds;
import dev.vend.verify.azure.AzureVerifierConfig;
import io.micronaut.context.BeanLocator;
import io.micronaut.crac.OrderedResource;
import jakarta.inject.Singleton;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.crac.Context;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SnapStart's runtime hooks, through Micronaut CRaC.
 *
 * <p><strong>Before the snapshot</strong> it runs one {@link SyntheticVend}: a full
 * {@code POST /token} through the Lambda handler and every stage, plus the two well-known reads,
 * on a throwaway context with a throwaway issuer key, static JWKS, signing key, discarding audit
 * log and in-memory single-use store. Classes are loaded and the hot paths warmed, and nothing of
 * the deployment is touched: no audit record, no consumed challenge or {@code jti}, no network.
 * It also loads the JDK's default TLS context, which the deployment's HTTPS clients (JWKS and
 * discovery fetches, STS) make only on their first use, so the first fetch after a restore does
 * not pay for reading the trust store, and reads the bundled Azure roots, which are otherwise
 * read on the first Azure proof. No connection is opened.
 * A priming that fails is logged and the snapshot goes on; priming is an optimisation.
 *
 * <p><strong>After each restore</strong> it calls {@link RestoreAware#afterRestore()} on every
 * restore-aware component of the deployment ({@link #restoreAware()}): the parts the assembly
 * built (each issuer's key cache, the fetcher of issuer keys, the verifiers' challenges, the STS
 * transport of IAM proofs, the policy table's cache), the restore-aware beans (the DynamoDB, KMS
 * and STS clients, the challenges of {@code POST /challenge}), the generator of request ids, and
 * last the {@link PublicationCheck}, which decides again against the restore's time whether the
 * signing keys may sign; if not, the restore fails, as a cold start would.
 *
 * <p>Thread-safe: the hooks run while no request is in flight.
 */
@Singleton
public class SnapStartPriming implements OrderedResource {

    private static final Logger LOG = LoggerFactory.getLogger(SnapStartPriming.class);

    private final VendAssembly assembly;
    private final BeanLocator beans;
    private final PublicationCheck publicationCheck;
    private volatile SyntheticVend.Outcome lastPriming;

    /** Built with the deployment's graph; checks key publication once now. */
    public SnapStartPriming(VendAssembly assembly, Clock clock, BeanLocator beans) {
        this.assembly = assembly;
        this.beans = beans;
        this.publicationCheck = PublicationCheck.of(assembly, clock);
        publicationCheck.check();
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        long started = System.nanoTime();
        warmTls();
        readBundledAzureRoots();
        try {
            lastPriming = SyntheticVend.run();
        } catch (RuntimeException e) {
            LOG.warn("snapstart priming failed: {}", e.getClass().getSimpleName());
            return;
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (lastPriming.succeeded()) {
            LOG.info("snapstart priming done in {} ms", millis);
        } else {
            LOG.warn("snapstart priming answered {} in {} ms", lastPriming.statuses(), millis);
        }
    }

    private static void warmTls() {
        try {
            SSLContext.getDefault();
        } catch (NoSuchAlgorithmException | RuntimeException e) {
            LOG.warn("snapstart priming could not load the TLS context: {}",
                    e.getClass().getSimpleName());
        }
    }

    /** The bundled Azure roots, read on first use, are public and fit to keep in the snapshot. */
    private static void readBundledAzureRoots() {
        try {
            AzureVerifierConfig.BUNDLED.get();
        } catch (RuntimeException e) {
            LOG.warn("snapstart priming could not read the bundled Azure roots: {}",
                    e.getClass().getSimpleName());
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        List<RestoreAware> components = restoreAware();
        for (RestoreAware component : components) {
            component.afterRestore();
        }
        LOG.info("snapstart restore: {} restore-aware components reset", components.size());
    }

    /**
     * Every restore-aware component of the deployment, each once, in the order they are reset:
     * the assembly's own parts, the restore-aware beans (by class name), the generator of
     * request ids, and the publication check last, so it decides on the fresh state.
     */
    public List<RestoreAware> restoreAware() {
        Set<RestoreAware> components = Collections.newSetFromMap(new IdentityHashMap<>());
        var ordered = new ArrayList<RestoreAware>();
        Consumer<RestoreAware> add = component -> {
            if (components.add(component)) {
                ordered.add(component);
            }
        };
        assembly.restoreAware().forEach(add);
        beans.getBeansOfType(RestoreAware.class).stream()
                .sorted(Comparator.comparing(bean -> bean.getClass().getName()))
                .forEach(add);
        add.accept(RequestIds.restoreAware());
        add.accept(publicationCheck);
        return List.copyOf(ordered);
    }

    /** The outcome of the last priming, if one ran. */
    public Optional<List<Integer>> lastPrimingStatuses() {
        return Optional.ofNullable(lastPriming).map(SyntheticVend.Outcome::statuses);
    }
}
