#!/usr/bin/python3
"""Test of scripts/plot.py on synthetic results files (written here with h5py, following
docs/results-format.md, format 1.1), so it needs no stampede binary.

Usage: test_plot.py [PLOT_SCRIPT]   (default: ../../scripts/plot.py relative to this file)

Checks: a single run, a one-key sweep (3 points, numeric x, one comparison) and a two-key sweep
(2x2) each plot with exit status 0 and write the expected pictures; PNGs are real 800x500 images;
--format pdf writes PDFs; a sensitivity analysis (baseline + 3 parameters, 7 points) gets tornado
charts for the event some parameter moves and for its final, none for the event no parameter
moves, pictures for the baseline point only and no sweep pictures; a text file is refused with
exit status 2. Prints OK.
"""
import os
import struct
import subprocess
import sys
import tempfile

import h5py
import numpy as np

LEVELS = np.array([0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99])
EVENTS = ("depeg", "bank_run")
SERIES = ("price", "total_supply", "debt")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
N_PATHS, N_RECORDS, N_STORED, DT = 200, 30, 8, 3600.0


def plot_script():
    if len(sys.argv) > 1:
        return os.path.abspath(sys.argv[1])
    return os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "plot.py"))


def wilson(count, n, z=1.959963984540054):
    p = count / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return p, centre - half, centre + half


def root_attrs(f, kind):
    f.attrs["format"] = "stampede-results"
    f.attrs["format_version"] = np.array([1, 1], dtype=np.int64)
    f.attrs["kind"] = kind
    f.attrs["scenario"] = "synthetic"
    f.attrs["protocol"] = "toy"
    f.attrs["seed"] = np.uint64(7)
    f.attrs["n_paths"] = np.int64(N_PATHS)
    f.attrs["n_steps"] = np.int64(N_RECORDS * 24)
    f.attrs["dt_seconds"] = DT
    f.attrs["horizon_seconds"] = N_RECORDS * 24 * DT
    f.attrs["record_every_steps"] = np.int64(24)
    f.attrs["store_paths"] = np.int64(N_STORED)
    f.attrs["shard"] = "all"
    f.attrs["paths_rule"] = "paths"
    f.attrs["ci_half_width_target"] = 0.0
    f.attrs["ci_half_width_reached"] = 0.0


def write_run(g, rng, hazard):
    """The single-run groups (time, paths, summary) under g; events happen at rate `hazard`."""
    time = np.arange(1, N_RECORDS + 1) * 24 * DT
    g.create_dataset("time", data=time).attrs["units"] = "s"
    paths = g.create_group("paths", track_order=True)
    paths.create_dataset("id", data=np.arange(N_PATHS, dtype=np.uint64))

    # Series: a random walk per path; bands from all paths, stored rows for the first N_STORED.
    walks = {name: 1.0 + np.cumsum(rng.normal(0, 0.02, (N_PATHS, N_RECORDS)), axis=1) for name in SERIES}
    walks["total_supply"] *= 1e6
    walks["debt"][:] = np.nan  # all NaN: no fan chart
    paths.create_dataset("series_ids", data=np.arange(N_STORED, dtype=np.uint64))
    series = paths.create_group("series", track_order=True)
    for name, w in walks.items():
        series.create_dataset(name, data=w[:N_STORED])

    finals = paths.create_group("final", track_order=True)
    finals.create_dataset("final_price", data=walks["price"][:, -1])
    loss = rng.exponential(1.0, N_PATHS)
    finals.create_dataset("loss", data=loss).attrs["risk_tail"] = "upper"
    stop = np.where(rng.random(N_PATHS) < 0.3, rng.normal(0.9, 0.05, N_PATHS), np.nan)
    finals.create_dataset("stop_price", data=stop)
    finals.create_dataset("never_defined", data=np.full(N_PATHS, np.nan))

    events = paths.create_group("events", track_order=True)
    first_steps = {}
    for k, name in enumerate(EVENTS):
        step = rng.geometric(hazard * (k + 1), N_PATHS) * 24
        step = np.where(step < N_RECORDS * 24, step, -1).astype(np.int64)
        events.create_group(name).create_dataset("first_step", data=step)
        first_steps[name] = step

    summary = g.create_group("summary", track_order=True)
    summary.attrs["n_paths"] = np.int64(N_PATHS)
    sev = summary.create_group("events", track_order=True)
    for name, step in first_steps.items():
        count = int(np.sum(step >= 0))
        p, lo, hi = wilson(count, N_PATHS)
        eg = sev.create_group(name)
        for key, value in (("probability", p), ("ci_low", lo), ("ci_high", hi)):
            eg.attrs[key] = float(value)
        eg.attrs["count"] = np.uint64(count)
        eg.attrs["n"] = np.uint64(N_PATHS)
        eg.attrs["method"] = "wilson"
        seen = (step[:, None] >= 0) & (time[None, :] >= (step[:, None] + 1) * DT)
        eg.create_dataset("by_time", data=seen.mean(axis=0))
        tte = (step[step >= 0] + 1) * DT
        eg.create_dataset("time_to_event", data=np.quantile(tte, LEVELS) if tte.size else np.full(7, np.nan))
    sfinal = summary.create_group("final", track_order=True)
    for name in finals:
        values = finals[name][:]
        defined = values[np.isfinite(values)]
        fg = sfinal.create_group(name)
        fg.attrs["mean"] = float(defined.mean()) if defined.size else np.nan
        fg.attrs["n_defined"] = np.int64(defined.size)
        fg.create_dataset("quantiles", data=np.quantile(defined, LEVELS) if defined.size else np.full(7, np.nan))
    sbands = summary.create_group("bands", track_order=True)
    for name, w in walks.items():
        sbands.create_dataset(name, data=np.quantile(w, LEVELS, axis=0).T)


