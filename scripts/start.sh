#!/usr/bin/env bash
# `npm start`: an all-in-one cluster on embedded defaults (state under ./.skiff)
# running the samples: the busybox pod says hello (`skiff logs hello`), the
# kubia pod serves on http://127.0.0.1:8080 through its hostPort.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent
export SKIFF_HOME="${SKIFF_HOME:-$PWD/.skiff/home}"
node bin/skiff.js build --artifact -t skiff.local/busybox:1 samples/busybox/busybox.wasm
node bin/skiff.js build --artifact -t skiff.local/kubia:1 samples/kubia/kubia.wasm
echo "Try: SKIFF_HOME=$SKIFF_HOME node bin/skiff.js get pods   (or export KUBECONFIG=$PWD/.skiff/controlplane/kubeconfig.yaml)"
exec node bin/skiff.js up --data-dir .skiff --apply samples/skiff-samples.yaml
