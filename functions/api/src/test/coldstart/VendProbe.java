// SPDX-License-Identifier: Apache-2.0

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.vend.api.lambda.VendLambdaHandler;
import dev.vend.api.snapstart.SnapStartPriming;
import io.micronaut.function.aws.proxy.MockLambdaContext;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One cold start of Vend as Lambda runs it: the handler's no-argument constructor builds the
 * application context from the environment (VEND_ISSUER_URL, …), then one POST /token with the
 * form read from the file named by the first argument. Prints "RESULT <status> <ms since JVM
 * start> <ms since JVM start when the handler was built> <CPU ms of the process>". With a second
 * argument "prime", runs the SnapStart priming first and brackets the first request with two
 * marker classes, so a -Xlog:class+load log shows what it still loads.
 */
public final class VendProbe {

    /** Loaded just before the measured request. */
    static final class BeforeFirstRequest {
    }

    /** Loaded just after it. */
    static final class AfterFirstRequest {
    }

    public static void main(String[] args) throws Exception {
        String form = Files.readString(Path.of(args[0])).strip();
        var handler = new VendLambdaHandler();
        long initMillis = sinceJvmStart();
        if (args.length > 1 && args[1].equals("prime")) {
            handler.getApplicationContext().getBean(SnapStartPriming.class)
                    .beforeCheckpoint(null);
        }
        new BeforeFirstRequest();
        APIGatewayV2HTTPResponse response = handler.handleRequest(event(form),
                new MockLambdaContext());
        new AfterFirstRequest();
        long millis = sinceJvmStart();
        System.out.println("RESULT " + response.getStatusCode() + " " + millis + " "
                + initMillis + " " + cpuMillis());
        System.exit(response.getStatusCode() == 200 ? 0 : 1);
    }

    /** CPU time of the whole process so far, all threads (JIT and GC included). */
    static long cpuMillis() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000;
    }

    private static long sinceJvmStart() {
        return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    static APIGatewayV2HTTPEvent event(String form) {
        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod("POST").withPath("/token").withProtocol("HTTP/1.1")
                .withSourceIp("192.0.2.10").withUserAgent("coldstart").build();
        var context = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withHttp(http).withRequestId("cold").withRouteKey("POST /token")
                .withStage("$default").withAccountId("123456789012").withApiId("api")
                .withDomainName("vend.test").withTimeEpoch(System.currentTimeMillis()).build();
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", "application/x-www-form-urlencoded");
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0").withRouteKey("POST /token").withRawPath("/token")
                .withRawQueryString("").withHeaders(headers).withRequestContext(context)
                .withBody(form).withIsBase64Encoded(false).build();
    }
}
