#!/usr/bin/python3
"""Check a stampede results file with h5py: format attributes and consistent shapes.

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


def main(path):
    with h5py.File(path, "r") as f:
        expect(f.attrs.get("format") == "stampede-results", "format attribute is not 'stampede-results'")
        version = np.asarray(f.attrs["format_version"])
        expect(version.shape == (2,) and int(version[0]) == 1, f"unknown format_version {version}")
        for name in ("engine_version", "git_commit", "created_utc", "scenario", "protocol", "seed",
                     "n_paths", "n_steps", "dt_seconds", "horizon_seconds", "threads", "shard"):
            expect(name in f.attrs, f"root attribute {name} missing")
        expect(isinstance(f["input/config_yaml"][()], bytes), "/input/config_yaml is not text")
        expect(len(f["input/config_sha256"][()]) == 64, "/input/config_sha256 is not a sha256 hex digest")

        time = f["time"][:]
        n_records = time.shape[0]
        expect(np.all(np.diff(time) > 0), "/time is not increasing")
        ids = f["paths/id"][:]
        n_held = ids.shape[0]
        expect(np.all(np.diff(ids.astype(np.int64)) > 0), "/paths/id is not sorted")
        expect(n_held <= int(f.attrs["n_paths"]), "more paths held than configured")

        for name, ds in f["paths/final"].items():
            expect(ds.shape == (n_held,) and ds.dtype == np.float64, f"/paths/final/{name} shape {ds.shape}")
        for name, grp in f["paths/events"].items():
            fs = grp["first_step"]
            expect(fs.shape == (n_held,) and fs.dtype == np.int64, f"/paths/events/{name}/first_step")
            expect(np.all(fs[:] >= -1) and np.all(fs[:] < int(f.attrs["n_steps"])), f"{name}: step out of range")
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
        for name, grp in f["summary/final"].items():
            q = grp["quantiles"]
            expect(q.shape == (7,) and np.allclose(q.attrs["levels"], LEVELS), f"/summary/final/{name}")
            vals = f["paths/final"][name][:]
            defined = vals[~np.isnan(vals)]
            expect(int(grp.attrs["n_defined"]) == defined.size, f"{name}: n_defined")
            if defined.size:
                expect(np.allclose(q[:], np.quantile(defined, LEVELS)), f"{name}: quantiles differ from numpy")
                expect(np.isclose(grp.attrs["mean"], defined.mean()), f"{name}: mean differs from numpy")
        for name, ds in f["summary/bands"].items():
            expect(ds.shape == (n_records, 7), f"/summary/bands/{name} shape {ds.shape}")
        sk = f["sketch/bands"]
        n = sk["key"].shape[0]
        for col in ("series", "record", "count"):
            expect(sk[col].shape == (n,), f"/sketch/bands/{col} length")
        expect(set(f["system"].attrs) >= {"wall_seconds", "agent_steps_per_second"}, "/system attributes")
    print("OK")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    main(sys.argv[1])
