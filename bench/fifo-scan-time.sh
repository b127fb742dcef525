#!/usr/bin/env bash
# Times `ml-disk-space scan` (run inside test/sandbox/run-sandboxed.sh after npm run build && npm run compile-tests; MODE=plain: regular files instead, the baseline)
# Times `ml-disk-space scan` with a FIFO at every config path (configFilesRead) and item file.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/fifo-time.XXXX); H=$T/home; W=$T/work
mkdir -p $W/run/checkpoint-10 $H/.cache/huggingface/hub/models--org--m/{refs,blobs,snapshots/abc}
head -c 100000 /dev/urandom > $W/run/checkpoint-10/model.safetensors
echo x > $H/.cache/huggingface/hub/models--org--m/blobs/b1
ln -s ../../blobs/b1 $H/.cache/huggingface/hub/models--org--m/snapshots/abc/f
paths=$(HOME=$H node -e '
  const { configFilesRead } = require(process.argv[1]);
  const env = { HOME: process.env.HOME };
  const all = [...configFilesRead(env, env.HOME), ...configFilesRead({ ...env, DOCKER_CONTEXT: "c" }, env.HOME)].map((c) => c.path);
  console.log([...new Set(all)].join("\n"));' "$repo/out/src/core/configFiles.js")
for p in $paths $W/run/checkpoint-10/trainer_state.json $H/.cache/huggingface/hub/models--org--m/refs/main; do mkdir -p "$(dirname "$p")"; if [ "${MODE:-fifo}" = fifo ]; then mkfifo "$p"; else : > "$p"; fi; done
echo "FIFOs: $(find $T -type p | wc -l)"
for ctx in "" c; do
  s=$(date +%s%N)
  HOME=$H DOCKER_CONTEXT=$ctx timeout 120 node "$repo/dist/cli.js" scan $W > /dev/null; rc=$?
  e=$(date +%s%N)
  echo "DOCKER_CONTEXT='$ctx': exit $rc in $(( (e - s) / 1000000 )) ms"
done
