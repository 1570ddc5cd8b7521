// SPDX-License-Identifier: Apache-2.0
package dev.vend.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The strict JSON reader and the plain-value writer. */
class JsonTest {

    private static final Json.Limits SMALL = new Json.Limits(3, 10, 5, false);

    @Test
    void readWhenDocumentIsValidThenTreeEqualsDataBindingTree() throws IOException {
        String text = "{\"iss\":\"https://a\",\"aud\":[\"x\",\"y\"],\"exp\":1700000000,"
                + "\"big\":123456789012345678901234567890,\"small\":7,\"f\":1.5,"
                + "\"t\":true,\"n\":null,\"o\":{\"k\":[{}]},\"u\":\"\\u00e9\"}";

        JsonNode tree = Json.reader().read(text);

        assertThat(tree).isEqualTo(new ObjectMapper().readTree(text));
        assertThat(tree.get("small").isInt()).isTrue();
        assertThat(tree.get("exp").canConvertToLong()).isTrue();
        assertThat(tree.get("big").isBigInteger()).isTrue();
        assertThat(tree.get("f").isDouble()).isTrue();
        assertThat(Json.reader().read(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(tree);
    }

    @Test
    void readWhenNumbersAreExactThenIntegersAreBigIntegersAndFractionsBigDecimals()
            throws IOException {
        var exact = Json.reader(new Json.Limits(4, 100, 40, true));

        JsonNode tree = exact.read("{\"i\":1,\"f\":0.1}");

        assertThat(tree.get("i").bigIntegerValue()).isEqualTo(BigInteger.ONE);
        assertThat(tree.get("i").isBigInteger()).isTrue();
        assertThat(tree.get("f").isBigDecimal()).isTrue();
        assertThat(tree.get("f").decimalValue()).isEqualByComparingTo(new BigDecimal("0.1"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "{\"a\":1,\"a\":2}",
        "{\"a\":{\"b\":1,\"b\":1}}",
        "{\"a\":1} {}",
        "{\"a\":1}x",
        "[1] [2]",
        "{\"a\":1",
        "{'a':1}",
        "{a:1}",
        "{\"a\":01}",
        "{\"a\":NaN}",
        "{\"a\":1,}",
        "// c\n{}",
    })
    void readWhenTextIsNotOneStrictValueThenRefused(String text) {
        assertThatThrownBy(() -> Json.reader().read(text)).isInstanceOf(IOException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"1e999999999", "-1E+1001", "1e-1001", "0.5e-999999999",
        "1e9999999999", "0e99999999999999999999", "1.5E-2147483649", "1e301", "-1e-301",
        "12345.6e297"})
    void readWhenExactNumberHasAHugeExponentThenRefused(String number) {
        var exact = Json.reader(new Json.Limits(4, 100, 40, true));

        assertThatThrownBy(() -> exact.read("{\"n\":" + number + "}"))
                .isInstanceOf(IOException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"1e999", "-1e400"})
    void readWhenNumberOverflowsADoubleThenRefused(String number) {
        assertThatThrownBy(() -> Json.reader().read("[" + number + "]"))
                .isInstanceOf(IOException.class);
    }

    @Test
    void readWhenNumbersAreExactThenTreeEqualsDataBindingTreeWithExactNumbers()
            throws IOException {
        String text = "{\"a\":1.50,\"b\":100.0,\"c\":0.0,\"d\":-0.000,\"e\":12,"
                + "\"f\":1e2,\"g\":[3.140,2.5e-3]}";
        var dataBinding = new ObjectMapper()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

        JsonNode tree = Json.reader(new Json.Limits(4, 100, 40, true)).read(text);

        assertThat(tree).isEqualTo(dataBinding.readTree(text));
        assertThat(tree.get("a").decimalValue()).isEqualTo(new BigDecimal("1.5"));
    }

    @Test
    void readWhenExactNumberHasTheLargestExponentThenAccepted() throws IOException {
        var exact = Json.reader(new Json.Limits(4, 100, 40, true));

        JsonNode numbers = exact.read("[1e300,-1e-300,1234.5e296,0e-301]");

        assertThat(numbers.get(0).decimalValue()).isEqualByComparingTo("1e300");
        assertThat(numbers.get(1).decimalValue()).isEqualByComparingTo("-1e-300");
        assertThat(numbers.get(2).decimalValue().doubleValue()).isFinite();
        assertThat(numbers.get(3).decimalValue().signum()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "[[[[1]]]]",
        "{\"a\":{\"b\":{\"c\":{}}}}",
        "{\"a\":\"12345678901\"}",
        "{\"a\":123456}",
    })
    void readWhenDocumentExceedsLimitsThenRefused(String text) {
        assertThatThrownBy(() -> Json.reader(SMALL).read(text)).isInstanceOf(IOException.class);
    }

    @Test
    void readWhenDocumentIsAtLimitsThenAccepted() throws IOException {
        assertThat(Json.reader(SMALL).read("[[[\"1234567890\",12345]]]").isArray()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"s\":\"a\\ud800\"}", "{\"s\":\"\\udfffa\"}",
        "{\"a\\ud800\":1}", "[\"\\ud800\\ud800\"]", "[\"\\udc00\\ud800\"]"})
    void readWhenAStringHoldsHalfASurrogatePairThenRefused(String text) {
        assertThatThrownBy(() -> Json.reader().read(text)).isInstanceOf(IOException.class);
    }

    @Test
    void readWhenAStringHoldsAWholeSurrogatePairThenKept() throws IOException {
        assertThat(Json.reader().read("[\"\\ud83d\\ude00 \ud83d\ude00\"]").get(0).textValue())
                .isEqualTo("\ud83d\ude00 \ud83d\ude00");
    }

    @Test
    void readWhenTextIsEmptyThenMissingNode() throws IOException {
        assertThat(Json.reader().read("  ").isMissingNode()).isTrue();
    }

    @Test
    void writeWhenPlainValuesThenSameTextAsDataBinding() throws IOException {
        var value = new LinkedHashMap<String, Object>();
        value.put("s", "a\"b\\c\u0001é");
        value.put("i", 3);
        value.put("l", 1L << 40);
        value.put("d", 0.25);
        value.put("float", 0.1f);
        value.put("big", new BigInteger("123456789012345678901234567890"));
        value.put("dec", new BigDecimal("1.10"));
        value.put("b", false);
        value.put("n", null);
        value.put("list", List.of("x", 1));
        value.put("set", new TreeSet<>(List.of("b", "a")));
        value.put("map", Map.of("k", List.of()));

        assertThat(Json.write(value)).isEqualTo(new ObjectMapper().writeValueAsString(value));
    }

    @Test
    void writeWhenValueIsNotPlainThenRefused() {
        assertThatThrownBy(() -> Json.write(Map.of("when", new Object())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.write(Map.of(1, "x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.write(List.of(Double.NaN)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
