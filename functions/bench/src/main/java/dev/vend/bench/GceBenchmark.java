// SPDX-License-Identifier: Apache-2.0
package dev.vend.bench;

import com.nimbusds.jose.JOSEException;
import dev.vend.model.Attestation;
import dev.vend.model.TokenTypes;
import dev.vend.model.VerifiedIdentity;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The GCE identity token against its floor: {@link #verify()} is
 * {@code VerifierRegistry.verify} of a {@code format=full} VM token signed RS256 with an
 * RSA-2048 test key (the registry reads {@code iss}, then the verifier parses the JWS, checks the
 * header, finds the key in the issuer's JWKS file, verifies the signature, checks issuer, times,
 * audience and challenge, the {@code compute_engine} block, maps the attributes and consumes the
 * challenge); {@link #floor()} is one RS256 verification of the same token with the same key
 * ({@link JwsFloor}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GceBenchmark {

    private CloudVerifiers cloud;
    private Attestation token;
    private JwsFloor floor;

    @Setup(Level.Trial)
    public void setUp() {
        cloud = CloudVerifiers.start();
        String jws = cloud.gceToken();
        token = new Attestation(TokenTypes.JWT, jws);
        floor = new JwsFloor(jws, cloud.googleKey());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cloud.close();
    }

    @Benchmark
    public VerifiedIdentity verify() {
        return cloud.verifiers().verify(token);
    }

    @Benchmark
    public boolean floor() throws JOSEException {
        return floor.verify();
    }

    CloudVerifiers cloud() {
        return cloud;
    }

    JwsFloor jwsFloor() {
        return floor;
    }
}