def make_run(path):
    with h5py.File(path, "w", track_order=True) as f:
        root_attrs(f, "run")
        write_run(f, np.random.default_rng(1), 0.02)


def make_sweep(path, keys, values):
    """A sweep over `keys`; `values` lists each point's values (row-major for two keys)."""
    rng = np.random.default_rng(2)
    with h5py.File(path, "w", track_order=True) as f:
        root_attrs(f, "sweep")
        sweep = f.create_group("sweep", track_order=True)
        sweep.attrs["n_points"] = np.int64(len(values))
        sweep.attrs["n_keys"] = np.int64(len(keys))
        for k, key in enumerate(keys):
            sweep.attrs[f"key_{k}"] = key
        points = sweep.create_group("points", track_order=True)
        for i, vals in enumerate(values):
            pg = points.create_group(str(i), track_order=True)
            pg.attrs["name"] = " ".join(f"{key.rsplit('.', 1)[-1]}={v}" for key, v in zip(keys, vals))
            pg.attrs["overrides"] = "\n".join(f"{key}={v}" for key, v in zip(keys, vals))
            for k, v in enumerate(vals):
                pg.attrs[f"value_{k}"] = str(v)
                pg.attrs[f"x_{k}"] = float(v)
            write_run(pg, rng, 0.005 * (i + 1))
        compare = sweep.create_group("compare", track_order=True)
        cg = compare.create_group("0")
        a, b = 0, len(values) - 1
        cg.attrs["a"], cg.attrs["b"] = np.int64(a), np.int64(b)
        cg.attrs["a_name"], cg.attrs["b_name"] = points[str(a)].attrs["name"], points[str(b)].attrs["name"]
        ce = cg.create_group("events", track_order=True)
        for e in EVENTS:
            pa = points[str(a)]["summary/events"][e].attrs["probability"]
            pb = points[str(b)]["summary/events"][e].attrs["probability"]
            eg = ce.create_group(e)
            eg.attrs["difference"] = pb - pa
            eg.attrs["ci_low"], eg.attrs["ci_high"] = pb - pa - 0.05, pb - pa + 0.05
            for key in ("only_a", "only_b", "both", "neither"):
                eg.attrs[key] = np.uint64(N_PATHS // 4)
            eg.attrs["n"] = np.uint64(N_PATHS)


SENSITIVITY_KEYS = ("agents.holder.sell.w.mkt_ret", "agents.holder.sell.threshold", "market.drift")


def make_sensitivity(path):
    """A sensitivity sweep: point 0 the baseline, points 2k+1 / 2k+2 parameter k at its low / high
    value; "depeg" is moved by the parameters, "bank_run" by none (all effects 0); one final."""
    rng = np.random.default_rng(3)
    n_points = 1 + 2 * len(SENSITIVITY_KEYS)
    with h5py.File(path, "w", track_order=True) as f:
        root_attrs(f, "sweep")
        sweep = f.create_group("sweep", track_order=True)
        sweep.attrs["n_points"] = np.int64(n_points)
        sweep.attrs["n_keys"] = np.int64(0)
        points = sweep.create_group("points", track_order=True)
        for i in range(n_points):
            pg = points.create_group(str(i), track_order=True)
            if i == 0:
                pg.attrs["name"] = "baseline"
            else:
                k, side = (i - 1) // 2, ("low", "high")[(i - 1) % 2]
                pg.attrs["name"] = f"{SENSITIVITY_KEYS[k]} {side}"
            write_run(pg, rng, 0.01)
        base_depeg = float(points["0/summary/events/depeg"].attrs["probability"])

        sens = f.create_group("sensitivity", track_order=True)
        sens.attrs["step"] = 0.2
        sens.attrs["abs_step"] = 0.0
        sens.attrs["n_params"] = np.int64(len(SENSITIVITY_KEYS))
        sens.attrs["n_finals"] = np.int64(1)
        sens.attrs["final_0"] = "loss"
        params = sens.create_group("params", track_order=True)
        for k, key in enumerate(SENSITIVITY_KEYS):
            pg = params.create_group(str(k))
            pg.attrs["key"] = key
            pg.attrs["base"], pg.attrs["low"], pg.attrs["high"] = 1.0, 0.8, 1.2
            pg.attrs["low_point"], pg.attrs["high_point"] = np.int64(2 * k + 1), np.int64(2 * k + 2)
        skipped = sens.create_group("skipped", track_order=True)
        sg = skipped.create_group("0")
        sg.attrs["key"], sg.attrs["why"] = "agents.holder.sell.w.volume", "value 0 (not moved)"

        events = sens.create_group("events", track_order=True)
        rank = np.array([1, 0, 2], dtype=np.int64)  # by |effect|, largest first
        rows = {  # event: (p_low, p_high) per row in rank order
            "depeg": (np.clip(base_depeg + np.array([-0.2, 0.1, 0.02]), 0, 1),
                      np.clip(base_depeg + np.array([0.25, -0.1, -0.01]), 0, 1)),
            "bank_run": (np.full(3, float(points["0/summary/events/bank_run"].attrs["probability"])),) * 2,
        }
        for event, (p_low, p_high) in rows.items():
            effect = p_high - p_low
            eg = events.create_group(event)
            eg.attrs["method"] = "newcombe-paired-score"
            for name, data in (("param", rank), ("effect", effect), ("ci_low", effect - 0.06),
                               ("ci_high", effect + 0.06), ("p_low", p_low), ("p_high", p_high)):
                eg.create_dataset(name, data=data)
            only_low = np.round(np.clip(-effect, 0, None) * N_PATHS).astype(np.int64)
            only_high = np.round(np.clip(effect, 0, None) * N_PATHS).astype(np.int64)
            both = np.full(3, N_PATHS // 10, dtype=np.int64)
            for name, data in (("only_low", only_low), ("only_high", only_high), ("both", both),
                               ("neither", N_PATHS - only_low - only_high - both)):
                eg.create_dataset(name, data=data)
        finals = sens.create_group("finals", track_order=True)
        fg = finals.create_group("loss")
        base_loss = float(points["0/summary/final/loss/quantiles"][3])
        fg.create_dataset("param", data=rank)
        fg.create_dataset("median_low", data=base_loss + np.array([-0.3, 0.1, 0.0]))
        fg.create_dataset("median_high", data=base_loss + np.array([0.4, -0.05, 0.01]))
        fg.create_dataset("q05_low", data=np.full(3, 0.05))
        fg.create_dataset("q05_high", data=np.full(3, 0.06))


def run_plot(script, *args):
    return subprocess.run([sys.executable, script, *args], capture_output=True, text=True, timeout=300)


def check_png(path):
    with open(path, "rb") as fh:
        head = fh.read(24)
    assert head[:8] == PNG_SIGNATURE, f"{path}: not a PNG"
    assert head[12:16] == b"IHDR", f"{path}: no IHDR chunk first"
    width, height = struct.unpack(">II", head[16:24])
    assert (width, height) == (800, 500), f"{path}: {width}x{height}, expected 800x500"
    assert os.path.getsize(path) > 5000, f"{path}: only {os.path.getsize(path)} bytes"


def plot_ok(script, h5, out, *extra):
    r = run_plot(script, h5, "-o", out, *extra)
    assert r.returncode == 0, f"plot {h5} exited {r.returncode}:\n{r.stdout}\n{r.stderr}"
    assert "wrote " in r.stdout and out in r.stdout, f"no summary line:\n{r.stdout}"
    return r


def expect(out, names):
    for name in names:
        path = os.path.join(out, name)
        assert os.path.isfile(path), f"missing {path}; have {sorted(os.listdir(out))}"
        if path.endswith(".png"):
            check_png(path)


def test_run(script, tmp):
    h5 = os.path.join(tmp, "run.h5")
    make_run(h5)
    out = os.path.join(tmp, "run-out")
    plot_ok(script, h5, out)
    expect(out, ["fan-price.png", "fan-total_supply.png", "events-by-time.png", "finals-loss.png",
                 "finals-final_price.png", "finals-stop_price.png"])
    files = set(os.listdir(out))
    assert "fan-debt.png" not in files, "fan chart drawn for an all-NaN series"
    assert "finals-never_defined.png" not in files, "histogram drawn for a metric with no defined value"

    # Default output directory: the file's name without .h5, plus -plots.
    r = run_plot(script, h5)
    assert r.returncode == 0, r.stderr
    assert os.path.isfile(os.path.join(tmp, "run-plots", "events-by-time.png"))

    # PDF output.
    out_pdf = os.path.join(tmp, "run-pdf")
    plot_ok(script, h5, out_pdf, "--format", "pdf")
    pdfs = [n for n in os.listdir(out_pdf) if n.endswith(".pdf")]
    assert "events-by-time.pdf" in pdfs and "fan-price.pdf" in pdfs, pdfs
    for name in pdfs:
        with open(os.path.join(out_pdf, name), "rb") as fh:
            assert fh.read(4) == b"%PDF", f"{name}: not a PDF"

    # Deterministic: the same input gives the same bytes.
    again = os.path.join(tmp, "run-again")
    plot_ok(script, h5, again)
    for name in sorted(os.listdir(out)):
        with open(os.path.join(out, name), "rb") as a, open(os.path.join(again, name), "rb") as b:
            assert a.read() == b.read(), f"{name} differs between two runs"


def test_one_key_sweep(script, tmp):
    h5 = os.path.join(tmp, "sweep1.h5")
    make_sweep(h5, ["market.shocks[0].size"], [(0.1,), (0.2,), (0.4,)])
    out = os.path.join(tmp, "sweep1-out")
    plot_ok(script, h5, out)
    expect(out, ["sweep-events.png", "sweep-depeg.png", "sweep-bank_run.png", "sweep-differences.png"])
    for i in range(3):
        expect(os.path.join(out, f"point-{i}"), ["fan-price.png", "events-by-time.png", "finals-loss.png"])


def test_two_key_sweep(script, tmp):
    h5 = os.path.join(tmp, "sweep2.h5")
    make_sweep(h5, ["market.shocks[0].size", "agents.count"], [(0.1, 100), (0.1, 200), (0.3, 100), (0.3, 200)])
    out = os.path.join(tmp, "sweep2-out")
    plot_ok(script, h5, out)
    expect(out, ["sweep-heatmap-depeg.png", "sweep-heatmap-bank_run.png", "sweep-differences.png"])
    expect(os.path.join(out, "point-3"), ["fan-price.png", "events-by-time.png"])


def test_sensitivity(script, tmp):
    h5 = os.path.join(tmp, "sensitivity.h5")
    make_sensitivity(h5)
    out = os.path.join(tmp, "sensitivity-out")
    plot_ok(script, h5, out)
    expect(out, ["tornado-depeg.png", "tornado-final-loss.png"])
    files = set(os.listdir(out))
    assert "tornado-bank_run.png" not in files, "tornado drawn for an event no parameter moves"
    assert "sweep-differences.png" not in files, "sweep-differences drawn for a sensitivity analysis"
    assert not any(n.startswith("sweep-") for n in files), f"sweep pictures drawn: {sorted(files)}"
    assert os.path.isdir(os.path.join(out, "point-0")), "no pictures of the baseline point"
    expect(os.path.join(out, "point-0"), ["fan-price.png", "events-by-time.png"])
    assert not os.path.exists(os.path.join(out, "point-1")), "pictures drawn for a non-baseline point"

    # PDF output of the tornado charts.
    out_pdf = os.path.join(tmp, "sensitivity-pdf")
    plot_ok(script, h5, out_pdf, "--format", "pdf")
    for name in ("tornado-depeg.pdf", "tornado-final-loss.pdf"):
        with open(os.path.join(out_pdf, name), "rb") as fh:
            assert fh.read(4) == b"%PDF", f"{name}: not a PDF"


def test_bad_input(script, tmp):
    text = os.path.join(tmp, "notes.h5")
    with open(text, "w") as fh:
        fh.write("not an HDF5 file\n")
    missing = os.path.join(tmp, "missing.h5")
    foreign = os.path.join(tmp, "foreign.h5")
    with h5py.File(foreign, "w") as f:
        f.attrs["format"] = "something-else"
    future = os.path.join(tmp, "future.h5")
    with h5py.File(future, "w") as f:
        f.attrs["format"] = "stampede-results"
        f.attrs["format_version"] = np.array([2, 0], dtype=np.int64)
    for path in (text, missing, foreign, future):
        r = run_plot(script, path, "-o", os.path.join(tmp, "bad-out"))
        assert r.returncode == 2, f"{path}: exit {r.returncode}, expected 2:\n{r.stderr}"
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and path in lines[0], f"{path}: expected a one-line message, got:\n{r.stderr}"


def main():
    script = plot_script()
    assert os.path.isfile(script), f"no plot script at {script}"
    with tempfile.TemporaryDirectory(prefix="stampede-plot-test-") as tmp:
        test_run(script, tmp)
        test_one_key_sweep(script, tmp)
        test_two_key_sweep(script, tmp)
        test_sensitivity(script, tmp)
        test_bad_input(script, tmp)
    print("OK")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
