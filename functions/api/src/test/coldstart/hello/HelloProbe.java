// SPDX-License-Identifier: Apache-2.0
package hello;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.micronaut.function.aws.proxy.MockLambdaContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import java.lang.management.ManagementFactory;
import java.util.HashMap;

/** One cold start of a bare Micronaut HTTP API handler: GET /hello. Prints like VendProbe. */
public final class HelloProbe {

    public static void main(String[] args) {
        var handler = new APIGatewayV2HTTPEventFunction();
        long initMillis = System.currentTimeMillis()
                - ManagementFactory.getRuntimeMXBean().getStartTime();
        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod("GET").withPath("/hello").withProtocol("HTTP/1.1")
                .withSourceIp("192.0.2.10").withUserAgent("coldstart").build();
        var context = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withHttp(http).withRequestId("cold").withRouteKey("GET /hello")
                .withStage("$default").withAccountId("123456789012").withApiId("api")
                .withDomainName("vend.test").withTimeEpoch(System.currentTimeMillis()).build();
        var event = APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0").withRouteKey("GET /hello").withRawPath("/hello")
                .withRawQueryString("").withHeaders(new HashMap<>()).withRequestContext(context)
                .withIsBase64Encoded(false).build();
        int status = handler.handleRequest(event, new MockLambdaContext()).getStatusCode();
        long millis = System.currentTimeMillis()
                - ManagementFactory.getRuntimeMXBean().getStartTime();
        long cpuMillis = ((com.sun.management.OperatingSystemMXBean) ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000;
        System.out.println("RESULT " + status + " " + millis + " " + initMillis + " " + cpuMillis);
        System.exit(status == 200 ? 0 : 1);
    }
}
