"""A small closed-loop load generator: N threads, each sending one request after the other.

Run:  .venv/bin/python bench/load.py http://127.0.0.1:8000 --get / --post / --data answer=a

Phase A sends GETs, phase B form POSTs, each for `--duration` seconds or `--requests`
requests, whichever comes first, with `--concurrency` clients (20 by default). It reports
requests per second (successful ones), median and 99th-percentile latency and the errors: a
status outside the expected ones, a body that fails the check, or a connection failure.

`run_phase()` is the reusable part: `bench/quiz_throughput.py` gives it a request factory so
that each client sends its own cookies and a fresh form per POST. Only 127.0.0.1 is a target.
"""

from __future__ import annotations

import http.client
import math
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

FORM = "application/x-www-form-urlencoded"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Request:
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


def get(path: str, headers: dict[str, str] | None = None) -> Request:
    return Request("GET", path, None, dict(headers or {}))


def post_form(path: str, data, headers: dict[str, str] | None = None) -> Request:
    body = urlencode(data, doseq=True).encode() if not isinstance(data, bytes) else data
    return Request("POST", path, body, {"Content-Type": FORM, **(headers or {})})


# A factory gets (client number, request number of that client) and returns the request.
RequestFactory = Callable[[int, int], Request]


@dataclass
class PhaseResult:
    name: str
    concurrency: int
    ok: int
    errors: int
    elapsed: float  # seconds, first request sent to last response read
    latencies_ms: list[float]  # of successful requests, sorted
    statuses: Counter
    error_samples: list[str]
    client_cpu: float  # seconds of CPU this process used (all client threads)

    @property
    def rate(self) -> float:
        return self.ok / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else math.nan

    def percentile_ms(self, q: float) -> float:
        """Nearest-rank percentile (q in 0..100)."""
        if not self.latencies_ms:
            return math.nan
        rank = max(1, math.ceil(q / 100 * len(self.latencies_ms)))
        return self.latencies_ms[rank - 1]

    @property
    def p99_ms(self) -> float:
        return self.percentile_ms(99)

    @property
    def client_cpu_share(self) -> float:
        """Client CPU as a share of one core during the phase."""
        return self.client_cpu / self.elapsed if self.elapsed > 0 else 0.0


