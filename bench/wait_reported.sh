#!/usr/bin/env bash
# Waits until the memory this machine freed lately has been handed back to its host, so that
# the next timed build starts with no freshly freed ("warm") memory to write into, whatever
# ran before it: a fresh build at 10,000 notes and one at 100,000 notes then start from the
# same state.
#
#   bench/wait_reported.sh
#
# Why: in a virtual machine with free page reporting (Firecracker here: `dmesg | grep "Free
# page reporting"`), the first write to memory that was handed back costs a fault in the host,
# and memory freed a moment ago does not (bench/first_touch.sh). The hand-back is slow: on this
# machine about 200 MiB every 2 s. After `drop_caches` (bench/settle.sh) a build that
# starts at once finds a gigabyte or more of memory not yet handed back. That is all a
# 10,000-note build touches and a tenth of what a 100,000-note one does, so without this wait
# the small build runs on warm memory and the large one mostly on cold, and their ratio
# measures the machine. Measured on 2026-12-06 (bench/rest-2026-12-06-10k.log): fresh
# 10,000-note builds started at once took 9.79–10.26 s with 778–984 MiB handed back while they
# ran; after a rest or this wait, 10.42–11.90 s with 0–36 MiB.
#
# The kernel here counts what it has handed back (`reported_kib`, a parameter of this
# kernel's page_reporting module): wait until that count has not moved for 5 s, at most 3
# minutes. Where the count does not exist but page reporting does, rest a fixed 30 s. Where
# there is no page reporting at all, there is nothing to wait for.
set -euo pipefail
count=/sys/module/page_reporting/parameters/reported_kib
if [ -r "$count" ]; then
  last=$(cat "$count") still=0
  for _ in $(seq 180); do
    sleep 1
    now=$(cat "$count")
    if [ "$now" = "$last" ]; then
      still=$((still + 1))
      [ "$still" -ge 5 ] && exit 0
    else
      still=0 last=$now
    fi
  done
  echo "wait_reported.sh: memory still being handed back after 3 minutes" >&2
elif [ -d /sys/module/page_reporting ]; then
  sleep 30
fi
