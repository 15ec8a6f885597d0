#!/usr/bin/env python3
"""Recovery cost with a large job history (bench/README.md, "recovery").

Jobs are never deleted (SPEC BUG-24), so the start-up recovery (BUG-11) and every periodic
recovery scan (§6.15) read a bucket that grows with the whole history. For each size this
stores that many terminal jobs straight into KV `jobs` (grid_fill_jobs), restarts `grid`
(sidecar mode, own nats-server) and measures the time from its start to GET /readyz 200, the
duration of its first scans (from its debug line "recovery scan done: ...; <n> ms", the
first after 10 s + 15 s) and its VmRSS then. Prints one JSON object.

  python3 bench/recovery.py --build build/release --sizes 10000,100000
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (helpers: free_port, spawn, stop, start_nats, rss_kb)

SCAN = re.compile(r"recovery scan done: (\d+) open job.*; (\d+) ms")


def start_grid(binary, config, log_path, port, limit=300):
    p = bench.spawn([binary, "-d", "-c", config], stdout=subprocess.DEVNULL,
                    stderr=open(log_path, "w"))
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1).read()
            return p, time.monotonic() - t0
        except OSError:
            if p.poll() is not None:
                raise RuntimeError(f"grid exited {p.returncode}: {open(log_path).read()[-800:]}")
            time.sleep(0.05)
    bench.stop(p)
    raise RuntimeError(f"grid not ready after {limit} s")


def measure(bins, tmp, jobs, want_scans):
    nats, url = bench.start_nats(tmp, f"nats-{jobs}")
    port = bench.free_port()
    config = bench.write_yaml(os.path.join(tmp, f"grid-{jobs}.yaml"), f"""
api: {{enabled: true, host: 127.0.0.1, port: {port}}}
nats:
  name: bench-ctrl
  server: {{managed: false}}
  client: {{urls: ["{url}"]}}
controller: {{stale_threshold: 30s}}
""")
    grid = None
    try:
        t0 = time.monotonic()
        subprocess.run([bins["grid_fill_jobs"], "--url", url, "--jobs", str(jobs)], check=True,
                       stdout=subprocess.DEVNULL)
        fill_s = time.monotonic() - t0
        log_path = os.path.join(tmp, f"grid-{jobs}.log")
        grid, ready_s = start_grid(bins["grid"], config, log_path, port)
        deadline = time.monotonic() + 120 + jobs / 10000
        while len(SCAN.findall(open(log_path).read())) < want_scans and time.monotonic() < deadline:
            time.sleep(0.5)
        found = SCAN.findall(open(log_path).read())
        if not found:
            raise RuntimeError(f"no recovery scan logged: {open(log_path).read()[-800:]}")
        if any(open_jobs != "0" for open_jobs, _ in found):  # every stored job is terminal
            raise RuntimeError(f"a scan kept terminal jobs: {found}")
        scans = [int(ms) for _, ms in found]
        return {"jobs": jobs, "fill_s": round(fill_s, 1), "start_to_ready_ms": round(ready_s * 1000),
                "scan_ms": scans, "grid_rss_kb": bench.rss_kb(grid.pid)}
    finally:
        if grid:
            bench.stop(grid)
        bench.stop(nats)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build/release")
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--scans", type=int, default=2, help="scans to wait for at each size")
    args = ap.parse_args()
    bins = {n: os.path.join(args.build, p) for n, p in
            [("grid", "cmd/grid/grid"), ("grid_fill_jobs", "bench/grid_fill_jobs")]}
    tmp = tempfile.mkdtemp(prefix="grid-recovery-bench.")
    try:
        out = [measure(bins, tmp, int(n), args.scans) for n in args.sizes.split(",")]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps({"recovery": out}))


if __name__ == "__main__":
    main()
