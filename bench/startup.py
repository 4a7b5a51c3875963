#!/usr/bin/env python3
"""First response and idle memory of proxy commands, started one after another for --starts rounds.

For each start: the time from process start to the first 200 from GET /api, polled in-process over a raw socket
every 10 ms (no helper process, so the poll takes no CPU from the proxy starting up); the CPU the process used up to
that response; and its RSS 0.5 s after it (the moment ../shared/bench/proxy_bench.py reads idle RSS) and again
after --settle seconds, when the JVM has handed back its compilers' pooled scratch memory.

Usage: startup.py --upstream-port P --dir D --starts N --proxy 'NAME=COMMAND TEMPLATE' [--proxy ...]
       (template fields: {server} {ca} {token} {token_file} {port})
Prints one JSON line per start, then medians per proxy.
"""
import argparse
import json
import os
import shlex
import signal
import socket
import statistics
import subprocess
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_of(port):
    """HTTP status of GET /api, or None while nothing answers."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"GET /api HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            head = s.recv(64)
    except OSError:
        return None
    parts = head.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def worker_pid(proc):
    """The process doing the work: the command itself, or the end of a chain of single children."""
    pid = proc.pid
    for _ in range(5):
        try:
            kids = open(f"/proc/{pid}/task/{pid}/children").read().split()
        except OSError:
            return pid
        if len(kids) != 1:
            return pid
        pid = int(kids[0])
    return pid


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def cpu_ms(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return round((int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK"))


def one_start(name, template, up, settle):
    port = free_port()
    cmd = template.format(port=port, **up)
    t0 = time.monotonic()
    proc = subprocess.Popen(shlex.split(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        while status_of(port) != 200:
            if proc.poll() is not None or time.monotonic() - t0 > 60:
                raise RuntimeError(f"{name}: no 200 from /api (exit={proc.poll()})")
            time.sleep(0.01)
        first = time.monotonic()
        pid = worker_pid(proc)
        result = {"name": name, "first_response_ms": round((first - t0) * 1000), "cpu_to_first_ms": cpu_ms(pid)}
        time.sleep(max(0.0, first + 0.5 - time.monotonic()))
        result["rss_0_5s_mb"] = rss_mb(pid)
        time.sleep(max(0.0, first + settle - time.monotonic()))
        result[f"rss_{settle:g}s_mb"] = rss_mb(pid)
        return result
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="/tmp/kapi-bench")
    ap.add_argument("--upstream-port", type=int, default=16443)
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--settle", type=float, default=8.0, help="seconds after the first response for the last RSS")
    ap.add_argument("--proxy", action="append", required=True, help="NAME=COMMAND TEMPLATE")
    args = ap.parse_args()
    up = {"server": f"https://127.0.0.1:{args.upstream_port}", "ca": f"{args.dir}/ca.crt",
          "token_file": f"{args.dir}/token", "token": open(f"{args.dir}/token").read().strip()}
    proxies = [p.split("=", 1) for p in args.proxy]
    results = []
    for _ in range(args.starts):
        for name, template in proxies:
            r = one_start(name, template, up, args.settle)
            print(json.dumps(r), flush=True)
            results.append(r)
    keys = [k for k in results[0] if k != "name"]
    print(f"\nmedians over {args.starts} starts each")
    print(f"{'':12}" + "".join(f"{k:>20}" for k in keys))
    for name, _ in proxies:
        mine = [r for r in results if r["name"] == name]
        print(f"{name:12}" + "".join(f"{statistics.median(r[k] for r in mine):>20g}" for k in keys))


if __name__ == "__main__":
    main()
