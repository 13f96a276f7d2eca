#!/bin/bash
# Runs one benchmark on an older commit and on the working tree, alternated, so that both see the same host: on a
# shared machine the same command moves by a third between consecutive runs (bench/RESULTS.md, sessions 8–9), and
# only interleaved pairs say anything.
#   bash bench/ab.sh COMMIT ROUNDS bench/dhcp-rate.ts --generator perfdhcp --servers stage0 --rates 1000,3000 --seconds 5
# The older commit is checked out in a worktree under ${AB_DIR:-/tmp/stage0-ab} (node_modules and the native build
# shared with this tree); each run's output is kept in that directory as round-N-old.txt / round-N-new.txt.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: bash bench/ab.sh COMMIT ROUNDS BENCH.ts [ARGS...]" >&2; exit 2; }
commit=$1 rounds=$2
shift 2
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${AB_DIR:-/tmp/stage0-ab}
old="$dir/tree"
mkdir -p "$dir"
if [ ! -d "$old/.git" ] && [ ! -f "$old/.git" ]; then
  git -C "$repo" worktree add --detach "$old" "$commit" >/dev/null
else
  git -C "$old" checkout -q --detach "$commit"
fi
[ -e "$old/node_modules" ] || ln -s "$repo/node_modules" "$old/node_modules"
if [ -d "$repo/native/build/Release" ]; then
  mkdir -p "$old/native/build"
  rm -rf "$old/native/build/Release"
  cp -r "$repo/native/build/Release" "$old/native/build/"
fi
short() { git -C "$1" log -1 --format='%h %<(50,trunc)%s'; }
echo "# bench/ab.sh: old = $(short "$old"), new = working tree of $(short "$repo"), $rounds rounds: $*"
for r in $(seq 1 "$rounds"); do
  for side in old new; do
    tree=$repo
    [ "$side" = old ] && tree=$old
    echo "== round $r $side ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
    (cd "$tree" && node --import tsx "$@") 2>&1 | tee "$dir/round-$r-$side.txt" | grep -v '^\s*$' || true
  done
done
