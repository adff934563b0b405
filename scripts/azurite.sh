#!/usr/bin/env bash
# Azurite, the Azure Storage emulator the cloud adapters' tests run against.
#   scripts/azurite.sh start   installs Azurite from npm into .tools/azurite (once), starts it on 127.0.0.1
#                              (blob 10000, queue 10001, table 10002) with a throw-away data folder, waits until it answers
#   scripts/azurite.sh stop    stops the instance this script started
# An emulator already listening on those ports is used as it is (and left running).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=3.37.0
TOOLS=.tools/azurite
STATE=.azurite
PORTS=(10000 10001 10002)

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
all_listening() { for p in "${PORTS[@]}"; do listening "$p" || return 1; done; }

start() {
  if all_listening; then echo "azurite: already listening on 127.0.0.1:${PORTS[*]}"; return 0; fi
  if [[ ! -x "$TOOLS/node_modules/.bin/azurite" ]]; then
    echo "azurite: installing azurite@$VERSION from npm into $TOOLS"
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "azurite@$VERSION" >/dev/null
  fi
  mkdir -p "$STATE"
  local data
  data=$(mktemp -d "${TMPDIR:-/tmp}/azurite.XXXXXX")
  # --skipApiVersionCheck: the SDK speaks a newer API version than Azurite knows;
  # --disableTelemetry: otherwise it lingers for a minute after SIGTERM.
  nohup "$TOOLS/node_modules/.bin/azurite" --skipApiVersionCheck --disableTelemetry --location "$data" \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 >"$STATE/azurite.log" 2>&1 &
  echo $! >"$STATE/pid"
  echo "$data" >"$STATE/data"
  for _ in $(seq 1 60); do
    if all_listening; then echo "azurite: started (pid $(cat "$STATE/pid"), data in $data)"; return 0; fi
    if ! kill -0 "$(cat "$STATE/pid")" 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "azurite: failed to start; its log:" >&2
  cat "$STATE/azurite.log" >&2 || true
  return 1
}

stop() {
  [[ -f "$STATE/pid" ]] || return 0
  local pid
  pid=$(cat "$STATE/pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  [[ -f "$STATE/data" ]] && rm -rf "$(cat "$STATE/data")"
  rm -f "$STATE/pid" "$STATE/data"
  echo "azurite: stopped"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
