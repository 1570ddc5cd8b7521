#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# JVM cold-start harness: Vend's Lambda handler against a bare Micronaut handler, interleaved.
# Usage (from the repository root, after `mvn -pl functions/api -am install`):
#   functions/api/src/test/coldstart/coldstart.sh [runs]      # default 10
# Needs: the shaded jar functions/api/target/vend-api-0.1.0-SNAPSHOT.jar, Maven (offline is
# fine) for the runtime classpath, python3 to merge the bare jar. See docs/performance.md.
set -euo pipefail
runs="${1:-10}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../../.." && pwd)"
jar="$root/functions/api/target/vend-api-0.1.0-SNAPSHOT.jar"
work="$(mktemp -d "${TMPDIR:-/tmp}/vend-coldstart.XXXXXX")"
trap 'rm -rf "$work"' EXIT
[ -f "$jar" ] || { echo "build first: mvn -pl functions/api -am install" >&2; exit 2; }

# The bare baseline gets the same Micronaut, Lambda event and logging libraries as Vend, and
# none of Vend's own (core, aws, SDK, JOSE, BouncyCastle, YAML, picocli).
(cd "$root" && mvn -B -o -q -Dstyle.color=never -pl functions/api dependency:build-classpath \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$work/cp.txt" >/dev/null)
tr ':' '\n' < "$work/cp.txt" \
  | grep -vE '/dev/vend/|/software/amazon/awssdk/|/org/bouncycastle/|/com/nimbusds/|/info/picocli/|/org/snakeyaml/|/org/jspecify/|/io/github/erdtman/' \
  > "$work/bare-cp.txt"
bare_cp="$(paste -sd: "$work/bare-cp.txt")"
# Micronaut's annotation processor, resolved by Maven like the api module's own.
cat > "$work/processor-pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>io.micronaut.platform</groupId>
    <artifactId>micronaut-parent</artifactId>
    <version>4.10.8</version>
    <relativePath/>
  </parent>
  <groupId>dev.vend</groupId>
  <artifactId>coldstart-processor</artifactId>
  <version>0</version>
  <dependencies>
    <dependency>
      <groupId>io.micronaut</groupId>
      <artifactId>micronaut-inject-java</artifactId>
      <version>\${micronaut.core.version}</version>
    </dependency>
  </dependencies>
</project>
POM
mvn -B -o -q -Dstyle.color=never -f "$work/processor-pom.xml" dependency:build-classpath \
    -Dmdep.outputFile="$work/processor-cp.txt" >/dev/null
processors="$(cat "$work/processor-cp.txt")"
mkdir -p "$work/hello" "$work/probe"
javac -d "$work/hello" -cp "$bare_cp" -processorpath "$processors:$bare_cp" \
    "$here/hello/HelloController.java" "$here/hello/HelloProbe.java" \
    "$here/hello/HelloLogging.java"
mkdir -p "$work/hello/META-INF/services"
echo hello.HelloLogging > "$work/hello/META-INF/services/ch.qos.logback.classic.spi.Configurator"
python3 "$here/merge_jars.py" "$work/bare.jar" "$work/hello" $(cat "$work/bare-cp.txt")
javac -d "$work/probe" -cp "$jar" "$here/VendProbe.java"

echo "vend jar: $(stat -c %s "$jar") bytes; bare jar: $(stat -c %s "$work/bare.jar") bytes"
echo "java: $(java -version 2>&1 | head -1); cpus: $(nproc)"
java -cp "$jar" "$here/ColdStart.java" "$work" "$jar" "$work/probe" "$work/bare.jar" "$runs"
