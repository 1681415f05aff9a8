#!/bin/sh
# Entry point of a `load` replica (deploy/load/docker-compose.yml): docker-compose --scale gives
# replicas no index, so each one claims the lowest free index of 0..SHARDS-1 with mkdir, which is
# atomic on the shared reports volume, then runs its shard. Claims are kept per START_AT, so a
# new run (a new START_AT) starts from 0 again. Environment: SHARDS, START_AT, TARGET_URL,
# LOAD_ARGS (split on spaces), REPORTS (default /reports), WSPROBE (default wsprobe).
set -eu
: "${SHARDS:?}" "${START_AT:?}" "${TARGET_URL:?}"
reports=${REPORTS:-/reports}
claims="$reports/.claims-$(printf '%s' "$START_AT" | tr -c 'A-Za-z0-9' '_')"
mkdir -p "$claims"
index=""
k=0
while [ "$k" -lt "$SHARDS" ]; do
  if mkdir "$claims/$k" 2>/dev/null; then
    index=$k
    break
  fi
  k=$((k + 1))
done
if [ -z "$index" ]; then
  echo "shard-entry: all $SHARDS shard indices of this START_AT are taken (more replicas than SHARDS?)" >&2
  exit 2
fi
echo "shard-entry: shard $index/$SHARDS" >&2
# shellcheck disable=SC2086
exec "${WSPROBE:-wsprobe}" load "$TARGET_URL" --shard "$index/$SHARDS" --start-at "$START_AT" \
  --report-dir "$reports/shard-$index" ${LOAD_ARGS:-}
