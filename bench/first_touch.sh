#!/usr/bin/env bash
# What writing into memory the machine has not touched lately costs, against memory it just
# freed: the state of the machine that decides how long writing a large site takes.
#
#   bench/first_touch.sh [MIB=2048]
#
# Writes MIB MiB of zeros to a file with dd twice and prints each one's wall and system time:
#   1. after `sync`, dropping the page cache (root only) and waiting until the memory freed has
#      been handed back (bench/wait_reported.sh), so that the file's
#      page-cache pages come from memory freed a while ago;
#   2. at once after deleting the first file, so that they come from the pages just freed.
# Where free memory stays with the machine, both should cost about the same (not measured: this
# project has no such machine). In a virtual machine that hands free memory back
# to its host (Linux's free page reporting, as in Firecracker; `dmesg | grep "Free page
# reporting"`), the first touch of each page handed back costs a fault in the host: on this
# project's benchmark machine, 9.75 s of system time for 4 GiB against 0.88 s (2026-12-06).
# A 100,000-note build writes a 5.8 GB site and touches 3-4 GiB of heap, so this cost, which
# changes with what the machine did before, is most of the growth of its system time.
set -euo pipefail
mib=${1:-2048}
dir=${BENCH_DIR:-/tmp/corem-bench}
mkdir -p "$dir"
file="$dir/first-touch.bin"
trap 'rm -f "$file"' EXIT
sync
if echo 3 2>/dev/null >/proc/sys/vm/drop_caches; then
  "$(dirname "$0")/wait_reported.sh" # until the memory freed is handed back to the host
  first="after dropping the page cache"
else
  first="first"
fi
t() { /usr/bin/time -f "%e s wall, %S s system" dd if=/dev/zero of="$file" bs=1M count="$mib" status=none 2>&1; }
echo "first touch: $mib MiB written $first: $(t); at once again over the memory just freed: $(rm -f "$file"; t)"
