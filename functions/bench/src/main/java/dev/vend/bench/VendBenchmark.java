// SPDX-License-Identifier: Apache-2.0
package dev.vend.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import dev.vend.model.Attestation;
import dev.vend.model.IssuedToken;
import dev.vend.model.TokenRequest;
import dev.vend.model.VerifiedIdentity;
import dev.vend.policy.Decision;
import dev.vend.policy.Entitlement;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The warm vend path of one OIDC token against its floor, in the same run and fork, for every
 * combination of inbound and outbound algorithm: {@link #vend()} is
 * {@code TokenVendingService.vend} (parse, verify, policy, issue, audit serialised and
 * discarded); {@link #floor(Blackhole)} is one verification plus one signature with the same keys.
 * {@link #verifyStep()} and {@link #issueStep()} time the two expensive steps alone, to show
 * where the time above the floor goes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class VendBenchmark {

    /** The incoming token's algorithm. */
    @Param({"RS256", "ES256"})
    public String inbound = "RS256";

    /** The algorithm Vend signs with. */
    @Param({"RS256", "ES256"})
    public String outbound = "RS256";

    private VendPipeline pipeline;
    private TokenRequest request;
    private CryptoFloor floor;
    private Attestation attestation;
    private VerifiedIdentity identity;
    private Entitlement entitlement;

    @Setup(Level.Trial)
    public void setUp() {
        pipeline = VendPipeline.start(JWSAlgorithm.parse(inbound), JWSAlgorithm.parse(outbound), 1);
        String token = pipeline.token();
        request = VendPipeline.request(token);
        IssuedToken issued = pipeline.service().vend(request);
        attestation = request.attestation();
        identity = pipeline.identity(token);
        entitlement = ((Decision.Allow) pipeline.policies().evaluate(identity, request))
                .entitlement();
        floor = new CryptoFloor(token, pipeline.inboundKey(), pipeline.signingKey(),
                issued.accessToken());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pipeline.close();
    }

    @Benchmark
    public IssuedToken vend() {
        return pipeline.service().vend(request);
    }

    @Benchmark
    public void floor(Blackhole blackhole) throws JOSEException {
        blackhole.consume(floor.verifyInbound());
        blackhole.consume(floor.signOutbound());
    }

    /** {@code VerifierRegistry.verify}: parse, header and signature checks, claims. */
    @Benchmark
    public VerifiedIdentity verifyStep() {
        return pipeline.verifiers().verify(attestation);
    }

    /** {@code TokenIssuer.issue}: claims, header, one signature, serialisation. */
    @Benchmark
    public IssuedToken issueStep() {
        return pipeline.issuer().issue(identity, entitlement);
    }

    VendPipeline pipeline() {
        return pipeline;
    }

    CryptoFloor cryptoFloor() {
        return floor;
    }
}
