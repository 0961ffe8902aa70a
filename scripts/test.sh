#!/usr/bin/env bash
# The test command: installs the system packages, builds everything with warnings as errors,
# checks the formatting, and runs every test (unit, property, and integration tests against a real
# mosquitto broker and librdkafka's Kafka-protocol mock cluster, which the tests start themselves).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift format lint --strict --recursive Package.swift Sources Tests loadtests Benchmarks/Benchmarks
swift build --build-tests -Xswiftc -warnings-as-errors --explicit-target-dependency-import-check error
swift test --skip-build
