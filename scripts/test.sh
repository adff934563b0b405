#!/usr/bin/env bash
# The README's test command: installs the test prerequisites, then builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-test-prerequisites.sh
# The cloud adapters' tests need Azurite (they fail, not skip, without it).
scripts/azurite.sh start
trap 'scripts/azurite.sh stop' EXIT
dotnet build AutoRetrain.sln -c Release
dotnet test AutoRetrain.sln -c Release --no-build
# The installed command: pack, install into an empty tool folder, run it.
scripts/test-tool-install.sh
