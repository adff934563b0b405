#!/usr/bin/env bash
# The README's test command: installs the test prerequisites, then builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-test-prerequisites.sh
dotnet build AutoRetrain.sln -c Release
dotnet test AutoRetrain.sln -c Release --no-build
