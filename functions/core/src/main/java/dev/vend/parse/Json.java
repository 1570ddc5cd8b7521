// SPDX-License-Identifier: Apache-2.0
package dev.vend.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * Reads JSON documents into Jackson trees and writes plain values (maps, lists, strings, numbers,
 * booleans) as JSON, on Jackson's streaming parser and generator alone.
 *
 * <p>Every reader is strict: a duplicate member, a token after the root value, and a document
 * deeper, longer-stringed or longer-numbered than its {@link Limits} are refused. The trees are
 * the usual {@link JsonNode}s, but no {@code ObjectMapper} is built: an object mapper loads about
 * four hundred classes of Jackson's data binding on its first use, which cost a Lambda cold start
 * about a tenth of a second (docs/performance.md, "JVM cold start"), and Vend binds no objects.
 *
 * <p>Readers and the writer are immutable and thread-safe.
 */
public final class Json {

    /**
     * The largest decimal exponent, either way, of an exact number other than zero: every such
     * number is a finite, normal double, so a relying party's JSON library reads a claim Vend
     * carries as the same number.
     */
    public static final int MAX_EXPONENT = 300;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonFactory WRITER = JsonFactory.builder().build();

    private Json() {
    }

    /**
     * How large and deep a document may be, and how its numbers become nodes.
     *
     * @param maxDepth the deepest nesting of objects and arrays
     * @param maxStringLength the longest string value, in characters
     * @param maxNumberLength the longest number, in characters
     * @param exactNumbers whether every integer becomes a {@code BigInteger} node and every
     *     fraction a {@code BigDecimal} node, whose exponent may be at most
     *     {@link #MAX_EXPONENT} either way (else: int, long or BigInteger by size, and double)
     */
    public record Limits(int maxDepth, int maxStringLength, int maxNumberLength,
            boolean exactNumbers) {

        /** Jackson's own limits, with numbers as int, long or double nodes. */
        public static Limits defaults() {
            StreamReadConstraints jackson = StreamReadConstraints.defaults();
            return new Limits(jackson.getMaxNestingDepth(), jackson.getMaxStringLength(),
                    jackson.getMaxNumberLength(), false);
        }
    }

    /** A strict reader with Jackson's own limits. */
    public static Reader reader() {
        return new Reader(Limits.defaults());
    }

    /** A strict reader with the given limits. */
    public static Reader reader(Limits limits) {
        return new Reader(limits);
    }

    /** Reads JSON text into trees. */
    public static final class Reader {

        private final JsonFactory factory;
        private final boolean exactNumbers;

        private Reader(Limits limits) {
            this.factory = JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(limits.maxDepth())
                            .maxStringLength(limits.maxStringLength())
                            .maxNumberLength(limits.maxNumberLength())
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build();
            this.exactNumbers = limits.exactNumbers();
        }

        /**
         * The document's root value; a {@link MissingNode} for a text with no value at all.
         *
         * @throws IOException if the text is not one strict JSON value within the limits (a
         *     number whose exponent the JDK can not even represent included)
         */
        public JsonNode read(String text) throws IOException {
            try (JsonParser parser = factory.createParser(text)) {
                return readRoot(parser);
            } catch (NumberFormatException e) {
                throw new IOException("number out of range");
            }
        }

        /**
         * The document's root value; a {@link MissingNode} for bytes with no value at all.
         *
         * @throws IOException if the bytes are not one strict JSON value within the limits
         */
        public JsonNode read(byte[] bytes) throws IOException {
            try (JsonParser parser = factory.createParser(bytes)) {
                return readRoot(parser);
            } catch (NumberFormatException e) {
                throw new IOException("number out of range");
            }
        }

        private JsonNode readRoot(JsonParser parser) throws IOException {
            if (parser.nextToken() == null) {
                return MissingNode.getInstance();
            }
            JsonNode root = value(parser);
            if (parser.nextToken() != null) {
                throw new IOException("trailing content after the JSON value");
            }
            return root;
        }

        /** The value whose first token the parser stands on. */
        private JsonNode value(JsonParser parser) throws IOException {
            JsonToken token = parser.currentToken();
            return switch (token) {
                case START_OBJECT -> object(parser);
                case START_ARRAY -> array(parser);
                case VALUE_STRING -> NODES.textNode(text(parser));
                case VALUE_NUMBER_INT -> integer(parser);
                case VALUE_NUMBER_FLOAT -> fraction(parser);
                case VALUE_TRUE -> NODES.booleanNode(true);
                case VALUE_FALSE -> NODES.booleanNode(false);
                case VALUE_NULL -> NODES.nullNode();
                default -> throw new IOException("unexpected JSON token " + token);
            };
        }

