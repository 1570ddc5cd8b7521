// SPDX-License-Identifier: Apache-2.0
package dev.vend.bench;

import dev.vend.model.Attestation;
import dev.vend.model.VerifiedIdentity;
import java.security.GeneralSecurityException;
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
 * The EC2 bundle against its floor, for each form of the instance identity document:
 * {@link #verify()} is {@code VerifierRegistry.verify} of a bundle (strict JSON, the document's
 * signature against the certificate Vend ships for its region, the document's attributes, the
 * IAM proof parsed and its request rebuilt, the canned STS answer parsed as XML, both halves
 * matched, the challenge consumed); {@link #floor()} is one signature check of the same document
 * bytes with the same key ({@link SignatureFloor}). The legacy forms are enabled for the run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class Ec2BundleBenchmark {

    /** The document's form: RSA-2048 PKCS7, DSA PKCS7, or RSA-1024 over the document. */
    @Param({"rsa2048", "pkcs7", "signature"})
    public String form = "rsa2048";

    private CloudVerifiers cloud;
    private Attestation bundle;
    private SignatureFloor floor;

    @Setup(Level.Trial)
    public void setUp() {
        cloud = CloudVerifiers.start();
        bundle = cloud.ec2Bundle(form);
        floor = InstanceDocuments.floor(InstanceDocuments.Form.of(form));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cloud.close();
    }

    @Benchmark
    public VerifiedIdentity verify() {
        return cloud.verifiers().verify(bundle);
    }

    @Benchmark
    public boolean floor() throws GeneralSecurityException {
        return floor.verify();
    }

    CloudVerifiers cloud() {
        return cloud;
    }
}
