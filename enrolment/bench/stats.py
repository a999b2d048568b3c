"""Measures of the benchmark: samples, median and 95th percentile, target, and the report (table and JSON)."""

from __future__ import annotations

import math
import os
import platform
from dataclasses import dataclass, field


def median(values: list[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def p95(values: list[float]) -> float:
    """The nearest-rank 95th percentile: the smallest sample with at least 95% of the samples at or below it
    (with fewer than 20 samples, that is the largest one)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


@dataclass
class Measure:
    name: str
    target: str | None = None  # in words, e.g. "p95 <= 0.3 s"
    limit: float | None = None  # the p95 must not exceed this (seconds, or the ratio for a ratio measure)
    unit: str = "s"
    samples: list[float] = field(default_factory=list)
    queries: int | None = None  # per run (the largest count seen)
    error: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def median(self) -> float | None:
        return median(self.samples) if self.samples else None

    @property
    def p95(self) -> float | None:
        return p95(self.samples) if self.samples else None

    @property
    def ok(self) -> bool:
        if self.error or not self.samples:
            return False
        if not self.extra.get("succeeded", True):
            return False
        if self.limit is not None and self.p95 > self.limit:
            return False
        memory_limit = self.extra.get("peak_memory_limit_mib")
        if memory_limit is not None and self.extra.get("peak_memory_mib", 0) > memory_limit:
            return False
        return True

    def count(self, queries: int) -> None:
        self.queries = queries if self.queries is None else max(self.queries, queries)

    def as_json(self) -> dict:
        out = {
            "name": self.name,
            "median_s": _round(self.median),
            "p95_s": _round(self.p95),
            "queries": self.queries,
            "target": self.target,
            "ok": self.ok,
            "runs": len(self.samples),
        }
        if self.unit != "s":
            out["unit"] = self.unit
        if self.error:
            out["error"] = self.error
        out.update({k: v for k, v in self.extra.items() if k != "succeeded"})
        return out


def _round(value):
    return None if value is None else round(value, 4)


def machine() -> dict:
    """What the numbers were measured on."""
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:  # no /proc/cpuinfo (not Linux): keep what platform.processor() said
        pass
    memory = None
    try:
        memory = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):  # no sysconf values here: memory stays None in the report
        pass
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": memory, "os": platform.platform(),
            "python": platform.python_version(), "load_average_at_start": load}


def table(measures: list[Measure]) -> str:
    """The report as a plain-text table: what, median, p95, queries, target, within target."""
    head = ("what", "median", "p95", "queries", "target", "ok")
    rows = []
    for m in measures:
        def fmt(value, m=m):
            if value is None:
                return "-"
            return f"{value:.2f}x" if m.unit == "ratio" else f"{value:.3f} s"
        ok = "yes" if m.ok else ("ERROR" if m.error else "NO")
        name = m.name
        if "peak_memory_mib" in m.extra:
            name += f" (peak {m.extra['peak_memory_mib']:.0f} MiB)"
        rows.append((name, fmt(m.median), fmt(m.p95), "-" if m.queries is None else str(m.queries),
                     m.target or "-", ok))
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)),
             "  ".join("-" * w for w in widths)]
    for r in rows:
        lines.append("  ".join(c.rjust(w) if i in (1, 2, 3) else c.ljust(w)
                               for i, (c, w) in enumerate(zip(r, widths, strict=True))))
    for m in measures:
        if m.error:
            lines.append(f"! {m.name}: {m.error}")
    return "\n".join(lines)
