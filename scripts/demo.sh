#!/usr/bin/env bash
# The main job: the story of the seed tutorials (../shared/seeds, example 003) told by stagecraft.
# 1. base images from Debian packages (Docker Hub is out of reach here),
# 2. the Node.js demo built single-stage and multi-stage,
# 3. the size comparison (what the multi-stage build left behind),
# 4. the small image run with its port published, answering on http://127.0.0.1:3000/.
# State goes to $STAGECRAFT_ROOT (default: the usual state directory).
set -euo pipefail
cd "$(dirname "$0")/.."
sc() { ./bin/stagecraft "$@"; }
demo=examples/seed003
port=${DEMO_PORT:-3000}

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "stagecraft bootstrap node:18 node:18-slim"
# npm inside the build reaches the npm registry through this machine's TLS-intercepting proxy only
# if the image trusts the proxy's CA: that is what --with-host-ca-certificates adds (explicitly;
# stagecraft never does it on its own).
sc bootstrap --with-host-ca-certificates node:18 node:18-slim

step "stagecraft check (the single-stage Dockerfile)"
sc check -f "$demo/Dockerfile.single-stage" "$demo" || true

step "stagecraft build -f Dockerfile.single-stage -t multi-stage-build-demo:single"
sc build --progress plain -f "$demo/Dockerfile.single-stage" -t multi-stage-build-demo:single "$demo"

step "stagecraft build -t multi-stage-build-demo:multi"
sc build --progress plain -f "$demo/Dockerfile" -t multi-stage-build-demo:multi "$demo"

step "stagecraft images"
sc images multi-stage-build-demo

step "stagecraft compare single multi"
sc compare multi-stage-build-demo:single multi-stage-build-demo:multi

step "stagecraft run -d -p $port:3000 multi-stage-build-demo:multi"
name="seed-demo-$$"
sc run -d --name "$name" -p "$port:3000" multi-stage-build-demo:multi
cleanup() { sc stop -t 2 "$name" >/dev/null 2>&1 || true; sc rm -f "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT
answer=""
for _ in $(seq 1 50); do
  answer=$(curl -fsS "http://127.0.0.1:$port/" 2>/dev/null) && break
  sleep 0.2
done
echo "GET http://127.0.0.1:$port/ -> ${answer:-<no answer>}"
sc ps
step "stagecraft stop + rm"
cleanup
trap - EXIT
[ "$answer" = "Hello from the Multi-Stage Build Demo!" ]
