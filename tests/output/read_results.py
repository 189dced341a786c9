#!/usr/bin/python3
"""Check a stampede results file with h5py: format attributes and consistent shapes, and the
summary recomputed with numpy (quantiles, time to event, VaR/ES of the risk finals, a sweep's
paired counts). A run and a sweep (every point) are both checked.

Usage: read_results.py RESULTS.h5   (prints OK and exits 0, or prints the problem and exits 1)
The layout is documented in docs/results-format.md.
"""
import sys

import h5py
import numpy as np

LEVELS = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]


def fail(msg):
    print(f"{sys.argv[1]}: {msg}")
    sys.exit(1)


def expect(cond, msg):
    if not cond:
        fail(msg)


def check_run(f, root):
    """One run's groups under `f` (the file, or a sweep point); `root` holds the run attributes."""
    expect(isinstance(f["input/config_yaml"][()], bytes), "/input/config_yaml is not text")
    expect(len(f["input/config_sha256"][()]) == 64, "/input/config_sha256 is not a sha256 hex digest")

    time = f["time"][:]
    n_records = time.shape[0]
    expect(np.all(np.diff(time) > 0), "/time is not increasing")
    ids = f["paths/id"][:]
    n_held = ids.shape[0]
    expect(np.all(np.diff(ids.astype(np.int64)) > 0), "/paths/id is not sorted")
    expect(n_held <= int(root.attrs["n_paths"]), "more paths held than configured")

    for name, ds in f["paths/final"].items():
        expect(ds.shape == (n_held,) and ds.dtype == np.float64, f"/paths/final/{name} shape {ds.shape}")
    for name, grp in f["paths/events"].items():
        fs = grp["first_step"]
        expect(fs.shape == (n_held,) and fs.dtype == np.int64, f"/paths/events/{name}/first_step")
        expect(np.all(fs[:] >= -1) and np.all(fs[:] < int(root.attrs["n_steps"])), f"{name}: step out of range")
    series_ids = f["paths/series_ids"][:]
    expect(np.all(np.isin(series_ids, ids)), "/paths/series_ids not a subset of /paths/id")
    for name, ds in f["paths/series"].items():
        expect(ds.shape == (series_ids.shape[0], n_records), f"/paths/series/{name} shape {ds.shape}")

    for name, grp in f["summary/events"].items():
        a = grp.attrs
        expect(a["method"] == "wilson", f"{name}: method")
        expect(int(a["n"]) == n_held, f"{name}: n != paths held")
        expect(0 <= a["ci_low"] <= a["ci_high"] <= 1, f"{name}: CI not ordered in [0, 1]")
        count = int(np.sum(f["paths/events"][name]["first_step"][:] >= 0))
        expect(int(a["count"]) == count, f"{name}: count disagrees with /paths/events")
        by_time = grp["by_time"][:]
        expect(by_time.shape == (n_records,) and np.all(np.diff(by_time) >= 0), f"{name}: by_time")
        steps = f["paths/events"][name]["first_step"][:]
        times = (steps[steps >= 0] + 1) * float(root.attrs["dt_seconds"])
        tte = grp["time_to_event"]
        expect(int(tte.attrs["n"]) == times.size, f"{name}: time_to_event n")
        if times.size:
            expect(np.allclose(tte[:], np.quantile(times, LEVELS)), f"{name}: time_to_event quantiles")
    for name, grp in f["summary/final"].items():
        q = grp["quantiles"]
        expect(q.shape == (7,) and np.allclose(q.attrs["levels"], LEVELS), f"/summary/final/{name}")
        vals = f["paths/final"][name][:]
        defined = vals[~np.isnan(vals)]
        expect(int(grp.attrs["n_defined"]) == defined.size, f"{name}: n_defined")
        if defined.size:
            expect(np.allclose(q[:], np.quantile(defined, LEVELS)), f"{name}: quantiles differ from numpy")
            expect(np.isclose(grp.attrs["mean"], defined.mean()), f"{name}: mean differs from numpy")
        if "risk" in grp and defined.size:
            tail = grp["risk"].attrs["tail"]
            fig = grp["risk/figures"][:]
            for row, c in enumerate((0.95, 0.99)):
                var = np.quantile(defined, 1 - c if tail == "lower" else c)
                beyond = defined[defined <= var] if tail == "lower" else defined[defined >= var]
                expect(np.isclose(fig[row, 0], var), f"{name}: VaR {c}")
                expect(np.isclose(fig[row, 3], beyond.mean()), f"{name}: ES {c}")
                expect(fig[row, 1] <= fig[row, 2] and fig[row, 4] <= fig[row, 5], f"{name}: bootstrap interval")
    for name, ds in f["summary/bands"].items():
        expect(ds.shape == (n_records, 7), f"/summary/bands/{name} shape {ds.shape}")
    sk = f["sketch/bands"]
    n = sk["key"].shape[0]
    for col in ("series", "record", "count"):
        expect(sk[col].shape == (n,), f"/sketch/bands/{col} length")



def check_compare(f):
    for j, grp in f["sweep/compare"].items():
        a, b = int(grp.attrs["a"]), int(grp.attrs["b"])
        pa, pb = f[f"sweep/points/{a}"], f[f"sweep/points/{b}"]
        expect(np.array_equal(pa["paths/id"][:], pb["paths/id"][:]), f"compare {j}: points hold different paths")
        for name, eg in grp["events"].items():
            ea = pa["paths/events"][name]["first_step"][:] >= 0
            eb = pb["paths/events"][name]["first_step"][:] >= 0
            counts = {"both": np.sum(ea & eb), "only_a": np.sum(ea & ~eb), "only_b": np.sum(~ea & eb),
                      "neither": np.sum(~ea & ~eb)}
            for k, v in counts.items():
                expect(int(eg.attrs[k]) == int(v), f"compare {j} {name}: {k}")
            expect(np.isclose(eg.attrs["difference"], eb.mean() - ea.mean()), f"compare {j} {name}: difference")
            expect(eg.attrs["ci_low"] <= eg.attrs["difference"] <= eg.attrs["ci_high"], f"compare {j} {name}: CI")


def main(path):
    with h5py.File(path, "r") as f:
        expect(f.attrs.get("format") == "stampede-results", "format attribute is not 'stampede-results'")
        version = np.asarray(f.attrs["format_version"])
        expect(version.shape == (2,) and int(version[0]) == 1, f"unknown format_version {version}")
        for name in ("engine_version", "git_commit", "created_utc", "scenario", "protocol", "seed",
                     "n_paths", "n_steps", "dt_seconds", "horizon_seconds", "threads", "shard"):
            expect(name in f.attrs, f"root attribute {name} missing")
        if f.attrs.get("kind", "run") == "sweep":
            n_points = int(f["sweep"].attrs["n_points"])
            expect(len(f["sweep/points"]) == n_points, "/sweep/points count")
            for i in range(n_points):
                check_run(f[f"sweep/points/{i}"], f)
            check_compare(f)
        else:
            check_run(f, f)
        expect(set(f["system"].attrs) >= {"wall_seconds", "agent_steps_per_second"}, "/system attributes")
    print("OK")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    main(sys.argv[1])
