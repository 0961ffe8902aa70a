#!/usr/bin/env bash
# Installs what Driftline builds and tests against on a fresh Debian machine: librdkafka (and its
# mock Kafka cluster), libmosquitto and the mosquitto broker, and the outside clients the tests
# drive (kcat, mosquitto_pub/mosquitto_sub); SQLite for the history store and its sqlite3 shell;
# Prometheus Alertmanager, which the alert delivery tests start on loopback.
# Safe to run again.
set -euo pipefail

packages=(
    librdkafka-dev libmosquitto-dev mosquitto mosquitto-clients kcat libsqlite3-dev sqlite3 prometheus-alertmanager
)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The tests start their own broker and Alertmanager on free loopback ports; the packaged services are not needed.
for service in mosquitto prometheus-alertmanager; do
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$service" 2>/dev/null; then
        systemctl stop "$service" || true
    fi
done
