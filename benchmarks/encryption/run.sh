#!/usr/bin/env bash
# The encryption benchmark (issue 14): ns per event for encrypt/decrypt at 1 KB and 100 KB, and end-to-end
# throughput with and without encryption on mem:// and SQS (embedded ElasticMQ). Not part of the test run.
# Usage: bash benchmarks/encryption/run.sh [maven options, e.g. -o -Dmaven.repo.local=...]
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -q "$@" install -Dfuzz.skip=true -DskipTests -pl api,testkit,adapters-inmemory,adapters-sqs -am
cp=/tmp/sluice-encryption-bench.cp
mvn -q "$@" -pl adapters-sqs dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp"
cp="$(cat "$cp"):adapters-sqs/target/classes:adapters-inmemory/target/sluice-adapters-inmemory-0.1.0-SNAPSHOT.jar"
exec java -Xmx1g -cp "$cp" benchmarks/encryption/EncryptionBench.java sqs
