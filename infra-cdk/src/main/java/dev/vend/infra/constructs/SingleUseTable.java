// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra.constructs;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.Billing;
import software.amazon.awscdk.services.dynamodb.ITableV2;
import software.amazon.awscdk.services.dynamodb.TableV2;
import software.constructs.Construct;

/**
 * The DynamoDB table that records consumed challenges and inbound token ids ({@code jti}).
 *
 * <p>Every item carries its expiry in {@value #TTL_ATTRIBUTE} (epoch seconds). DynamoDB's TTL
 * only cleans up: the consuming write checks expiry itself, because TTL deletes late. The
 * contents are worthless once expired, so the table is destroyed with the stack.
 */
public final class SingleUseTable extends Construct {

    /** Partition key attribute name. */
    public static final String PARTITION_KEY = "pk";
    /** The attribute DynamoDB's time to live reads, in epoch seconds. */
    public static final String TTL_ATTRIBUTE = "expires_at";

    private final TableV2 table;

    /** Creates the table under {@code scope}. */
    public SingleUseTable(Construct scope, String id) {
        super(scope, id);
        this.table = TableV2.Builder.create(this, "Table")
                .partitionKey(Attribute.builder()
                        .name(PARTITION_KEY)
                        .type(AttributeType.STRING)
                        .build())
                .timeToLiveAttribute(TTL_ATTRIBUTE)
                .billing(Billing.onDemand())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
    }

    /** The table, for grants and for the function's configuration. */
    public ITableV2 table() {
        return table;
    }
}
