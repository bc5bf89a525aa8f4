#!/usr/bin/env bash
# Runs every Sluice benchmark and writes benchmarks/BENCHMARKS.md. From the repository root:
#   bash benchmarks/run.sh            # the full run (about 11 minutes on 2 cores)
#   bash benchmarks/run.sh --quick    # small scale, one round: checks that every harness works
#   bash benchmarks/run.sh --parts=sqs,lambda   # only some parts (sqs, pubsub, lambda, memory, jmh)
# Set SLUICE_BENCH_SKIP_INSTALL=1 to skip installing the Sluice modules (when they are installed already).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cd "$repo"

if [[ "${SLUICE_BENCH_SKIP_INSTALL:-0}" != "1" ]]; then
  echo "[bench] installing the Sluice modules the benchmarks use (tests skipped)" >&2
  mvn -q install -N
  mvn -q install -pl bom   # the parent of sluice-parent
  mvn -q install -pl api,testkit,adapters-inmemory,adapters-sqs,pubsub-testserver,adapters-pubsub,lambda-runtime,lambda-runtime/core,lambda-runtime/aws-lambda \
      -Dmaven.test.skip=true
fi

echo "[bench] building the harness, the three Lambda deployment jars and the server class paths" >&2
mvn -q -f benchmarks/pom.xml package

# Private copies of the Sluice jars: a concurrent `mvn install` of a module must not swap a jar under the
# running harness (or under the servers and JMH forks it starts with the same class path).
jars="$here/harness/target/sluice-jars"
rm -rf "$jars" && mkdir -p "$jars"
cp="$here/harness/target/classes"
IFS=":" read -r -a entries < "$here/harness/target/classpath.txt" || true
for e in "${entries[@]}"; do
  case "$e" in
    */dev/sluice/*) cp -p "$e" "$jars/" && e="$jars/$(basename "$e")" ;;
  esac
  cp="$cp:$e"
done
command="bash benchmarks/run.sh${*:+ $*}"
git="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if ! git diff --quiet HEAD 2>/dev/null || [[ -n "$(git ls-files --others --exclude-standard 2>/dev/null | head -1)" ]]; then
  git="$git, with uncommitted changes"
fi
exec java -Xms1g -Xmx2g -XX:+UseParallelGC ${BENCH_JAVA_OPTS:-} \
  -Dbench.root="$here" -Dbench.command="$command" -Dbench.git="$git" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.io.netty=error \
  -Dorg.slf4j.simpleLogger.log.io.awspring=error -Dorg.slf4j.simpleLogger.log.software.amazon.awssdk=error \
  -cp "$cp" dev.sluice.bench.Main "$@"
