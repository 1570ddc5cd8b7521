// SPDX-License-Identifier: Apache-2.0
package dev.vend.infra;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.constructs.IConstruct;

/** Shared helpers for the synth tests: an app configured like `cdk synth`, and a small jar. */
final class CdkTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();

    private CdkTestSupport() {
    }

    /**
     * An app with cdk.json's context (its feature flags change the template, e.g. how IAM
     * statements are merged), so the tests see what {@code cdk synth} produces.
     */
    static App app() {
        return App.Builder.create().context(cdkJsonContext()).build();
    }

    /** Writes a small, real jar to {@code file} to stand in for the Lambda code. */
    static Path lambdaJar(Path file) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream out = Files.newOutputStream(file);
                JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.putNextEntry(new JarEntry("dev/vend/api/lambda/placeholder.txt"));
            jar.write("stand-in for the function code in synth tests\n"
                    .getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return file;
    }

    /** The CloudFormation logical id of a construct's default (L1) child. */
    static String logicalId(IConstruct construct) {
        CfnElement element = (CfnElement) construct.getNode().getDefaultChild();
        return Stack.of(construct).getLogicalId(element);
    }

    /** The source of the function's embedded default issuer registry. */
    static Path defaultIssuersFile() {
        return Path.of(System.getProperty("basedir", "."))
                .resolve(TokenVendingApp.DEFAULT_ISSUERS_FILE).normalize();
    }

    /** {@code {"Ref": logicalId}}. */
    static Map<String, Object> ref(String logicalId) {
        return Map.of("Ref", logicalId);
    }

    /** {@code {"Fn::GetAtt": [logicalId, attribute]}}. */
    static Map<String, Object> getAtt(String logicalId, String attribute) {
        return Map.of("Fn::GetAtt", List.of(logicalId, attribute));
    }

    private static Map<String, Object> cdkJsonContext() {
        Path cdkJson = Path.of(System.getProperty("basedir", ".")).resolve("cdk.json");
        try {
            Map<String, Object> config =
                    JSON.readValue(cdkJson.toFile(), new TypeReference<Map<String, Object>>() { });
            @SuppressWarnings("unchecked")
            Map<String, Object> context = (Map<String, Object>) config.get("context");
            return context == null ? Map.of() : context;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + cdkJson.toAbsolutePath(), e);
        }
    }
}
