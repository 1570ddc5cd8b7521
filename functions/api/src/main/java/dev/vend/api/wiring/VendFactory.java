// SPDX-License-Identifier: Apache-2.0
package dev.vend.api.wiring;

import dev.vend.audit.AuditLog;
import dev.vend.aws.DynamoDbClients;
import dev.vend.aws.singleuse.DynamoDbSingleUseStore;
import dev.vend.audit.JsonAuditLog;
import dev.vend.issue.KeyRing;
import dev.vend.vend.TokenVendingService;
import dev.vend.verify.HttpsFetcher;
import dev.vend.verify.InMemorySingleUseStore;
import dev.vend.verify.SingleUseStore;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Secondary;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;

/**
 * Builds the object graph once per execution environment. The assembly is a {@link Context}
 * bean, so a misconfigured function fails its cold start instead of serving. The clock, audit
 * log, single-use store and fetcher are secondary: an embedding (a test, SnapStart priming) may
 * register its own.
 */
@Factory
public class VendFactory {

    @Singleton
    @Secondary
    Clock clock() {
        return Clock.systemUTC();
    }

    @Singleton
    @Secondary
    AuditLog auditLog() {
        return new JsonAuditLog();
    }

    @Singleton
    @Secondary
    SingleUseStore singleUseStore(VendSettings settings) {
        if (settings.singleUseTable() == null || settings.singleUseTable().isBlank()) {
            return new InMemorySingleUseStore();
        }
        URI endpoint = settings.dynamodbEndpoint() == null ? null
                : URI.create(settings.dynamodbEndpoint());
        return new DynamoDbSingleUseStore(DynamoDbClients.create(endpoint),
                settings.singleUseTable());
    }

    @Singleton
    @Secondary
    HttpsFetcher httpsFetcher() {
        return HttpsFetcher.withDefaultTrust();
    }

    @Context
    VendAssembly assembly(VendSettings settings, Clock clock, SingleUseStore singleUse,
            AuditLog auditLog, HttpsFetcher fetcher) {
        return VendAssembly.build(settings,
                new VendAssembly.Environment(clock, singleUse, auditLog, fetcher));
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
