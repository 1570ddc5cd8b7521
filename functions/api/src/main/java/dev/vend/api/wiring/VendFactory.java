// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.wiring;

import dev.vend.api.snapstart.RestoreAwareClient;
import dev.vend.audit.AuditLog;
import dev.vend.audit.JsonAuditLog;
import dev.vend.audit.MetricsAuditLog;
import dev.vend.aws.DynamoDbClients;
import dev.vend.aws.kms.KmsClients;
import dev.vend.aws.singleuse.DynamoDbSingleUseStore;
import dev.vend.aws.sts.StsCredentialsVendor;
import dev.vend.challenge.Challenges;
import dev.vend.issue.KeyRing;
import dev.vend.metrics.RequestMetrics;
import dev.vend.vend.TokenVendingService;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.SingleUseStore;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Secondary;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Builds the object graph once per execution environment. The assembly is a {@link Context}
 * bean, so a misconfigured function fails its cold start instead of serving. The clock, audit
 * log, request metrics, single-use store and fetcher are secondary: an embedding (a test,
 * SnapStart priming) may register its own.
 */
@Factory
public class VendFactory {

    @Singleton
    @Secondary
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * The scopes of the requests in progress: the controllers open one per request, the
     * components record into it, and the metric line of the request reads it.
     */
    @Singleton
    @Secondary
    RequestMetrics requestMetrics() {
        return new RequestMetrics();
    }

    /**
     * The audit log: JSON lines, plus one CloudWatch metric line per event, carrying the
     * request's dependency metrics, wherever Vend does not run as the local server (whose output
     * is read by people and the demo).
     */
    @Singleton
    @Secondary
    AuditLog auditLog(Environment environment, Clock clock, RequestMetrics metrics) {
        AuditLog audit = new JsonAuditLog();
        return environment.getActiveNames().contains("local") ? audit
                : new MetricsAuditLog(audit, clock, metrics);
    }

    @Singleton
    @Secondary
    SingleUseStore singleUseStore(VendSettings settings,
            RestoreAwareClient<DynamoDbClient> dynamoDb, RequestMetrics metrics) {
        if (settings.singleUseTable() == null || settings.singleUseTable().isBlank()) {
            return new InMemorySingleUseStore();
        }
        return new DynamoDbSingleUseStore(dynamoDb.client(), settings.singleUseTable(), metrics);
    }

    /**
     * The DynamoDB client of every DynamoDB adapter: built on first use, and dropped with its
     * connections and credentials after a SnapStart restore.
     */
    @Singleton
    RestoreAwareClient<DynamoDbClient> dynamoDbClient(VendSettings settings, Clock clock) {
        URI endpoint = EndpointOverride.parse(EndpointOverride.DYNAMODB,
                settings.dynamodbEndpoint());
        return new RestoreAwareClient<>("dynamodb", DynamoDbClient.class,
                () -> DynamoDbClients.create(endpoint), clock);
    }

    /** Challenges on the same single-use store the verifiers consume them from. */
    @Singleton
    Challenges challenges(SingleUseStore singleUse, Clock clock) {
        return new Challenges(singleUse, clock);
    }

    @Singleton
    @Secondary
    HttpsFetcher httpsFetcher() {
        return HttpsFetcher.withDefaultTrust();
    }

    /**
     * The KMS client the signers use: built when the assembly fetches the public keys (before
     * the snapshot), and dropped with its connections and credentials after a restore.
     */
    @Singleton
    RestoreAwareClient<KmsClient> kmsClient(VendSettings settings, Clock clock) {
        URI endpoint = EndpointOverride.parse(EndpointOverride.KMS, settings.kmsEndpoint());
        return new RestoreAwareClient<>("kms", KmsClient.class,
                () -> KmsClients.create(endpoint), clock);
    }

    /**
     * The STS client that vends AWS credentials ({@code AssumeRole}): built on the first
     * credentials vended (priming vends none), and dropped with its connections and credentials
     * after a restore. Its endpoint comes from the SDK's own configuration
     * ({@code AWS_ENDPOINT_URL_STS}) or the region's.
     */
    @Singleton
    RestoreAwareClient<StsClient> stsClient(Clock clock) {
        return new RestoreAwareClient<>("sts", StsClient.class,
                () -> StsCredentialsVendor.clientBuilder(null).build(), clock);
    }

    @Context
    VendAssembly assembly(VendSettings settings, Clock clock, SingleUseStore singleUse,
            AuditLog auditLog, HttpsFetcher fetcher, RequestMetrics metrics,
            RestoreAwareClient<KmsClient> kms, RestoreAwareClient<DynamoDbClient> dynamoDb,
            RestoreAwareClient<StsClient> sts) {
        return VendAssembly.build(settings,
                new VendAssembly.Environment(clock, singleUse, auditLog, fetcher, metrics),
                new VendAssembly.Clients(kms::client, dynamoDb::client, sts::client));
    }

    @Singleton
    TokenVendingService tokenVendingService(VendAssembly assembly) {
        return assembly.service();
    }

    @Singleton
    KeyRing keyRing(VendAssembly assembly) {
        return assembly.keys();
    }
}
