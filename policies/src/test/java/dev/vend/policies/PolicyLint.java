// SPDX-License-Identifier: Apache-2.0
package dev.vend.policies;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.vend.parse.YamlDocuments;
import dev.vend.policy.FolderPolicyStore;
import dev.vend.policy.PolicyCompiler;
import dev.vend.verify.IssuerRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the lint tests share: the module folder, the schema, and a policy compiler set up as the
 * local server sets it up (the embedded issuer registry, the default lifetime cap of
 * {@code application.yml}, and a placeholder Vend issuer URL). Stateless; each method reads its
 * files again, which keeps the tests independent of one another.
 */
final class PolicyLint {

    /** Vend's issuer URL for linting; a policy may never issue for it. */
    static final String VEND_ISSUER_URL = "https://vend.example.com";

    /** The schema every shipped document must satisfy, relative to the module folder. */
    static final String SCHEMA_FILE = "policy.schema.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private PolicyLint() {
    }

    /** The policies module folder (Maven's {@code basedir}, else the working directory). */
    static Path moduleDir() {
        String basedir = System.getProperty("basedir");
        return Path.of(basedir != null ? basedir : System.getProperty("user.dir"))
                .toAbsolutePath().normalize();
    }

    /** The API module's main resources: the embedded issuer registry and application.yml. */
    static Path apiResources() {
        return moduleDir().resolve("../functions/api/src/main/resources").normalize();
    }

    /**
     * Every policy document a deployment ships: the {@code .yaml}, {@code .yml} and {@code .json}
     * files directly in the module folder, except the schema itself. This is the selection the
     * folder policy store makes, so the local server loads exactly what is linted here.
     */
    static List<Path> shippedDocuments() {
        try (Stream<Path> files = Files.list(moduleDir())) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().matches(".*\\.(ya?ml|json)"))
                    .filter(file -> !file.getFileName().toString().endsWith(".schema.json"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The examples whose issuers the embedded registry does not hold (a Kubernetes cluster,
     * Compute Engine): {@code examples/}, linted against {@link #exampleIssuers()}.
     */
    static Path examplesDir() {
        return moduleDir().resolve("examples");
    }

    /** The example documents, selected as the folder policy store selects them. */
    static List<Path> exampleDocuments() {
        return FolderPolicyStore.documentFiles(examplesDir());
    }

    /** The guard-rail fixtures: one unsafe document per rule. */
    static Path unsafeDir() {
        return moduleDir().resolve("src/test/resources/unsafe");
    }

    /** Reads a document exactly as Vend does: YAML 1.2 with the JSON schema. */
    static Map<String, Object> read(Path file) {
        try {
            return YamlDocuments.readMapping(file);
        } catch (YamlDocuments.DocumentException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** The issuer registry the local server embeds, with every entry checked. */
    static IssuerRegistry issuers() {
        Path file = apiResources().resolve("dev/vend/api/default-issuers.yaml");
        return IssuerRegistry.fromDocument(read(file),
                new IssuerRegistry.Settings(VEND_ISSUER_URL, file.getParent()));
    }

    /**
     * The embedded registry plus the entries of {@code src/test/resources/example-issuers.yaml},
     * which the examples name.
     */
    static IssuerRegistry exampleIssuers() {
        Path file = moduleDir().resolve("src/test/resources/example-issuers.yaml");
        var entries = new java.util.ArrayList<>(issuers().entries());
        entries.addAll(IssuerRegistry.fromDocument(read(file),
                new IssuerRegistry.Settings(VEND_ISSUER_URL, file.getParent())).entries());
        return IssuerRegistry.of(entries);
    }

    /** A compiler set up as the local server's, over {@link #exampleIssuers()}. */
    static PolicyCompiler exampleCompiler() {
        return new PolicyCompiler(exampleIssuers(),
                new PolicyCompiler.Limits(VEND_ISSUER_URL, deploymentLifetimeCap()));
    }

    /** The deployment's default cap on token lifetime ({@code vend.max-lifetime-seconds}). */
    static Duration deploymentLifetimeCap() {
        Object vend = read(apiResources().resolve("application.yml")).get("vend");
        if (vend instanceof Map<?, ?> settings
                && settings.get("max-lifetime-seconds") instanceof Number seconds) {
            return Duration.ofSeconds(seconds.longValue());
        }
        throw new AssertionError("application.yml sets no vend.max-lifetime-seconds");
    }

    /** A compiler set up as the local server's. */
    static PolicyCompiler compiler() {
        return new PolicyCompiler(issuers(),
                new PolicyCompiler.Limits(VEND_ISSUER_URL, deploymentLifetimeCap()));
    }

    /** The policy schema, under draft 2020-12. */
    static Schema schema() {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(schemaText(), InputFormat.JSON);
    }

    /** The schema's text. */
    static String schemaText() {
        try {
            return Files.readString(moduleDir().resolve(SCHEMA_FILE), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Validates a parsed document against the schema. The document is the one YAML 1.2 produced,
     * rendered as JSON, so the schema judges what Vend reads rather than a second parser's view.
     */
    static List<String> schemaErrors(Schema schema, Map<String, Object> document) {
        return schema.validate(toJson(document), InputFormat.JSON).stream()
                .map(Error::toString)
                .toList();
    }

    /** A parsed document as JSON text. */
    static String toJson(Object document) {
        try {
            return JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON-shaped: " + e.getMessage(), e);
        }
    }
}
