#!/usr/bin/env python3
"""GRID benchmark suite (bench/README.md): runs the bare-NATS floor and GRID side by side on
this machine and writes <out>/results.json and <out>/results.md. Every figure is measured in
this run; nothing is estimated. Python standard library only (plus ansible-core for the peer).
"""
import argparse, datetime, json, os, platform, shutil, signal, socket, statistics, subprocess
import select, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
procs = []


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(args, **kw):
    p = subprocess.Popen(args, **kw)
    procs.append(p)
    return p


def stop(p, timeout=60):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return v[0] + v[1] + v[2] + v[5] + v[6] + v[7], sum(v)


def start_nats(tmp, name):
    port = free_port()
    store = os.path.join(tmp, name)
    os.makedirs(store)
    p = spawn(["nats-server", "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", store],
              stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, name + ".log"), "w"))
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return p, f"nats://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("nats-server did not start")


class Api:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"

    def get(self, path):
        with urllib.request.urlopen(self.base + path, timeout=60) as r:
            return json.loads(r.read())

    def wait_nodes(self, online, timeout=900):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                nodes = self.get("/nodes")
                n = sum(1 for x in nodes if x.get("status") == "online")
                if n == online:
                    return
            except OSError:
                pass
            time.sleep(0.5 if online < 1000 else 3)
        raise RuntimeError(f"expected {online} online nodes")


