// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.fieldcases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * Every field case of {@code field-cases.md} (in the shared folder, next to the repository) ends
 * somewhere: it has a row in {@code docs/reasons.md}, and either a test mentions its id or its
 * rows say why no test can yet (planned, not applicable, lint-time, each with a reason).
 *
 * <p>A test mentions a case by its id as written in the cases file ({@code BUG-07}, in a comment
 * or display name) or by a nested class named after it ({@code class Bug07}). Test sources are
 * searched under {@code functions/<module>/src/test/java}, {@code policies/src/test/java} and
 * {@code integration-tests/src/test/java}; this class is left out of the search.
 *
 * <p>The report goes to {@code target/field-case-report.md} of this module and to standard
 * output: one line per case with its status and the test classes that mention it.
 *
 * <p>The shared folder is the system property {@value #SHARED_DIR_PROPERTY} and the repository
 * the property {@value #REPO_DIR_PROPERTY}; the root pom sets both for surefire. When either is
 * missing the test is skipped with a message naming it, except on CI (environment variable
 * {@code CI=true}), where it fails, as {@code dev.vend.testsupport.RealDocs} does, so CI can never
 * go green by skipping.
 */
class FieldCaseCoverageTest {

    static final String SHARED_DIR_PROPERTY = "vend.shared.dir";
    static final String REPO_DIR_PROPERTY = "vend.repo.dir";
    static final String CASES_FILE = "field-cases.md";
    static final String REASONS_FILE = "docs/reasons.md";
    static final Path REPORT = Path.of("target", "field-case-report.md");

    /** Where test sources live, relative to the repository root. */
    private static final List<String> TEST_ROOTS =
            List.of("functions", "policies/src/test/java", "integration-tests/src/test/java");
    private static final Pattern CASE_HEADING =
            Pattern.compile("^### (BUG-(\\d+))\\b", Pattern.MULTILINE);
    private static final Pattern TABLE_ROW = Pattern.compile("^\\|(.*)\\|\\s*$");
    /** A mark and its reason: the mark, then a parenthesis or a colon, then words. */
    private static final Pattern MARK = Pattern.compile(
            "\\b(planned|not applicable|lint-time)\\s*[(:]\\s*[A-Za-z`]", Pattern.CASE_INSENSITIVE);

    @Test
    void fieldCasesWhenReadAgainstReasonsAndTestsThenEveryCaseEndsSomewhere() throws IOException {
        // given
        Path shared = requireDir(SHARED_DIR_PROPERTY, "the shared folder holding " + CASES_FILE);
        Path repo = requireDir(REPO_DIR_PROPERTY, "the repository root");
        List<String> cases = caseIds(read(requireFile(shared.resolve(CASES_FILE))));
        Map<String, List<String>> rows = reasonRows(read(requireFile(repo.resolve(REASONS_FILE))));
        Map<String, Set<String>> mentions = testMentions(repo, cases);

        // when
        List<Coverage> report = cases.stream()
                .map(id -> Coverage.of(id, rows.getOrDefault(id, List.of()),
                        mentions.getOrDefault(id, Set.of())))
                .toList();
        String markdown = render(report);
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, markdown, StandardCharsets.UTF_8);
        System.out.println(markdown);

        // then
        assertThat(cases).as("cases in %s", CASES_FILE).isNotEmpty();
        assertThat(report).as("cases without a reasons.md row, or without a test or a mark "
                        + "with a reason (see %s)", REPORT.toAbsolutePath())
                .filteredOn(coverage -> !coverage.covered())
                .extracting(Coverage::line)
                .isEmpty();
        assertThat(rows.keySet()).as("reasons.md rows for cases %s does not have", CASES_FILE)
                .isSubsetOf(cases);
    }

    @Test
    void coverageWhenCaseHasNoRowThenNotCovered() {
        Coverage coverage = Coverage.of("BUG-90", List.of(), Set.of("SomeTest"));

        assertThat(coverage.covered()).isFalse();
        assertThat(coverage.status()).isEqualTo("NO ROW in docs/reasons.md");
    }

    @Test
    void coverageWhenNoTestAndNoMarkThenNotCovered() {
        Coverage coverage = Coverage.of("BUG-91", List.of("`no_matching_policy`"), Set.of());

        assertThat(coverage.covered()).isFalse();
        assertThat(coverage.status()).isEqualTo("UNCOVERED: no test mentions it, no row is marked");
    }

    @Test
    void coverageWhenMarkHasNoReasonThenNotCovered() {
        Coverage coverage = Coverage.of("BUG-92", List.of("planned", "lint-time"), Set.of());

        assertThat(coverage.covered()).isFalse();
    }

    @Test
    void coverageWhenOnlyMarkedRowsWithReasonsThenCoveredByTheirMarks() {
        Coverage coverage = Coverage.of("BUG-93", List.of(
                "planned (the verifier is not in this build)",
                "not applicable: no such feature",
                "Lint-time (registry)"), Set.of());

        assertThat(coverage.covered()).isTrue();
        assertThat(coverage.status()).isEqualTo("planned, not applicable, lint-time");
    }

    @Test
    void coverageWhenTestsMentionItThenTestedWithMarksOfOtherRows() {
        Coverage coverage = Coverage.of("BUG-94", List.of("`expired`",
                "not applicable: no TokenReview"), Set.of("BTest", "ATest"));

        assertThat(coverage.covered()).isTrue();
        assertThat(coverage.line())
                .isEqualTo("| BUG-94 | tested; also not applicable | ATest, BTest |");
    }

    @Test
    void testMentionsWhenIdOrNestedClassNameThenFoundAndNeighboursAreNot() {
        var ids = List.of("BUG-05", "BUG-50");
        String source = "class X { @Nested class Bug05PullRequestTarget {} } // BUG-500, Bug050";

        assertThat(mentioned(source, ids)).containsExactly("BUG-05");
        assertThat(mentioned("// field case BUG-50 C", ids)).containsExactly("BUG-50");
    }

    @Test
    void missingWhenFolderAbsentThenSkipsOffCiAndFailsOnCi() {
        Map<String, String> ci = Map.of("CI", "true");

        assertThatThrownBy(() -> missing("x", ci::get))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("CI=true, so this is a failure");
        assertThatThrownBy(() -> missing("x", key -> null))
                .isInstanceOf(TestAbortedException.class);
    }

    // ---- reading

    /** The ids of the {@code ### BUG-NN} headings, in order. */
    static List<String> caseIds(String casesMarkdown) {
        var ids = new ArrayList<String>();
        Matcher heading = CASE_HEADING.matcher(casesMarkdown);
        while (heading.find()) {
            ids.add(heading.group(1));
        }
        return ids;
    }

    /** The outcome cell (the last one) of each reasons.md table row whose first cell is an id. */
    static Map<String, List<String>> reasonRows(String reasonsMarkdown) {
        var rows = new LinkedHashMap<String, List<String>>();
        for (String line : reasonsMarkdown.split("\n")) {
            Matcher row = TABLE_ROW.matcher(line);
            if (!row.matches()) {
                continue;
            }
            String[] cells = row.group(1).split("\\|", -1);
            String first = cells[0].strip();
            if (first.matches("BUG-\\d+") && cells.length >= 2) {
                rows.computeIfAbsent(first, id -> new ArrayList<>())
                        .add(cells[cells.length - 1].strip());
            }
        }
        return rows;
    }

    /** For each case id, the simple names of the test classes whose source mentions it. */
    static Map<String, Set<String>> testMentions(Path repo, List<String> ids) throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        for (Path source : testSources(repo)) {
            String name = source.getFileName().toString().replaceFirst("\\.java$", "");
            if (name.equals(FieldCaseCoverageTest.class.getSimpleName())) {
                continue;
            }
            for (String id : mentioned(read(source), ids)) {
                out.computeIfAbsent(id, key -> new TreeSet<>()).add(name);
            }
        }
        return out;
    }

    private static List<Path> testSources(Path repo) throws IOException {
        var sources = new ArrayList<Path>();
        for (String root : TEST_ROOTS) {
            Path dir = repo.resolve(root);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(path -> path.toString().endsWith(".java"))
                        .filter(path -> isTestSource(repo.relativize(path)))
                        .forEach(sources::add);
            }
        }
        return sources;
    }

    /** A path under some {@code src/test/java}, outside build output and npm folders. */
    private static boolean isTestSource(Path relative) {
        String path = "/" + relative.toString().replace('\\', '/');
        return path.contains("/src/test/java/") && !path.contains("/target/")
                && !path.contains("/node_modules/");
    }

    /** The ids a source mentions, as {@code BUG-NN} or as an identifier {@code BugNN…}. */
    static Set<String> mentioned(String source, List<String> ids) {
        var found = new LinkedHashSet<String>();
        for (String id : ids) {
            String number = id.substring("BUG-".length());
            Pattern mention = Pattern.compile("\\b" + Pattern.quote(id) + "(?!\\d)"
                    + "|\\bBug" + Pattern.quote(number) + "(?!\\d)");
            if (mention.matcher(source).find()) {
                found.add(id);
            }
        }
        return found;
    }

    // ---- report

    private static String render(List<Coverage> report) {
        var out = new StringBuilder("# Field-case coverage\n\n")
                .append("Generated by ").append(FieldCaseCoverageTest.class.getSimpleName())
                .append(" from ").append(CASES_FILE).append(", ").append(REASONS_FILE)
                .append(" and the test sources.\n\n")
                .append("| Case | Status | Test classes mentioning it |\n|---|---|---|\n");
        report.forEach(coverage -> out.append(coverage.line()).append('\n'));
        return out.toString();
    }

    /**
     * How one case is covered.
     *
     * @param id the case id
     * @param marks the marks its reasons.md rows carry with a reason, in first-seen order
     * @param hasRow whether reasons.md has a row for it
     * @param tests the test classes mentioning it
     */
    record Coverage(String id, List<String> marks, boolean hasRow, Set<String> tests) {

        static Coverage of(String id, List<String> outcomes, Set<String> tests) {
            var marks = new LinkedHashSet<String>();
            for (String outcome : outcomes) {
                Matcher mark = MARK.matcher(outcome);
                if (mark.find()) {
                    marks.add(mark.group(1).toLowerCase(Locale.ROOT));
                }
            }
            return new Coverage(id, List.copyOf(marks), !outcomes.isEmpty(),
                    new TreeSet<>(tests));
        }

        boolean covered() {
            return hasRow && (!tests.isEmpty() || !marks.isEmpty());
        }

        String status() {
            if (!hasRow) {
                return "NO ROW in " + REASONS_FILE;
            }
            String marked = String.join(", ", marks);
            if (!tests.isEmpty()) {
                return marks.isEmpty() ? "tested" : "tested; also " + marked;
            }
            return marks.isEmpty() ? "UNCOVERED: no test mentions it, no row is marked" : marked;
        }

        String line() {
            String classes = tests.isEmpty() ? "none" : String.join(", ", tests);
            return "| " + id + " | " + status() + " | " + classes + " |";
        }
    }

    // ---- locating the shared folder and the repository

    private static Path requireDir(String property, String what) {
        String configured = System.getProperty(property);
        Path dir = configured == null || configured.isBlank()
                ? null : Path.of(configured).toAbsolutePath().normalize();
        if (dir != null && Files.isDirectory(dir)) {
            return dir;
        }
        return missing(dir == null
                ? "The system property " + property + " is not set; set -D" + property + " to "
                        + what + "."
                : property + " names " + dir + ", which does not exist; set -D" + property
                        + " to " + what + ".");
    }

    private static Path requireFile(Path file) {
        return Files.isRegularFile(file) ? file : missing(file + " does not exist.");
    }

    private static Path missing(String message) {
        return missing(message, System::getenv);
    }

    static Path missing(String message, Function<String, @Nullable String> environment) {
        String full = "Field-case coverage can not run: " + message;
        if ("true".equals(environment.apply("CI"))) {
            throw new AssertionError(full + " CI=true, so this is a failure, not a skip.");
        }
        return Assumptions.abort(full);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
