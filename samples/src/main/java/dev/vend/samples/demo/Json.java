// SPDX-License-Identifier: Apache-2.0
package dev.vend.samples.demo;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Map;

/**
 * Prints one top-level member of the JSON object on standard input, so the demo script needs no
 * {@code jq}: strings bare, other values as JSON. Exits 1 when the input is not a JSON object or
 * the member is absent.
 *
 * <pre>
 * Json &lt;member&gt; &lt; document.json
 * </pre>
 */
public final class Json {

    private Json() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Json <member> < document.json");
            System.exit(2);
        }
        String text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        try {
            Map<String, Object> document = JSONObjectUtils.parse(text);
            if (!document.containsKey(args[0])) {
                System.err.println("Json: no member " + args[0]);
                System.exit(1);
            }
            Object value = document.get(args[0]);
            System.out.println(value instanceof String s ? s : render(args[0], value));
        } catch (ParseException e) {
            System.err.println("Json: not a JSON object: " + e.getMessage());
            System.exit(1);
        }
    }

    private static String render(String name, Object value) {
        String member = JSONObjectUtils.toJSONString(Map.of(name, value));
        // {"name":value} -> value
        return member.substring(member.indexOf(':') + 1, member.length() - 1);
    }
}
