#!/usr/bin/env bash
# The test command: installs the system packages, builds everything with warnings as errors,
# checks the formatting, runs every test (unit, property, and integration tests against a real
# mosquitto broker and librdkafka's Kafka-protocol mock cluster, which the tests start themselves),
# then fuzzes the decoder and the topology loader for 30 s each (`Fuzz/run.sh` runs them longer).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift format lint --strict --recursive Package.swift Sources Tests loadtests Benchmarks/Benchmarks Fuzz/Package.swift \
    Fuzz/Sources
swift build --build-tests -Xswiftc -warnings-as-errors --explicit-target-dependency-import-check error
# The tests of HTTP servers and clients (the API, Alertmanager and webhook delivery) run apart from
# those that block threads (pipelines, brokers, child processes): on two cores, blocking tests
# alongside fill Swift's cooperative thread pool, as wide as the machine has cores, and starve them.
swift test --skip-build --skip 'DriftlineHTTPTests|DriftlineDeliveryTests'
swift test --skip-build --filter 'DriftlineHTTPTests|DriftlineDeliveryTests'
Fuzz/run.sh "${FUZZ_SECONDS:-30}"
