// SPDX-License-Identifier: Apache-2.0
package dev.vend.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynaliteTest {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Test
    void startWhenInstalledThenAnswersListTablesAndStopsOnClose() throws Exception {
        ProcessHandle handle;
        URI endpoint;
        try (var dynalite = Dynalite.start()) {
            handle = ProcessHandle.of(dynalite.pid()).orElseThrow();
            endpoint = dynalite.endpoint();
            assertThat(endpoint.toString()).isEqualTo("http://127.0.0.1:" + dynalite.port());

            var response = call(endpoint, "ListTables", "{}");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(JSONObjectUtils.parse(response.body()))
                    .containsKey("TableNames");
        }

        assertThat(handle.isAlive()).isFalse();
        assertThat(accepts(endpoint)).isFalse();
    }

    @Test
    void startWhenTableCreatedThenListedImmediately() throws Exception {
        try (var dynalite = Dynalite.start()) {
            var table = Dynalite.uniqueTableName("leases");
            var create = "{\"TableName\":\"" + table + "\","
                    + "\"AttributeDefinitions\":"
                    + "[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}],"
                    + "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],"
                    + "\"BillingMode\":\"PAY_PER_REQUEST\"}";

            var created = call(dynalite.endpoint(), "CreateTable", create);

            assertThat(created.statusCode()).isEqualTo(200);

            var describe = call(dynalite.endpoint(), "DescribeTable",
                    "{\"TableName\":\"" + table + "\"}");
            assertThat(describe.body()).contains("\"TableStatus\":\"ACTIVE\"");
            assertThat(call(dynalite.endpoint(), "ListTables", "{}").body()).contains(table);
        }
    }

    @Test
    void sharedWhenCalledTwiceThenSameRunningProcessThatCloseDoesNotStop() throws Exception {
        var shared = Dynalite.shared();

        shared.close();

        assertThat(Dynalite.shared()).isSameAs(shared);
        assertThat(shared.isRunning()).isTrue();
        assertThat(call(shared.endpoint(), "ListTables", "{}").statusCode()).isEqualTo(200);
    }

    @Test
    void startWhenNotInstalledThenMessageSaysRunNpmCi(@TempDir Path emptyRepo) {
        assertThatThrownBy(() -> Dynalite.start(emptyRepo, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("npm ci")
                .hasMessageContaining("repository root")
                .hasMessageContaining(emptyRepo.toString());
    }

    /** DynamoDB JSON 1.0 protocol; dynalite wants an Authorization header but not a valid one. */
    static HttpResponse<String> call(URI endpoint, String operation, String body)
            throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(endpoint.resolve("/"))
                .header("X-Amz-Target", "DynamoDB_20120810." + operation)
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Date", "20260101T000000Z")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential="
                        + Dynalite.ACCESS_KEY_ID + "/20260101/" + Dynalite.REGION
                        + "/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target,"
                        + " Signature=" + "0".repeat(64))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HTTP.send(request, BodyHandlers.ofString());
    }

    private static boolean accepts(URI endpoint) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
