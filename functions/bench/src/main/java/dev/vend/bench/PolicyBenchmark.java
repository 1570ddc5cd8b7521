// SPDX-License-Identifier: Apache-2.0
package dev.vend.bench;

import com.nimbusds.jose.JWSAlgorithm;
import dev.vend.model.IssuedToken;
import dev.vend.model.TokenRequest;
import dev.vend.model.VerifiedIdentity;
import dev.vend.policy.Decision;
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

/**
 * Policy evaluation for one issuer with 10, 1,000 and 10,000 policies, of which exactly one can
 * match: {@link #evaluate()} is {@code PolicyEngine.evaluate} on the folder store, whose index
 * returns only the policies that pin this workload's {@code sub} or pin nothing on it;
 * {@link #vend()} is the whole warm vend path with the same policies (ES256 in and out), to show
 * what the audit record of the candidates' outcomes adds. The policies differ only on the exact
 * {@code sub} they pin, the shape the index serves best; policies told apart only by patterns
 * would all be candidates, and their cost would grow with their number.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PolicyBenchmark {

    /** How many policies the issuer has. */
    @Param({"10", "1000", "10000"})
    public int policies = 10;

    private VendPipeline pipeline;
    private VerifiedIdentity identity;
    private TokenRequest request;

    @Setup(Level.Trial)
    public void setUp() {
        pipeline = VendPipeline.start(JWSAlgorithm.ES256, JWSAlgorithm.ES256, policies);
        String token = pipeline.token();
        request = VendPipeline.request(token);
        identity = pipeline.identity(token);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pipeline.close();
    }

    @Benchmark
    public Decision evaluate() {
        return pipeline.policies().evaluate(identity, request);
    }

    @Benchmark
    public IssuedToken vend() {
        return pipeline.service().vend(request);
    }
}
