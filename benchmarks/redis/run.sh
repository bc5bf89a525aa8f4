#!/usr/bin/env bash
# Redis Streams throughput: the Sluice worker on redis:// against a hand-written Lettuce consumer, in one run.
# Needs the Redis at 127.0.0.1:6379. From the repository root:
#   bash benchmarks/redis/run.sh                       # 20,000 events, 5 rounds, handlers of 0 and 5 ms
#   bash benchmarks/redis/run.sh --events=2000 --rounds=1   # a quick check
# Writes benchmarks/redis/RESULTS.md. Set SLUICE_BENCH_SKIP_INSTALL=1 when the Sluice modules are installed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
if [[ "${SLUICE_BENCH_SKIP_INSTALL:-0}" != "1" ]]; then
  mvn -q install -N
  mvn -q install -pl api,adapters-redis -Dmaven.test.skip=true
fi
mvn -q -f benchmarks/common/pom.xml install
mvn -q -f benchmarks/redis/pom.xml package
exec java -Xms512m -Xmx1g ${BENCH_JAVA_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" dev.sluice.bench.redis.RedisBench "$@"
