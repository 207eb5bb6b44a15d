#!/usr/bin/env bash
# The main job: stagecraft on the seed demo (examples/seed003, the Node.js app of
# ../shared/seeds/003), single-stage and multi-stage.
# Today the build engine is not there yet, so it shows what the front end knows: the checks and
# the build plan of each Dockerfile. It becomes the real build + size comparison with the engine.
set -euo pipefail
cd "$(dirname "$0")/.."
sc() { ./bin/stagecraft "$@"; }
demo=examples/seed003

echo "== stagecraft check: single-stage ($demo/Dockerfile.single-stage)"
sc check -f "$demo/Dockerfile.single-stage" "$demo" || true
echo
echo "== stagecraft check: multi-stage ($demo/Dockerfile)"
sc check -f "$demo/Dockerfile" "$demo" || true
echo
echo "== stagecraft plan: single-stage"
sc plan -f "$demo/Dockerfile.single-stage" "$demo"
echo
echo "== stagecraft plan: multi-stage"
sc plan -f "$demo/Dockerfile" "$demo"
