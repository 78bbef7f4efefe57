#!/usr/bin/env bash
# Puts the machine in the same state before each timed fresh build (bench/scale.sh,
# bench/rest_ab.sh, bench/cold_ratio.sh): the file system settled after deletions, the corpus
# in the page cache, and no memory freed a moment ago.
#
#   bench/settle.sh CORPUS_DIR [--at-once]
#
# This machine's root is ext4 without a journal: before it allocates an inode it looks up the
# inode table block that holds it in the buffer cache, to skip inodes freed in the last 30 s
# (dirty_expire_centisecs). Deleting a site leaves all its inode-table blocks in that cache, so
# the lookups stay costly long after the 30 s: a fresh 100,000-note build started 35 s after
# deleting the previous site spent 12 % of its CPU samples there (find_get_block_common 4.9 %,
# recently_deleted 4.2 %, ext4_get_group_desc 1.5 %, find_inode_bit 1.3 %; perf record -F 99),
# against 3.5 % after dropping the caches. So: sync, drop the caches, and read the corpus back
# into the page cache, so that the build reads it from memory as it did before. The harness's
# own clean-up is not the build's work, for corem or Hugo.
#
# Dropping the caches frees gigabytes that this virtual machine hands back to its host only
# slowly; then wait for that too (bench/wait_reported.sh), or a 10,000-note build runs on memory
# just freed and a 100,000-note one mostly on memory handed back. `--at-once` leaves that wait
# out (bench/rest_ab.sh compares the two). Where the caches cannot be dropped (not root), wait
# out the 30 s instead.
set -euo pipefail
corpus=$1
sync
if echo 3 2>/dev/null >/proc/sys/vm/drop_caches; then
  find "$corpus" -type f -print0 | xargs -0 cat >/dev/null
  [ "${2:-}" = "--at-once" ] || "$(dirname "$0")/wait_reported.sh"
else
  sleep $(( $(cat /proc/sys/vm/dirty_expire_centisecs 2>/dev/null || echo 3000) / 100 + 5 ))
fi
