// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra.constructs;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.Billing;
import software.amazon.awscdk.services.dynamodb.ITableV2;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.TableV2;
import software.constructs.Construct;

/**
 * The DynamoDB table the deployment loads policies into and the function reads them from.
 *
 * <p>Keys are the generic {@code pk} (partition) and {@code sk} (sort) strings, so one consistent
 * Query on the base table returns every candidate policy of a request. The table is retained on
 * stack deletion and has point-in-time recovery, because losing it would deny every request.
 */
public final class PolicyTable extends Construct {

    /** Partition key attribute name. */
    public static final String PARTITION_KEY = "pk";
    /** Sort key attribute name. */
    public static final String SORT_KEY = "sk";

    private final TableV2 table;

    /** Creates the table under {@code scope}. */
    public PolicyTable(Construct scope, String id) {
        super(scope, id);
        this.table = TableV2.Builder.create(this, "Table")
                .partitionKey(stringAttribute(PARTITION_KEY))
                .sortKey(stringAttribute(SORT_KEY))
                .billing(Billing.onDemand())
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true)
                        .build())
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    /** The table, for grants and for the function's configuration. */
    public ITableV2 table() {
        return table;
    }

    private static Attribute stringAttribute(String name) {
        return Attribute.builder().name(name).type(AttributeType.STRING).build();
    }
}
