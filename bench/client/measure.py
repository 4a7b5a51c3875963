"""Measures every client variant round-robin (so a busy machine slows them alike) and prints a Markdown table.
Usage: measure.py BENCH_DIR KUBECONFIG NAMESPACE RUNS JAVA"""
import glob, os, statistics, subprocess, sys, time

here, kc, ns, runs, java = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
KAPI_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
CDS = "cds"  # marker: an AppCDS archive made by one training run, plus KAPI_FLAGS
# label, module, jars left out, JVM flags, bench options, measure list+watch too
VARIANTS = [
    ("plain java.net.http (baseline)", "jdk", (), (), "", False),
    ("kapi-client (HTTP/1.1, gzip: defaults)", "kapi", (), (), "", True),
    ("kapi-client, HTTP/2", "kapi", (), (), "h2", True),
    ("kapi-client, no gzip", "kapi", (), (), "nogzip", True),
    ("kapi-client, ./kapi's JVM flags (C1, SerialGC)", "kapi", (), KAPI_FLAGS, "", False),
    ("kapi-client in a Pod (in-cluster config, no kubeconfig), defaults", "kapi", (), (), "incluster", False),
    ("kapi-client in a Pod, C1, SerialGC", "kapi", (), KAPI_FLAGS, "incluster", False),
    ("fabric8 kubernetes-client 7.4.0", "fabric8", (), (), "", True),
    ("official client-java 24.0.0", "official", (), (), "", True),
    ("plain java.net.http + AppCDS, C1, SerialGC", "jdk", (), CDS, "", False),
    ("kapi-client + AppCDS, C1, SerialGC", "kapi", (), CDS, "", False),
    ("fabric8 + AppCDS, C1, SerialGC", "fabric8", (), CDS, "", False),
    ("official + AppCDS, C1, SerialGC", "official", (), CDS, "", False),
]


def classpath(module, exclude):
    jars = [j for j in sorted(glob.glob(f"{here}/{module}/target/lib/*.jar")) if not any(x in j for x in exclude)]
    own = glob.glob(f"{here}/{module}/target/bench-{module}-*.jar")  # a jar, not classes/: AppCDS ignores directories
    return ":".join(own + jars), sum(os.path.getsize(j) for j in jars)


def jvm_flags(v):
    _, module, _, flags, _, _ = v
    if flags != CDS:
        return list(flags)
    archive = f"{here}/{module}/target/app.jsa"
    if not os.path.exists(archive):  # training run: the classes one first response loads
        subprocess.run([java, f"-XX:ArchiveClassesAtExit={archive}", *KAPI_FLAGS, "-cp", classpath(module, ())[0], "bench.Bench",
                        "first", kc, ns, "0", ""], capture_output=True, check=True)
    return [f"-XX:SharedArchiveFile={archive}", *KAPI_FLAGS]


def pod_env():
    """What a Pod's process sees: KUBERNETES_SERVICE_HOST/PORT and the service-account files (run.sh writes them
    from the bench kubeconfig; KAPI_SERVICEACCOUNT_DIR stands in for /var/run/secrets/kubernetes.io/serviceaccount)."""
    env = dict(os.environ)
    env.update(KUBERNETES_SERVICE_HOST=os.environ["BENCH_POD_HOST"], KUBERNETES_SERVICE_PORT=os.environ["BENCH_POD_PORT"],
               KAPI_SERVICEACCOUNT_DIR=os.environ["BENCH_POD_SA"])
    return env


def fresh(v):
    """One fresh JVM: seconds from spawn to the printed first response, seconds to process exit, CPU, peak RSS.
    The two walls differ by Java 17's exit: a JVM whose java.net.http selector thread sits in epoll_wait waits up to
    300 ms for it at exit (VM_Exit::wait_for_threads_in_native_to_block), after the response is already out."""
    _, module, exclude, flags, opts, _ = v
    cmd = [java, *jvm_flags(v), "-cp", classpath(module, exclude)[0], "bench.Bench", "first",
           "in-cluster" if opts == "incluster" else kc, ns, "0", opts]
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=pod_env() if opts == "incluster" else None)
    line = p.stdout.readline()
    first = time.perf_counter() - t
    p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    if status != 0 or not line.startswith(b"first"):
        raise SystemExit(f"failed: {cmd}")
    return first, wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


def run(v, mode, iterations):
    _, module, exclude, flags, opts, _ = v
    out = subprocess.run([java, *jvm_flags(v), "-cp", classpath(module, exclude)[0], "bench.Bench", mode, kc, ns, str(iterations), opts],
                         capture_output=True, text=True, check=True).stdout
    return dict(kv.split("=") for kv in out.split()[1:])


first = {v[0]: [] for v in VARIANTS}
for v in VARIANTS:
    fresh(v)  # page cache
for _ in range(runs):
    for v in VARIANTS:
        first[v[0]].append(fresh(v))
lists = {v[0]: [] for v in VARIANTS if v[5]}
watches = {v[0]: [] for v in VARIANTS if v[5]}
for _ in range(5):
    for v in VARIANTS:
        if v[5]:
            lists[v[0]].append(int(run(v, "list", 10)["median_us"]) / 1000)
for _ in range(3):
    for v in VARIANTS:
        if v[5]:
            watches[v[0]].append(int(run(v, "watch", 3)["median_per_s"]))

print(f"{runs} fresh JVMs per variant for the first response; list: median of 5 JVMs x 10 lists; watch: median of 3 JVMs x 3 watches")
print()
print("| client | first response (s) | process exit (s) | CPU (s) | peak RSS (MiB) | list + decode 2,500 ConfigMaps (ms) | watch: ADDED events/s | runtime jars (MB) |")
print("|---|---|---|---|---|---|---|---|")
for v in VARIANTS:
    label = v[0]
    s = first[label]
    lst = f"{statistics.median(lists[label]):.1f}" if label in lists else "-"
    wch = f"{statistics.median(watches[label]):,.0f}" if label in watches else "-"
    size = classpath(v[1], v[2])[1] / 1e6
    print(f"| {label} | {statistics.median(x[0] for x in s):.2f} | {statistics.median(x[1] for x in s):.2f} | "
          f"{statistics.median(x[2] for x in s):.2f} | {statistics.median(x[3] for x in s):.0f} | {lst} | {wch} | "
          f"{size:.2f} |", flush=True)
