#!/usr/bin/env bash
# Exits 0 when native/ needs `npm run postinstall`: an addon of binding.gyp is not built, or a C file is newer than it
# (a checkout that gained an addon, or an edited one, would otherwise run on the old build or without it).
cd "$(dirname "$0")/../native" || exit 0
for t in $(grep -o '"target_name": *"[^"]*"' binding.gyp | sed 's/.*"\([^"]*\)"$/\1/'); do
  [ -f "build/Release/$t.node" ] || exit 0
  [ -z "$(find . -maxdepth 1 \( -name '*.c' -o -name '*.h' \) -newer "build/Release/$t.node")" ] || exit 0
done
exit 1