def run_phase(
    base_url: str,
    make_request: RequestFactory,
    *,
    name: str = "phase",
    concurrency: int = 20,
    duration: float = 10.0,
    max_requests: int = 100_000,
    expect: tuple[int, ...] = (200,),
    check_body: Callable[[bytes], bool] | None = None,
    timeout: float = 30.0,
) -> PhaseResult:
    """Run `concurrency` clients until `duration` seconds or `max_requests` requests."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    if host not in LOCAL_HOSTS and not host.startswith("127."):
        raise ValueError(f"load is only sent to this machine, not to {host}")
    lock = threading.Lock()
    issued = 0
    start_barrier = threading.Barrier(concurrency + 1)
    deadline = 0.0
    per_client: list[dict] = [
        {"lat": [], "statuses": Counter(), "errors": 0, "samples": [], "last": 0.0}
        for _ in range(concurrency)
    ]

    def client(index: int) -> None:
        nonlocal issued
        out = per_client[index]
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        start_barrier.wait()
        seq = 0
        try:
            while True:
                with lock:
                    if issued >= max_requests or time.perf_counter() >= deadline:
                        return
                    issued += 1
                req = make_request(index, seq)
                seq += 1
                began = time.perf_counter()
                try:
                    conn.request(req.method, req.path, req.body, req.headers)
                    resp = conn.getresponse()
                    body = resp.read()
                    if resp.will_close:
                        conn.close()
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    out["errors"] += 1
                    out["statuses"]["exception"] += 1
                    if len(out["samples"]) < 3:
                        out["samples"].append(f"{req.method} {req.path}: {exc!r}")
                    out["last"] = time.perf_counter()
                    continue
                ended = time.perf_counter()
                out["last"] = ended
                out["statuses"][resp.status] += 1
                good = resp.status in expect and (check_body is None or check_body(body))
                if good:
                    out["lat"].append((ended - began) * 1000)
                else:
                    out["errors"] += 1
                    if len(out["samples"]) < 3:
                        snippet = body[:120].decode("utf-8", "replace").replace("\n", " ")
                        out["samples"].append(f"{req.method} {req.path} -> {resp.status} {snippet}")
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(concurrency)]
    for t in threads:
        t.start()
    cpu_before = time.process_time()
    started = time.perf_counter()
    deadline = started + duration
    start_barrier.wait()
    for t in threads:
        t.join(timeout=duration + timeout + 5)
    cpu = time.process_time() - cpu_before
    finished = max([c["last"] for c in per_client] + [started])
    latencies = sorted(x for c in per_client for x in c["lat"])
    statuses = sum((c["statuses"] for c in per_client), Counter())
    return PhaseResult(
        name=name,
        concurrency=concurrency,
        ok=len(latencies),
        errors=sum(c["errors"] for c in per_client),
        elapsed=finished - started,
        latencies_ms=latencies,
        statuses=statuses,
        error_samples=[s for c in per_client for s in c["samples"]][:5],
        client_cpu=cpu,
    )


def format_results(results: list[PhaseResult]) -> str:
    lines = [
        f"{'phase':<28}{'req/s':>9}{'median ms':>11}{'p99 ms':>9}{'ok':>8}{'errors':>8}"
        f"{'client CPU':>12}",
        "-" * 85,
    ]
    for r in results:
        lines.append(
            f"{r.name:<28}{r.rate:>9.1f}{r.median_ms:>11.1f}{r.p99_ms:>9.1f}{r.ok:>8}"
            f"{r.errors:>8}{r.client_cpu_share:>11.0%}"
        )
        for sample in r.error_samples:
            lines.append(f"    ! {sample}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("base_url", help="e.g. http://127.0.0.1:8000 (this machine only)")
    ap.add_argument("--get", default="/", help="path for phase A (GET); '' to skip")
    ap.add_argument("--post", default="/", help="path for phase B (POST); '' to skip")
    ap.add_argument("--data", default="answer=a", help="form body of the POSTs (urlencoded)")
    ap.add_argument("-H", "--header", action="append", default=[], help="'Name: value'")
    ap.add_argument("-c", "--concurrency", type=int, default=20)
    ap.add_argument("-d", "--duration", type=float, default=10.0, help="seconds per phase")
    ap.add_argument("-n", "--requests", type=int, default=100_000, help="at most, per phase")
    ap.add_argument("--warmup", type=float, default=1.0, help="seconds before each phase")
    args = ap.parse_args(argv)
    headers = dict(h.split(":", 1) for h in args.header)
    headers = {k.strip(): v.strip() for k, v in headers.items()}

    phases = []
    if args.get:
        phases.append(("A: GET " + args.get, lambda i, n: get(args.get, headers), (200,)))
    if args.post:
        body = args.data.encode()
        phases.append(
            (
                "B: POST " + args.post,
                lambda i, n: post_form(args.post, body, headers),
                (200, 201, 204, 302, 303),
            )
        )
    results = []
    for name, factory, expect in phases:
        if args.warmup > 0:
            run_phase(
                args.base_url,
                factory,
                concurrency=args.concurrency,
                duration=args.warmup,
                expect=expect,
            )
        results.append(
            run_phase(
                args.base_url,
                factory,
                name=name,
                concurrency=args.concurrency,
                duration=args.duration,
                max_requests=args.requests,
                expect=expect,
            )
        )
    print(
        f"{args.concurrency} concurrent clients, {args.duration:g} s or {args.requests} "
        "requests per phase\n"
    )
    print(format_results(results))
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
