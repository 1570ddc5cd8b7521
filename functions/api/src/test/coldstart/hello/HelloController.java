// SPDX-License-Identifier: Apache-2.0
package hello;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/** The bare baseline: one route that does nothing. */
@Controller("/hello")
public class HelloController {

    @Get(produces = "text/plain")
    public String hello() {
        return "hello";
    }
}
