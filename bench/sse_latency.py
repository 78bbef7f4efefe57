#!/usr/bin/env python3
"""Edit → reload-event latency of `corem serve`, read from its event stream.

Starts the server command, connects to http://127.0.0.1:PORT/__corem/events, then SAMPLES
times appends a line with a unique token to FILE and measures the time until a `reload` event
naming PAGE (the edited note's output path) arrives. Prints each latency and the median; the
server (in its own process group) is stopped afterwards and FILE restored.

  sse_latency.py --file DIR/notes/sec/note.md --page sec/note.html --port 4000 \
      [--samples 7] [--settle 2] -- corem serve DIR --port 4000

Python 3 stdlib only.
"""

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", required=True)
    ap.add_argument("--page", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--samples", type=int, default=7)
    ap.add_argument("--settle", type=float, default=2.0)
    ap.add_argument("--start-timeout", type=float, default=900.0)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    with open(a.file, "rb") as f:
        original = f.read()
    log = open("/tmp/sse_latency_%d.log" % os.getpid(), "wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    lat = []
    try:
        t0 = time.perf_counter()
        while True:
            if proc.poll() is not None:
                sys.exit("server exited early, see %s" % log.name)
            try:
                conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=600)
                conn.request("GET", "/__corem/events")
                resp = conn.getresponse()
                break
            except OSError:
                if time.perf_counter() - t0 > a.start_timeout:
                    sys.exit("server did not come up")
                time.sleep(0.1)
        print("startup_s=%.3f" % (time.perf_counter() - t0))

        def next_event():
            name, data = None, ""
            while True:
                line = resp.readline().decode("utf-8", "replace")
                if line == "":
                    raise EOFError("event stream closed")
                line = line.rstrip("\n")
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data += line[5:].strip()
                elif line == "" and name:
                    return name, data

        for i in range(a.samples):
            time.sleep(a.settle)
            token = "ssetoken%dx%d" % (os.getpid(), i)
            start = time.perf_counter()
            with open(a.file, "ab") as f:
                f.write(("\nEdited line with %s here.\n" % token).encode())
            while True:
                name, data = next_event()
                if name == "reload" and a.page in json.loads(data).get("changed", []):
                    lat.append(time.perf_counter() - start)
                    break
            print("sample %d: %.1f ms" % (i + 1, lat[-1] * 1000), flush=True)
    finally:
        with open(a.file, "wb") as f:
            f.write(original)
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        proc.wait()
    if lat:
        print("median_ms=%.1f min_ms=%.1f max_ms=%.1f n=%d"
              % (statistics.median(lat) * 1000, min(lat) * 1000, max(lat) * 1000, len(lat)))


if __name__ == "__main__":
    main()
