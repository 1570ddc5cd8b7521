// SPDX-License-Identifier: Apache-2.0
package dev.vend.challenge;

import dev.vend.Renewable;
import dev.vend.RestoreAware;
import dev.vend.model.VerifiedIdentity;
import dev.vend.verify.DenialException;
import dev.vend.verify.DenialReason;
import dev.vend.verify.SingleUseStore;
import dev.vend.verify.VendingFailure;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Hands out challenges and consumes them, on the {@link SingleUseStore} (DESIGN, "Challenges and
 * single use"). A challenge is exactly {@value #LENGTH} characters of {@code [a-z0-9]} (the most
 * Azure IMDS accepts as a nonce), drawn from {@link SecureRandom} (about 165 bits), and lives
 * {@link #LIFETIME}.
 *
 * <p><strong>Store entries.</strong> Issuing writes the entry {@code challenge:issued:<nonce>}
 * until the challenge expires. Consuming takes two conditional writes, each of which the store
 * evaluates against the current instant:
 * <ol>
 *   <li>a probe of the issued entry: a write of {@code challenge:issued:<nonce>} that is already
 *       expired. The store accepts it only when no live entry exists, so a refused write means
 *       "issued and not yet expired" (the expiry check happens inside the store's write, never
 *       against a value read earlier), and an accepted one leaves nothing live behind;</li>
 *   <li>the consumption: {@code challenge:used:<nonce>}, accepted once until the challenge could
 *       no longer be live.</li>
 * </ol>
 * A consumed challenge stays consumed whatever happens to the request afterwards (500, 503): the
 * client asks for a fresh challenge and makes a fresh proof.
 *
 * <p><strong>Randomness.</strong> The generator is made on the first challenge and made anew on
 * the first challenge after each SnapStart restore ({@link #afterRestore()}): every environment
 * restored from one snapshot would otherwise start from the snapshot's generator, and whether two
 * of them then draw different nonces would depend on the algorithm behind it (AWS's "Handling
 * uniqueness with Lambda SnapStart" asks for entropy made after the restore).
 *
 * <p>Thread-safe if the store is.
 */
public final class Challenges implements RestoreAware {

    /** The exact length of a challenge. */
    public static final int LENGTH = 32;
    /** How long a challenge may be used after it was handed out. */
    public static final Duration LIFETIME = Duration.ofMinutes(5);

    private static final Pattern SHAPE = Pattern.compile("[a-z0-9]{" + LENGTH + "}");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String ISSUED = "challenge:issued:";
    private static final String USED = "challenge:used:";
    private static final int MAX_ATTEMPTS = 3;

    private final SingleUseStore store;
    private final Clock clock;
    private final Renewable<SecureRandom> random;

    /**
     * @param store where challenges are recorded and consumed
     * @param clock the clock that decides expiry
     */
    public Challenges(SingleUseStore store, Clock clock) {
        this(store, clock, SecureRandom::new);
    }

    /** Challenges drawn from the generators {@code randoms} makes (tests). */
    Challenges(SingleUseStore store, Clock clock, Supplier<SecureRandom> randoms) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = new Renewable<>("challenge random generator", randoms);
    }

    /**
     * A challenge handed out.
     *
     * @param value the nonce, {@value #LENGTH} characters of {@code [a-z0-9]}
     * @param expiresAt when it stops being accepted
     */
    public record Issued(String value, Instant expiresAt) {
        public Issued {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }

        /** Whole seconds from now to expiry, as {@code expires_in}. */
        public long expiresInSeconds() {
            return LIFETIME.toSeconds();
        }
    }

    /**
     * Hands out a fresh challenge and records it.
     *
     * @throws VendingFailure if the store can not answer
     */
    public Issued issue() {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(LIFETIME);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            String value = randomValue();
            if (store.consume(ISSUED + value, expiresAt, now)) {
                return new Issued(value, expiresAt);
            }
        }
        // 165 random bits never collide three times; a store that always says "taken" is broken.
        throw VendingFailure.permanent("single-use store refused every fresh challenge", null);
    }

    /** Whether a text has the shape of a challenge; says nothing of whether it was issued. */
    public static boolean hasShape(@Nullable String text) {
        return text != null && SHAPE.matcher(text).matches();
    }

    /**
     * Consumes a challenge a verified proof carried. Call it after the proof's signature
     * verified and before policy.
     *
     * @param challenge the challenge as the signed evidence carries it
     * @param identity who the proof showed, for the audit record of a refusal
     * @throws DenialException {@link DenialReason#MALFORMED_TOKEN} if it is not shaped like a
     *     challenge, {@link DenialReason#EXPIRED} if it was never issued or has expired,
     *     {@link DenialReason#REPLAYED} if it was already consumed
     * @throws VendingFailure if the store can not answer
     */
    public void consume(String challenge, @Nullable VerifiedIdentity identity) {
        if (!hasShape(challenge)) {
            throw new DenialException(DenialReason.MALFORMED_TOKEN,
                    "evidence carries no Vend challenge", identity);
        }
        Instant now = clock.instant();
        // Accepted only when no live issued entry exists; the written entry is already expired.
        if (store.consume(ISSUED + challenge, now.minusSeconds(2), now)) {
            throw new DenialException(DenialReason.EXPIRED, "challenge unknown or expired",
                    identity);
        }
        if (!store.consume(USED + challenge, now.plus(LIFETIME), now)) {
            throw new DenialException(DenialReason.REPLAYED, "challenge was already used",
                    identity);
        }
    }

    /** Forgets the random generator; the next challenge is drawn from a new one. */
    @Override
    public void afterRestore() {
        random.afterRestore();
    }

    @Override
    public String restoreState() {
        return random.restoreState();
    }

    private String randomValue() {
        SecureRandom generator = random.get();
        var out = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            out.append(ALPHABET.charAt(generator.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }
}
