#!/usr/bin/env bash
# The installed command as a new user gets it: packs src/Cli as a .NET tool, installs that package into an empty
# tool folder from the local feed, and runs `autoretrain --help` and a torch-backed command (`train --help` loads
# nothing; `evaluate-model` on a missing model fails cleanly) from the installed copy.
# Usage: scripts/test-tool-install.sh [work folder]   (default: a temporary folder, removed afterwards)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-$(mktemp -d)}"
[ -n "${1:-}" ] || trap 'rm -rf "$work"' EXIT
feed="$work/feed"; tools="$work/tools"
rm -rf "$feed" "$tools"
dotnet pack src/Cli -c Release -o "$feed" -p:ContinuousIntegrationBuild=true
dotnet tool install --tool-path "$tools" --add-source "$feed" autoretrain
"$tools/autoretrain" --help | tee "$work/help.txt"
grep -q "demo" "$work/help.txt"
grep -q "watch" "$work/help.txt"
# The installed copy's TorchSharp native library: on Debian 12's libstdc++ (GLIBCXX 3.4.30) it loads only if the
# build marked its GLIBCXX_3.4.32 requirement weak; the pack publishes through the same step as `dotnet publish`.
native=$(find "$tools/.store" -name libLibTorchSharp.so -path '*linux-x64*' | head -1)
[ -n "$native" ] || { echo "error: the tool package holds no linux-x64 libLibTorchSharp.so" >&2; exit 1; }
if ! readelf -V "$native" | grep "Name: GLIBCXX_3.4.32" | grep -q "WEAK"; then
  strings /lib/x86_64-linux-gnu/libstdc++.so.6 | grep -q GLIBCXX_3.4.32 || { echo "error: $native requires GLIBCXX_3.4.32 and is not marked weak" >&2; exit 1; }
fi
# A command that initialises libtorch from the installed copy.
"$tools/autoretrain" generate --seed 1 --tiles 2 --size 64 --out "$work/tiles" >/dev/null
"$tools/autoretrain" train --data "$work/tiles" --out "$work/model" --epochs 1 --device cpu >"$work/train.jsonl"
grep -q '"event":"done"' "$work/train.jsonl"
echo "tool install: ok ($(du -h "$feed"/autoretrain.*.nupkg | cut -f1) package)"
