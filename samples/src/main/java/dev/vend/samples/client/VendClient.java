// SPDX-License-Identifier: Apache-2.0
package dev.vend.samples.client;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Exchanges workload proofs for Vend tokens. Thread-safe: concurrent callers share one cached
 * token, and one exchange runs at a time.
 *
 * <pre>{@code
 * VendClient client = VendClient.builder(URI.create("https://vend.example.com"))
 *         .proofs(() -> Proof.jwt(readProjectedToken()))
 *         .audience("https://api.example.com")
 *         .build();
 * String token = client.token();
 * }</pre>
 */
public final class VendClient {

    private static final String GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";

    private final URI tokenEndpoint;
    private final Supplier<Proof> proofs;
    private final String audience;
    private final String scope;
    private final HttpClient http;
    private final Clock clock;
    private final int maxAttempts;
    private final Duration baseBackoff;
    private final Sleeper sleeper;

    private String cached;
    private Instant refreshAt = Instant.MIN;

    private VendClient(Builder builder) {
        this.tokenEndpoint = builder.vend.resolve("/token");
        this.proofs = Objects.requireNonNull(builder.proofs, "proofs");
        this.audience = builder.audience;
        this.scope = builder.scope;
        this.http = builder.http;
        this.clock = builder.clock;
        this.maxAttempts = builder.maxAttempts;
        this.baseBackoff = builder.baseBackoff;
        this.sleeper = builder.sleeper;
    }

    /** A builder for a Vend at the given base URL. */
    public static Builder builder(URI vend) {
        return new Builder(vend);
    }

    /**
     * A Vend token: the cached one until half its lifetime has passed, else a fresh exchange.
     *
     * @throws VendException.Refused when Vend refuses the proof or the request
     * @throws VendException.Unavailable when Vend stays unavailable through every retry
     * @throws VendException.ServerError when Vend fails
     */
    public synchronized String token() {
        if (cached != null && clock.instant().isBefore(refreshAt)) {
            return cached;
        }
        Map<String, Object> response = exchangeWithRetries();
        Instant now = clock.instant();
        long expiresIn = ((Number) response.get("expires_in")).longValue();
        cached = (String) response.get("access_token");
        refreshAt = now.plusSeconds(expiresIn / 2);
        return cached;
    }

    private Map<String, Object> exchangeWithRetries() {
        VendException last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            try {
                return exchange(proofs.get());
            } catch (VendException.Unavailable unavailable) {
                last = unavailable;
                if (attempt < maxAttempts) {
                    sleeper.sleep(backoff(attempt));
                }
            }
        }
        throw last;
    }

    /** Exponential backoff with jitter: between half and all of base × 2^(attempt-1). */
    private Duration backoff(int attempt) {
        long ceiling = baseBackoff.toMillis() << Math.min(attempt - 1, 10);
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
    }

    private Map<String, Object> exchange(Proof proof) {
        StringBuilder form = new StringBuilder()
                .append("grant_type=").append(encode(GRANT))
                .append("&subject_token=").append(encode(proof.subjectToken()))
                .append("&subject_token_type=").append(encode(proof.subjectTokenType()));
        if (audience != null) {
            form.append("&audience=").append(encode(audience));
        }
        if (scope != null) {
            form.append("&scope=").append(encode(scope));
        }
        HttpRequest request = HttpRequest.newBuilder(tokenEndpoint)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new VendException.Unavailable("unreachable", e.getClass().getSimpleName(), "", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VendException.Unavailable("unreachable", "interrupted", "", e);
        }
        return read(response);
    }

    private static Map<String, Object> read(HttpResponse<String> response) {
        Map<String, Object> body;
        try {
            body = JSONObjectUtils.parse(response.body());
        } catch (ParseException e) {
            throw new VendException.ServerError("invalid_response",
                    "HTTP " + response.statusCode() + " without a JSON body", "");
        }
        int status = response.statusCode();
        if (status == 200 && body.get("access_token") instanceof String
                && body.get("expires_in") instanceof Number) {
            return body;
        }
        String error = String.valueOf(body.getOrDefault("error", "invalid_response"));
        String description = String.valueOf(body.getOrDefault("error_description", ""));
        String requestId = String.valueOf(body.getOrDefault("request_id", ""));
        if (status == 503) {
            throw new VendException.Unavailable(error, description, requestId, null);
        }
        if (status >= 400 && status < 500) {
            throw new VendException.Refused(error, description, requestId);
        }
        throw new VendException.ServerError(error, description, requestId);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Waits between attempts; replaceable in tests. */
    @FunctionalInterface
    public interface Sleeper {
        /** Waits for the duration. */
        void sleep(Duration duration);
    }

    /** Configures a {@link VendClient}. */
    public static final class Builder {
        private final URI vend;
        private Supplier<Proof> proofs;
        private String audience;
        private String scope;
        private HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5)).build();
        private Clock clock = Clock.systemUTC();
        private int maxAttempts = 4;
        private Duration baseBackoff = Duration.ofMillis(500);
        private Sleeper sleeper = duration -> {
            try {
                Thread.sleep(duration.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };

        private Builder(URI vend) {
            this.vend = Objects.requireNonNull(vend, "vend");
        }

        /** Where fresh proofs come from; called once per attempt. */
        public Builder proofs(Supplier<Proof> supplier) {
            this.proofs = supplier;
            return this;
        }

        /** The audience to request (the API the token is for). */
        public Builder audience(String value) {
            this.audience = value;
            return this;
        }

        /** Space-separated scopes to request. */
        public Builder scope(String value) {
            this.scope = value;
            return this;
        }

        /** The HTTP client (TLS settings, proxies). */
        public Builder httpClient(HttpClient client) {
            this.http = client;
            return this;
        }

        /** The clock that decides when the cached token is refreshed. */
        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /** Attempts per exchange when Vend answers 503 or can not be reached (default 4). */
        public Builder maxAttempts(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = value;
            return this;
        }

        /** The first backoff; each retry doubles it, with jitter (default 500 ms). */
        public Builder backoff(Duration base, Sleeper waiter) {
            this.baseBackoff = base;
            this.sleeper = waiter;
            return this;
        }

        /** The client. */
        public VendClient build() {
            return new VendClient(this);
        }
    }
}
