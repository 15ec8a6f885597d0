#!/usr/bin/env python3
"""Turns bench/run.py's results.json into the Markdown table (figure, floor, ratio, bar)."""
import json, sys

r = json.load(open(sys.argv[1]))
fl = r.get("floor", {})


def ms(us):
    return f"{us / 1000:.2f} ms" if us is not None else "—"


def floor(id_, key="p50_us"):
    row = fl.get(id_)
    return None if row is None else row[key]


rows = []  # (figure, value, floor text, ratio, bar, verdict)


def add(name, value, floor_value, ratio, bar, ok):
    rows.append((name, value, floor_value, "—" if ratio is None else f"{ratio:.2f}×", bar,
                 "—" if ok is None else ("met" if ok else "**missed**")))


m = r.get("machine", {})
print(f"Run started {r['started']} · {m.get('nproc')} vCPU {m.get('cpu')} · {m.get('mem_gb')} GB · "
      f"kernel {m.get('kernel')} · {m.get('nats_server')} · suite {r.get('seconds')} s · "
      f"machine CPU busy during the run {r.get('cpu_busy_pct')} % · build preset `{r.get('preset')}`\n")

if "latency" in r:
    L, f50 = r["latency"], floor("6.job.long")
    add("one-step latency p50 (500 seq., 1 worker, HTTP POST → terminal)", ms(L["p50_us"]),
        f"{ms(f50)} (6.job.long p50)", L["p50_us"] / f50 if f50 else None, "≤ 1.5× floor",
        L["p50_us"] <= 1.5 * f50 if f50 else None)
    add("one-step latency p90", ms(L["p90_us"]), f"{ms(floor('6.job.long', 'p90_us'))} (p90)",
        None, "", None)
    add("one-step latency p99", ms(L["p99_us"]), f"{ms(floor('6.job.long', 'p99_us'))} (p99)",
        L["p99_us"] / L["p50_us"], "p99 ≤ 4× own p50", L["p99_us"] <= 4 * L["p50_us"])
if "throughput" in r:
    T, fr = r["throughput"], floor("7.job.pipe.c64", "rate")
    add(f"throughput ({T['jobs']} jobs, 10 workers, 64 in flight)", f"{T['jobs_per_s']:.0f} jobs/s",
        f"{fr:.0f} jobs/s (7.job.pipe.c64)" if fr else "—", T["jobs_per_s"] / fr if fr else None,
        "≥ 0.8× floor", T["jobs_per_s"] >= 0.8 * fr if fr else None)
    fs = floor("7.job.long.c64", "rate")
    if fs:
        add("  same vs floor with a sync scheduler/worker (7.job.long.c64)",
            f"{T['jobs_per_s']:.0f} jobs/s", f"{fs:.0f} jobs/s", T["jobs_per_s"] / fs, "info", None)
for f in r.get("fanout", []):
    n = f["nodes"]
    fv = floor(f"8.fan.raw.N{n}")
    bar, ok = "", None
    if n == 1000 and fv:
        bar, ok = "≤ 1.6× floor", f["p50_us"] <= 1.6 * fv
    if n == 10000:
        bar, ok = "≤ 3 s, all results stored", f["max_us"] <= 3e6
    add(f"fan-out {n} nodes: POST → terminal, all {n} results stored (p50 of {f['jobs']}, max {ms(f['max_us'])})",
        ms(f["p50_us"]), f"{ms(fv)} (8.fan.raw.N{n})" if fv else "not measured",
        f["p50_us"] / fv if fv else None, bar, ok)
    add(f"  registration of those {f['registered_agents']} agents (consumers + KV online)",
        f"{f['register_s']:.1f} s", "—", None, "", None)
ms_ = r.get("multistep")
if ms_:
    f100 = floor("8.fan.raw.N100")
    for k, label in [("barrier", "10-step barrier job, 100 nodes"),
                     ("pipeline", "10-sub-step pipeline job, 100 nodes")]:
        v = ms_[k]
        add(f"{label} (p50 of {v['jobs']})", ms(v["p50_us"]),
            f"{ms(10 * f100)} (10 × 8.fan.raw.N100)" if f100 else "—",
            v["p50_us"] / (10 * f100) if f100 else None, "", None)
mem = r.get("memory", {})
if mem:
    add("gridw idle RSS", f"{mem['gridw_idle_kb'] / 1024:.1f} MB", "—", None, "≤ 10 MB",
        mem["gridw_idle_kb"] <= 10 * 1024)
    add("grid idle RSS (1 node, no jobs; nats-server not counted)",
        f"{mem['grid_idle_kb'] / 1024:.1f} MB", "—", None, "≤ 40 MB", mem["grid_idle_kb"] <= 40 * 1024)
    if "grid_loaded_kb" in mem:
        add(f"grid RSS with {mem['grid_nodes']} nodes registered and {mem['grid_jobs_in_history']} jobs in history",
            f"{mem['grid_loaded_kb'] / 1024:.1f} MB", "—", None, "≤ 300 MB",
            mem["grid_loaded_kb"] <= 300 * 1024 if mem["grid_nodes"] >= 10000 and mem["grid_jobs_in_history"] >= 10000 else None)
        add(f"  grid_agents processes hosting {mem['grid_nodes']} agents (info)",
            f"{mem['agents_kb'] / 1024:.1f} MB", "—", None, "", None)
for hosts, p in sorted(r.get("peer", {}).items(), key=lambda kv: int(kv[0])):
    g, a = p.get("grid"), p.get("ansible")
    if g and a:
        add(f"peer, {hosts} host(s): Ansible `command: echo hello` (local connection, forks 5) vs GRID `ping echo hello`",
            f"GRID {ms(g['p50_us'])}", f"Ansible {ms(a['p50_us'])}", a["p50_us"] / g["p50_us"],
            "Ansible ÷ GRID", None)

print("| figure | GRID | floor / peer | ratio | bar | verdict |")
print("|---|---|---|---|---|---|")
for row in rows:
    print("| " + " | ".join(str(x) for x in row) + " |")
if r.get("micro"):
    print("\nMicro benchmarks (Google Benchmark, real time per iteration):\n")
    print("| benchmark | time |")
    print("|---|---|")
    for b in r["micro"]:
        ns = b["ns"]
        t = f"{ns / 1e6:.2f} ms" if ns >= 1e6 else (f"{ns / 1e3:.2f} µs" if ns >= 1e3 else f"{ns:.0f} ns")
        print(f"| `{b['name']}` | {t} |")
