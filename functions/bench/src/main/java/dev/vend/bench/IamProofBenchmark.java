// SPDX-License-Identifier: Apache-2.0
package dev.vend.bench;

import dev.vend.model.Attestation;
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
 * The AWS IAM proof alone, without the network: {@link #verify()} is
 * {@code VerifierRegistry.verify} of a role session's proof (strict JSON, shape checks, the
 * request rebuilt, the canned STS answer parsed as XML, the challenge consumed). It has no
 * cryptographic floor in process: Vend checks no signature here, STS does, and the STS round trip
 * that {@link CannedSts} replaces is the real cost of this proof.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IamProofBenchmark {

    private CloudVerifiers cloud;
    private Attestation proof;

    @Setup(Level.Trial)
    public void setUp() {
        cloud = CloudVerifiers.start();
        proof = cloud.iamProof();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cloud.close();
    }

    @Benchmark
    public VerifiedIdentity verify() {
        return cloud.verifiers().verify(proof);
    }

    CloudVerifiers cloud() {
        return cloud;
    }
}
