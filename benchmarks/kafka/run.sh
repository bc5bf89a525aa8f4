#!/usr/bin/env bash
# Kafka throughput: the Sluice worker on kafka:// (consumer group, share group) against a hand-written KafkaConsumer
# loop with the same commit discipline, in one run, on a Kafka broker the benchmark starts (KRaft, a child JVM).
# From the repository root:
#   bash benchmarks/kafka/run.sh                             # 20,000 events, 3 rounds, handlers of 0 and 5 ms
#   bash benchmarks/kafka/run.sh --events=2000 --rounds=1    # a quick check
# Writes benchmarks/kafka/RESULTS.md. Set SLUICE_BENCH_SKIP_INSTALL=1 when the Sluice modules are installed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
if [[ "${SLUICE_BENCH_SKIP_INSTALL:-0}" != "1" ]]; then
  mvn -q install -N
  mvn -q install -pl api,testkit,adapters-kafka -DskipTests
fi
mvn -q -f benchmarks/common/pom.xml install
mvn -q -f benchmarks/kafka/pom.xml package
exec java -Xms512m -Xmx1g ${BENCH_JAVA_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" dev.sluice.bench.kafka.KafkaBench "$@"