        private ObjectNode object(JsonParser parser) throws IOException {
            ObjectNode object = NODES.objectNode();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = text(parser);
                parser.nextToken();
                object.set(name, value(parser));
            }
            return object;
        }

        private ArrayNode array(JsonParser parser) throws IOException {
            ArrayNode array = NODES.arrayNode();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                array.add(value(parser));
            }
            return array;
        }

        /**
         * A fraction or an exponent form. Exact ones are refused beyond {@link #MAX_EXPONENT}: a
         * short text such as {@code 1e999999999} is a {@code BigDecimal} that costs nothing to
         * hold, but a billion digits to print or to turn into an integer, and one beyond a
         * double's range would be carried into Vend's tokens as a number other libraries can
         * not read. Others are refused when they overflow a double.
         */
        private JsonNode fraction(JsonParser parser) throws IOException {
            if (!exactNumbers) {
                double value = parser.getDoubleValue();
                if (Double.isInfinite(value)) {
                    throw new IOException("number out of range");
                }
                return NODES.numberNode(value);
            }
            // Without trailing zeros, as Jackson's data binding made them: 1.50 is 1.5.
            BigDecimal value = parser.getDecimalValue().stripTrailingZeros();
            long exponent = (long) value.precision() - value.scale() - 1;
            if (value.signum() != 0 && Math.abs(exponent) > MAX_EXPONENT) {
                throw new IOException("number out of range");
            }
            return NODES.numberNode(value);
        }

        /**
         * A string or member name, refused when an escape left half of a surrogate pair alone
         * ({@code "\\ud800"}): no UTF-8 can hold it, so written out again it would become
         * {@code ?}, and two different names would become one.
         */
        private static String text(JsonParser parser) throws IOException {
            String text = parser.getText();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new IOException("string holds half of a surrogate pair");
                }
            }
            return text;
        }

        private JsonNode integer(JsonParser parser) throws IOException {
            if (exactNumbers) {
                return NODES.numberNode(parser.getBigIntegerValue());
            }
            return switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
        }
    }

    /**
     * Writes a value as one line of JSON: maps (with string keys) as objects, collections as
     * arrays, and strings, numbers, booleans and null as themselves.
     *
     * @throws IllegalArgumentException for any other kind of value, a key that is not a string,
     *     or a number JSON can not hold (NaN, infinity)
     */
    public static String write(Object value) {
        var out = new StringWriter();
        try (JsonGenerator generator = WRITER.createGenerator(out)) {
            write(generator, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator out, Object value) throws IOException {
        if (value == null) {
            out.writeNull();
        } else if (value instanceof String text) {
            out.writeString(text);
        } else if (value instanceof Boolean bool) {
            out.writeBoolean(bool);
        } else if (value instanceof Number number) {
            writeNumber(out, number);
        } else if (value instanceof Map<?, ?> map) {
            writeObject(out, map);
        } else if (value instanceof Collection<?> items) {
            writeArray(out, items);
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private static void writeObject(JsonGenerator out, Map<?, ?> map) throws IOException {
        out.writeStartObject();
        for (Map.Entry<?, ?> member : map.entrySet()) {
            if (!(member.getKey() instanceof String name)) {
                throw new IllegalArgumentException("a JSON member name must be a string");
            }
            out.writeFieldName(name);
            write(out, member.getValue());
        }
        out.writeEndObject();
    }

    private static void writeArray(JsonGenerator out, Collection<?> items) throws IOException {
        out.writeStartArray();
        for (Object item : items) {
            write(out, item);
        }
        out.writeEndArray();
    }

    private static void writeNumber(JsonGenerator out, Number number) throws IOException {
        if (number instanceof Integer || number instanceof Short || number instanceof Byte) {
            out.writeNumber(number.intValue());
        } else if (number instanceof Float value && Float.isFinite(value)) {
            out.writeNumber(value);
        } else if (number instanceof Long value) {
            out.writeNumber(value);
        } else if (number instanceof BigInteger value) {
            out.writeNumber(value);
        } else if (number instanceof BigDecimal value) {
            out.writeNumber(value);
        } else if (Double.isFinite(number.doubleValue())) {
            out.writeNumber(number.doubleValue());
        } else {
            throw new IllegalArgumentException("JSON can not hold " + number);
        }
    }
}