def load(bins, api_port, **kw):
    args = [bins["grid_load"], "--port", str(api_port)]
    for k, v in kw.items():
        k = "--" + k.replace("_", "-")
        args += [k] + ([str(x) for x in v] if isinstance(v, list) else [str(v)])
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:12])} ...: {r.stderr.strip()[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def floor_run(bins, tmp, fanout):
    p, url = start_nats(tmp, "floor-nats")
    tsv = os.path.join(tmp, "floor.tsv")
    log("floor: natsfloor --only 6,7,8")
    subprocess.run([bins["natsfloor"], "--url", url, "--tsv", tsv, "--only", "6,7,8",
                    "--fanout", fanout, "--no-fetch-threads"], check=True,
                   stdout=open(os.path.join(tmp, "floor.txt"), "w"))
    stop(p)
    rows = {}
    for line in open(tsv):
        if line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        rows[f[0]] = {"label": f[1], "n": int(f[2]), "p50_us": float(f[3]),
                      "p90_us": float(f[4]), "p99_us": float(f[5]), "max_us": float(f[6]),
                      "rate": float(f[7]) if f[7] != "nan" else None, "unit": f[8]}
    return rows


def ansible_run(tmp, hosts, runs):
    inv = os.path.join(tmp, f"inventory-{hosts}.ini")
    with open(inv, "w") as f:
        f.write("[all]\n")
        for i in range(hosts):
            f.write(f"h{i:03d} ansible_connection=local ansible_python_interpreter={sys.executable if False else '/usr/bin/python3'}\n")
    times = []
    env = dict(os.environ, ANSIBLE_HOST_KEY_CHECKING="False", ANSIBLE_GATHERING="explicit",
               ANSIBLE_LOCAL_TEMP=os.path.join(tmp, "ansible-tmp"), ANSIBLE_NOCOLOR="1")
    for _ in range(runs):
        t0 = time.monotonic()
        r = subprocess.run(["ansible", "all", "-i", inv, "-m", "ansible.builtin.command",
                            "-a", "echo hello", "-o"], env=env, capture_output=True, text=True)
        dt = time.monotonic() - t0
        ok = r.stdout.count("| CHANGED |")
        if r.returncode != 0 or ok != hosts:
            raise RuntimeError(f"ansible {hosts} hosts: rc {r.returncode}, {ok} ok\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
        times.append(dt * 1e6)
    return {"hosts": hosts, "runs": runs, "forks": 5, "p50_us": statistics.median(times),
            "max_us": max(times)}


def write_yaml(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "release"))
    ap.add_argument("--preset", default="release", help="recorded in the results")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "out"))
    ap.add_argument("--fanout", default="100,1000,10000")
    ap.add_argument("--skip-peer", action="store_true")
    ap.add_argument("--latency-jobs", type=int, default=500)
    ap.add_argument("--throughput-jobs", type=int, default=5000)
    ap.add_argument("--history", type=int, default=10000)
    ap.add_argument("--register-timeout", type=float, default=420)
    ap.add_argument("--smoke", action="store_true",
                    help="seconds-long run of every stage (CI): tiny sizes, no floor, no peer; "
                         "exits 1 when a stage failed. Timings are not judged.")
    ap.add_argument("--natsfloor", default=os.path.join(ROOT, "build", "natsfloor", "natsfloor"),
                    help="the natsfloor binary (bench/run.sh builds it from the workplace tool)")
    args = ap.parse_args()
    if args.smoke:
        args.fanout, args.latency_jobs, args.throughput_jobs, args.history = "100", 5, 50, 0
        args.skip_peer = True
    fan = [int(x) for x in args.fanout.split(",")]
    bins = {n: os.path.join(args.build, p) for n, p in [
        ("grid", "cmd/grid/grid"), ("gridw", "cmd/gridw/gridw"), ("grid_load", "bench/grid_load"),
        ("grid_agents", "bench/grid_agents"), ("grid_micro", "bench/grid_micro")]}
    bins["natsfloor"] = args.natsfloor
    os.makedirs(args.out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="gridbench.")
    res = {"started": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
           "preset": args.preset}
    res["machine"] = {"nproc": os.cpu_count(), "kernel": platform.release(),
                      "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
                      "mem_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
                      "nats_server": subprocess.run(["nats-server", "--version"], capture_output=True, text=True).stdout.strip()}
    busy0 = cpu_busy()
    t_start = time.monotonic()
    try:
        # ---- the floor, same run ----
        floor_fan = ",".join(str(n) for n in fan if n <= 1000) or "100"
        res["floor"] = {} if args.smoke else floor_run(bins, tmp, floor_fan)

        # ---- GRID: sidecar nats-server, controller, workers ----
        nats, url = start_nats(tmp, "grid-nats")
        api_port = free_port()
        cfg = write_yaml(os.path.join(tmp, "grid.yaml"), f"""
api: {{enabled: true, host: 127.0.0.1, port: {api_port}}}
nats:
  name: bench-ctrl
  server: {{managed: false}}
  client: {{urls: ["{url}"]}}
scheduler: {{max_concurrent: 64, max_pending: 10000}}
""")
        grid = spawn([bins["grid"], "-c", cfg], stdout=subprocess.DEVNULL,
                     stderr=open(os.path.join(tmp, "grid.log"), "w"))
        api = Api(api_port)
        for _ in range(200):
            try:
                api.get("/nodes")
                break
            except OSError:
                time.sleep(0.1)
        workers = []

        def start_worker(i):
            c = write_yaml(os.path.join(tmp, f"w{i:02d}.yaml"),
                           f'nats: {{name: w-{i:02d}, client: {{urls: ["{url}"]}}}}\n')
            workers.append(spawn([bins["gridw"], "-c", c], stdout=subprocess.DEVNULL,
                                 stderr=open(os.path.join(tmp, f"w{i:02d}.log"), "w")))

        start_worker(0)
        api.wait_nodes(1)
        time.sleep(0.5 if args.smoke else 5)
        res["memory"] = {"gridw_idle_kb": rss_kb(workers[0].pid), "grid_idle_kb": rss_kb(grid.pid)}
        log(f"memory idle: {res['memory']}")

        submitted = 0
        log("latency: warm-up 20 + %d sequential jobs on 1 worker" % args.latency_jobs)
        load(bins, api_port, mode="latency", jobs=20, scope="node", values=["w-00"])
        res["latency"] = load(bins, api_port, mode="latency", jobs=args.latency_jobs,
                              scope="node", values=["w-00"])
        submitted += 20 + args.latency_jobs
        log(f"latency: {res['latency']}")
        peers = {}
        peers[1] = {"grid": load(bins, api_port, mode="latency", jobs=10, scope="node",
                                 values=["w-00"], message="hello")}
        submitted += 10

        for i in range(1, 10):
            start_worker(i)
        api.wait_nodes(10)
        log("throughput: %d jobs on 10 workers, 64 in flight" % args.throughput_jobs)
        res["throughput"] = load(bins, api_port, mode="latency", jobs=args.throughput_jobs,
                                 inflight=64, scope="node",
                                 values=[f"w-{i:02d}" for i in range(10)])
        submitted += args.throughput_jobs
        log(f"throughput: {res['throughput']}")
        peers[10] = {"grid": load(bins, api_port, mode="latency", jobs=10, scope="all",
                                  expect_nodes=10, message="hello")}
        submitted += 10
        filler = max(0, args.history - submitted)  # the fan-out and multi-step jobs come on top
        if filler:
            log(f"history: {filler} more jobs")
            try:
                h = load(bins, api_port, mode="latency", jobs=filler, inflight=64, scope="node",
                         values=[f"w-{i:02d}" for i in range(10)])
                res["history_fill"] = h
                submitted += filler
            except RuntimeError as e:  # recorded; the jobs that did complete still count
                res["history_error"] = str(e)
                log(f"history fill failed: {e}")
        for w in workers:
            stop(w)
        api.wait_nodes(0)

        # ---- fan-out through in-process agents ----
        res["fanout"] = []
        agents = []
        have = 0
        for n in fan:
            add = n - have
            a = spawn([bins["grid_agents"], "--url", url, "--count", str(add), "--first", str(have),
                       "--connections", "4", "--loops", "4", "--startup-threads", "8"],
                      stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True,
                      stderr=open(os.path.join(tmp, f"agents-{n}.log"), "w"))
            agents.append(a)
            log(f"fan-out: registering {add} agents")
            ready, _, _ = select.select([a.stdout], [], [], args.register_timeout)
            line = a.stdout.readline() if ready else ""
            if not line:
                res["fanout_error"] = (f"{add} agents (to {n} nodes) not registered within "
                                       f"{args.register_timeout} s; stage skipped")
                log(res["fanout_error"])
                a.send_signal(signal.SIGTERM)
                a.wait(300)
                agents.remove(a)
                break
            reg = json.loads(line)
            api.wait_nodes(n)
            have = n
            runs = 3
            try:
                f = load(bins, api_port, mode="latency", jobs=runs, scope="all", expect_nodes=n,
                         message="hello")
            except RuntimeError as e:
                res.setdefault("fanout_errors", []).append(f"{n} nodes: {e}")
                log(f"fan-out {n} failed: {e}")
                continue
            submitted += runs
            f.update({"nodes": n, "register_s": reg["register_s"], "registered_agents": add})
            res["fanout"].append(f)
            log(f"fan-out {n}: {f}")
            if n == 100:
                peers[100] = {"grid": f}
                try:
                  res["multistep"] = {
                    "barrier": load(bins, api_port, mode="barrier", jobs=3, scope="all",
                                    expect_nodes=100, steps=10),
                    "pipeline": load(bins, api_port, mode="pipeline", jobs=3, scope="all",
                                     expect_nodes=100, steps=10)}
                  submitted += 6
                except RuntimeError as e:
                  res["multistep_error"] = str(e)
                log(f"multistep: {res['multistep']}")
        res["memory"]["grid_nodes"] = have
        res["memory"]["grid_jobs_in_history"] = submitted
        res["memory"]["grid_loaded_kb"] = rss_kb(grid.pid)
        res["memory"]["agents_kb"] = sum(rss_kb(a.pid) for a in agents)
        log(f"memory loaded: {res['memory']}")
        t0 = time.monotonic()
        for a in agents:
            a.send_signal(signal.SIGTERM)
        for a in agents:
            a.wait(300)
        res["agents_stop_s"] = time.monotonic() - t0
        stop(grid)
        stop(nats)

        # ---- peer: Ansible, same run ----
        if not args.skip_peer and shutil.which("ansible"):
            for hosts in sorted(peers):
                log(f"peer: ansible {hosts} hosts")
                peers[hosts]["ansible"] = ansible_run(tmp, hosts, 3 if hosts == 1 else 1)
        res["peer"] = {str(k): v for k, v in peers.items()}

        # ---- micro ----
        log("micro benchmarks")
        micro = subprocess.run([bins["grid_micro"], "--benchmark_format=json",
                                f"--benchmark_min_time={0.01 if args.smoke else 0.2}"],
                               check=True, capture_output=True,
                               text=True).stdout
        res["micro"] = [{"name": b["name"], "ns": b["real_time"] * {"ns": 1, "us": 1e3, "ms": 1e6}[b["time_unit"]]}
                        for b in json.loads(micro)["benchmarks"]]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        busy1 = cpu_busy()
        res["cpu_busy_pct"] = round(100 * (busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1]), 1)
        res["seconds"] = round(time.monotonic() - t_start, 1)
        res["tmp"] = tmp
        with open(os.path.join(args.out, "results.json"), "w") as f:
            json.dump(res, f, indent=1)
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "report.py"),
                    os.path.join(args.out, "results.json")],
                   stdout=open(os.path.join(args.out, "results.md"), "w"), check=True)
    print(open(os.path.join(args.out, "results.md")).read())
    shutil.rmtree(tmp, ignore_errors=True)
    failed = sorted(k for k in res if k.endswith("error") or k.endswith("errors"))
    if args.smoke and failed:
        print("bench smoke: failed stages: " + ", ".join(f"{k}: {res[k]}" for k in failed),
              file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
