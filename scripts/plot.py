#!/usr/bin/python3
"""Draws the pictures of a stampede results file (docs/results-format.md, format 1.x).

Usage: plot.py FILE [-o DIR] [--format png|pdf]   (run by `stampede plot`)

For a single run (root attribute kind = "run", or no kind in older files) it writes into DIR:
  fan-<series>.<fmt>      fan chart of a recorded series: quantile bands 1-99%, 5-95%, 25-75%,
                          the median and up to 5 stored paths; at most 8 series, the main ones
                          (price, twap, price_usd, reserve, backing, treasury_usdc, total_supply)
                          first, then the others in file order.
  events-by-time.<fmt>    P(event by t) for every event, with a pointwise 95% Wilson band.
  finals-<metric>.<fmt>   histogram of a final metric's defined (finite) values with its 5%, 50%
                          and 95% quantiles; at most 12 metrics, those with a risk tail first;
                          metrics with no defined value are skipped.
For a rare-event splitting result (kind = "splitting") it draws splitting-runs: the histogram of
the independent runs' estimates with their mean and 95% interval.
For a sweep (kind = "sweep") it draws the same pictures per point in DIR/point-<i>/ (for a sweep
of more than 8 points only for the first and the last point), and in DIR:
  sweep-<event>.<fmt>, sweep-events.<fmt>
                          event probability against the swept value (one key with numeric
                          values) or against the point names (categorical axis otherwise),
                          with the 95% Wilson intervals stored in the file.
  sweep-heatmap-<event>.<fmt>
                          two keys: the probability over the grid (key_0 rows, key_1 columns),
                          annotated with the values.
  sweep-differences.<fmt> the paired differences "b - a" of every compared pair and event with
                          their 95% intervals (when the file has /sweep/compare groups).
For a sensitivity analysis (a sweep with a /sensitivity group; point 0 is the baseline) it draws
only the baseline's pictures in DIR/point-0/ and, instead of the sweep pictures above, in DIR:
  tornado-<event>.<fmt>   the top 15 parameters by |P(high) - P(low)| (largest at the top): bars
                          from the baseline probability to P at the low and at the high value, a
                          line at the baseline and the paired 95% interval of the effect at the
                          right; only for events that some parameter moves (a nonzero effect).
  tornado-final-<final>.<fmt>
                          the same for the median of a final metric (baseline median from point 0).

Times are shown in days. Pictures are 8x5 inches (800x500 pixels in png at 100 dpi; the
differences chart and tornado charts of more than 12 rows grow taller). The output is deterministic (no dates in the
files). Exit status: 0 ok, 2 bad input (missing file, not HDF5, not a stampede results file,
unsupported major version), 1 anything else.
"""
import argparse
import math
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import h5py  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

RESULTS_FORMAT = "stampede-results"
MAJOR_VERSION = 1
LEVELS = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
MAIN_SERIES = ("price", "twap", "price_usd", "reserve", "backing", "treasury_usdc", "total_supply")
MAX_SERIES = 8
MAX_FINALS = 12
MAX_STORED_PATHS = 5
MAX_POINTS_ALL = 8  # sweeps with more points get per-point pictures for the first and last only
MAX_TORNADO_ROWS = 15
FIG_SIZE = (8.0, 5.0)
DPI = 100
Z95 = 1.959963984540054
SECONDS_PER_DAY = 86400.0
MINUS = "\u2212"


class BadInput(Exception):
    """The input is not a results file this script reads (exit status 2)."""


# ---------------------------------------------------------------------------------------------
# Reading


def text(value):
    """An attribute as str (h5py gives str for variable-length strings, bytes for fixed ones)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray) and value.shape == ():
        return text(value[()])
    return str(value)


def attr_text(obj, name, default=""):
    return text(obj.attrs[name]) if name in obj.attrs else default


def attr_float(obj, name, default=math.nan):
    try:
        return float(obj.attrs[name]) if name in obj.attrs else default
    except (TypeError, ValueError):
        return default


def open_results(path):
    """Opens `path` after checking it is a stampede results file of a major version we read."""
    if not os.path.isfile(path):
        raise BadInput(f"{path}: no such results file")
    if not h5py.is_hdf5(path):
        raise BadInput(f"{path}: not an HDF5 file (or unreadable)")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise BadInput(f"{path}: cannot open HDF5 file ({e})") from e
    if attr_text(f, "format", None) != RESULTS_FORMAT:
        f.close()
        raise BadInput(f'{path}: not a stampede results file (root attribute format is not "{RESULTS_FORMAT}")')
    version = np.ravel(f.attrs.get("format_version", []))
    if version.size != 2:
        f.close()
        raise BadInput(f"{path}: results file has no valid format_version")
    if int(version[0]) != MAJOR_VERSION:
        f.close()
        raise BadInput(f"{path}: results format version {int(version[0])}.{int(version[1])} is not supported "
                       f"(this script reads {MAJOR_VERSION}.x)")
    return f


def children(group, name):
    """The members of group[name] in file (creation) order, or an empty list."""
    return list(group[name].keys()) if name in group and isinstance(group[name], h5py.Group) else []


def time_days(run):
    return np.asarray(run["time"][:], dtype=float) / SECONDS_PER_DAY if "time" in run else np.zeros(0)


def finite_or_nan(a):
    a = np.array(a, dtype=float)
    a[~np.isfinite(a)] = np.nan
    return a


# ---------------------------------------------------------------------------------------------
# Output


def safe_name(name):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "unnamed"


def shorten(label, width):
    """`label` cut to `width` characters in the middle (names differ mostly at their ends)."""
    if len(label) <= width:
        return label
    head = (width - 1) // 3
    return label[:head] + "\u2026" + label[len(label) - (width - 1 - head):]


class Painter:
    """Creates figures and saves them under one directory, remembering what it wrote."""

    def __init__(self, out_dir, fmt):
        self.out_dir = out_dir
        self.fmt = fmt
        self.written = []

    @staticmethod
    def figure(height=FIG_SIZE[1]):
        fig = plt.figure(figsize=(FIG_SIZE[0], height), dpi=DPI, layout="constrained")
        return fig, fig.add_subplot()

    def save(self, fig, subdir, stem):
        directory = os.path.join(self.out_dir, subdir) if subdir else self.out_dir
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, f"{stem}.{self.fmt}")
        # No dates in the files: the same input gives the same bytes.
        metadata = {"CreationDate": None} if self.fmt == "pdf" else {}
        fig.savefig(path, dpi=DPI, format=self.fmt, metadata=metadata)
        plt.close(fig)
        self.written.append(path)


# ---------------------------------------------------------------------------------------------
# Statistics


def wilson(p, n, z=Z95):
    """Pointwise Wilson score interval (low, high) for proportions p out of n trials."""
    p = np.clip(np.asarray(p, dtype=float), 0.0, 1.0)
    if n <= 0:
        nan = np.full_like(p, np.nan)
        return nan, nan
    z2n = z * z / n
    centre = (p + z2n / 2) / (1 + z2n)
    half = z * np.sqrt(p * (1 - p) / n + z2n / (4 * n)) / (1 + z2n)
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def event_interval(g):
    """(probability, ci_low, ci_high) of a /summary/events/<e> group; Wilson from count/n if absent."""
    p = attr_float(g, "probability")
    lo, hi = attr_float(g, "ci_low"), attr_float(g, "ci_high")
    if (math.isnan(lo) or math.isnan(hi)) and "n" in g.attrs:
        lo, hi = (float(v[0]) for v in wilson([p], float(g.attrs["n"])))
    return p, lo, hi


# ---------------------------------------------------------------------------------------------
# Single-run pictures


def choose_series(names):
    """At most MAX_SERIES names: the main series first (in MAIN_SERIES order), then file order."""
    main = [s for s in MAIN_SERIES if s in names]
    rest = [s for s in names if s not in main]
    return (main + rest)[:MAX_SERIES]


def plot_fan(painter, run, subdir, title, name, days):
    bands = finite_or_nan(run["summary/bands"][name][:])
    if bands.ndim != 2 or bands.shape[0] != days.size or bands.shape[1] != len(LEVELS) or np.all(np.isnan(bands)):
        return
    fig, ax = painter.figure()
    shades = ((0, 6, 0.15, "1\u201399%"), (1, 5, 0.25, "5\u201395%"), (2, 4, 0.40, "25\u201375%"))
    for lo, hi, alpha, label in shades:
        ax.fill_between(days, bands[:, lo], bands[:, hi], color="tab:blue", alpha=alpha, linewidth=0, label=label)
    ax.plot(days, bands[:, 3], color="tab:blue", linewidth=1.8, label="median")
    stored = run["paths/series"][name] if "paths/series" in run and name in run["paths/series"] else None
    if stored is not None and stored.ndim == 2 and stored.shape[1] == days.size:
        k = min(MAX_STORED_PATHS, stored.shape[0])
        for i in range(k):
            ax.plot(days, finite_or_nan(stored[i, :]), color="0.25", linewidth=0.6, alpha=0.7,
                    label="stored paths" if i == 0 else None)
    ax.set_xlabel("time (days)")
    ax.set_ylabel(name)
    ax.set_title(f"{title}: {name}")
    ax.legend(loc="upper left", fontsize="small")
    ax.grid(alpha=0.3)
    painter.save(fig, subdir, f"fan-{safe_name(name)}")


def plot_events_by_time(painter, run, subdir, title, days):
    events = children(run, "summary/events")
    if not events or days.size == 0:
        return
    fig, ax = painter.figure()
    colours = plt.get_cmap("tab10" if len(events) <= 10 else "tab20")
    drawn = 0
    for k, name in enumerate(events):
        g = run["summary/events"][name]
        if "by_time" not in g or g["by_time"].shape != days.shape:
            continue
        p = finite_or_nan(g["by_time"][:])
        colour = colours(k % colours.N)
        lo, hi = wilson(p, float(g.attrs.get("n", 0)))
        ax.fill_between(days, lo, hi, color=colour, alpha=0.2, linewidth=0)
        ax.plot(days, p, color=colour, linewidth=1.5, label=name)
        drawn += 1
    if drawn == 0:
        plt.close(fig)
        return
    ax.set_ylim(0, 1)
    ax.set_xlabel("time (days)")
    ax.set_ylabel("P(event by t)")
    ax.set_title(f"{title}: events by time (95% Wilson bands)")
    ax.legend(loc="upper left", fontsize="small", ncol=1 if drawn <= 8 else 2)
    ax.grid(alpha=0.3)
    painter.save(fig, subdir, "events-by-time")


def risk_tail(run, name):
    ds = run["paths/final"][name]
    if "risk_tail" in ds.attrs:
        return attr_text(ds, "risk_tail")
    risk = f"summary/final/{name}/risk"
    return attr_text(run[risk], "tail") if risk in run else ""


def choose_finals(run):
    """At most MAX_FINALS metric names, those with a risk tail first, each group in file order."""
    names = children(run, "paths/final")
    tailed = [n for n in names if risk_tail(run, n) in ("lower", "upper")]
    return (tailed + [n for n in names if n not in tailed])[:MAX_FINALS]


def histogram_bins(values):
    edges = np.histogram_bin_edges(values, bins="auto")
    return edges if len(edges) <= 61 else 60


def plot_final(painter, run, subdir, title, name):
    all_values = np.asarray(run["paths/final"][name][:], dtype=float)
    values = all_values[np.isfinite(all_values)]
    if values.size == 0:
        return
    fig, ax = painter.figure()
    ax.hist(values, bins=histogram_bins(values), color="tab:blue", alpha=0.75)
    quantiles = np.quantile(values, [0.05, 0.5, 0.95])
    for q, label, style in zip(quantiles, ("q5", "q50", "q95"), ("--", "-", "--")):
        ax.axvline(q, color="tab:red", linestyle=style, linewidth=1.2, label=f"{label} = {q:.4g}")
    tail = risk_tail(run, name)
    ax.set_xlabel(name + (f" (risk tail: {tail})" if tail else ""))
    ax.set_ylabel("paths")
    ax.set_title(f"{title}: final {name} ({values.size} of {all_values.size} paths defined)")
    ax.legend(loc="upper right", fontsize="small")
    ax.grid(alpha=0.3)
    painter.save(fig, subdir, f"finals-{safe_name(name)}")


def plot_run(painter, run, subdir, title):
    """The single-run pictures of the run stored in group `run` (the root, or a sweep point)."""
    days = time_days(run)
    if days.size > 0:
        for name in choose_series(children(run, "summary/bands")):
            plot_fan(painter, run, subdir, title, name, days)
    plot_events_by_time(painter, run, subdir, title, days)
    for name in choose_finals(run):
        plot_final(painter, run, subdir, title, name)


# ---------------------------------------------------------------------------------------------
# Sweep pictures


def sweep_points(f):
    sweep = f["sweep"]
    n = int(sweep.attrs.get("n_points", len(children(f, "sweep/points"))))
    return [sweep["points"][str(i)] for i in range(n)]


def sweep_keys(f):
    sweep = f["sweep"]
    return [attr_text(sweep, f"key_{k}") for k in range(int(sweep.attrs.get("n_keys", 0)))]


def event_names(points):
    """Every event of the sweep's points, in order of first appearance."""
    names = []
    for p in points:
        names += [e for e in children(p, "summary/events") if e not in names]
    return names


def probabilities(points, event):
    """Arrays (p, low, high) over the points; NaN where a point lacks the event."""
    rows = [event_interval(p["summary/events"][event]) if event in children(p, "summary/events")
            else (math.nan,) * 3 for p in points]
    return tuple(np.array(c, dtype=float) for c in zip(*rows))


def numeric_x(points, keys):
    """The points' x_0 values when the sweep has one key with numeric values, else None."""
    if len(keys) != 1:
        return None
    x = np.array([attr_float(p, "x_0") for p in points])
    return x if x.size and np.all(np.isfinite(x)) else None


def draw_probability(ax, x, p, lo, hi, label=None, colour=None):
    order = np.argsort(x, kind="stable")
    x, p, lo, hi = x[order], p[order], lo[order], hi[order]
    yerr = np.vstack([np.clip(p - lo, 0, None), np.clip(hi - p, 0, None)])
    ax.errorbar(x, p, yerr=yerr, marker="o", markersize=4, capsize=3, linewidth=1.2, label=label, color=colour)


def style_probability_axes(ax, points, keys, numeric):
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("probability (95% Wilson interval)")
    ax.grid(alpha=0.3)
    if numeric:
        ax.set_xlabel(keys[0])
        return
    names = [attr_text(p, "name", str(i)) for i, p in enumerate(points)]
    ax.set_xticks(range(len(points)))
    rotate = len(points) > 6 or max((len(n) for n in names), default=0) > 12
    ax.set_xticklabels([shorten(n, 40) for n in names], rotation=30 if rotate else 0, ha="right" if rotate else "center",
                       fontsize="small")
    ax.set_xlabel(" \u00d7 ".join(keys) if keys else "point")


def plot_sweep_lines(painter, f, title, points, keys, events):
    x = numeric_x(points, keys)
    numeric = x is not None
    if not numeric:
        x = np.arange(len(points), dtype=float)
    series = {e: probabilities(points, e) for e in events}
    for e in events:
        fig, ax = painter.figure()
        draw_probability(ax, x, *series[e])
        style_probability_axes(ax, points, keys, numeric)
        ax.set_title(f"{title}: P({e})")
        painter.save(fig, "", f"sweep-{safe_name(e)}")
    fig, ax = painter.figure()
    colours = plt.get_cmap("tab10" if len(events) <= 10 else "tab20")
    spread = 0.0 if numeric else min(0.3, 0.08 * (len(events) - 1))  # side by side on a categorical axis
    for k, e in enumerate(events):
        shift = 0.0 if len(events) < 2 else spread * (k / (len(events) - 1) - 0.5)
        draw_probability(ax, x + shift, *series[e], label=e, colour=colours(k % colours.N))
    style_probability_axes(ax, points, keys, numeric)
    ax.set_title(f"{title}: event probabilities")
    ax.legend(loc="best", fontsize="small", ncol=1 if len(events) <= 8 else 2)
    painter.save(fig, "", "sweep-events")


def grid_axes(points):
    """Row labels (key_0 values), column labels (key_1 values) and each point's (row, column)."""
    rows, cols, cells = [], [], []
    for p in points:
        v0, v1 = attr_text(p, "value_0"), attr_text(p, "value_1")
        if v0 not in rows:
            rows.append(v0)
        if v1 not in cols:
            cols.append(v1)
        cells.append((rows.index(v0), cols.index(v1)))
    return rows, cols, cells


def plot_sweep_heatmaps(painter, f, title, points, keys, events):
    rows, cols, cells = grid_axes(points)
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad("0.85")
    size = 10 if len(rows) * len(cols) <= 36 else 7 if len(rows) * len(cols) <= 144 else 0
    for e in events:
        p = probabilities(points, e)[0]
        grid = np.full((len(rows), len(cols)), np.nan)
        for (r, c), value in zip(cells, p):
            grid[r, c] = value
        fig, ax = painter.figure()
        image = ax.imshow(grid, cmap=cmap, vmin=0, vmax=1, origin="lower", aspect="auto")
        fig.colorbar(image, ax=ax, label=f"P({e})")
        if size:
            for (r, c), value in np.ndenumerate(grid):
                if np.isfinite(value):
                    ax.text(c, r, f"{value:.3f}", ha="center", va="center", fontsize=size,
                            color="white" if value < 0.6 else "black")
        ax.set_xticks(range(len(cols)))
        ax.set_xticklabels([shorten(c, 16) for c in cols], rotation=30 if len(cols) > 6 else 0, fontsize="small")
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels([shorten(r, 16) for r in rows], fontsize="small")
        ax.set_xlabel(keys[1])
        ax.set_ylabel(keys[0])
        ax.set_title(f"{title}: P({e})")
        painter.save(fig, "", f"sweep-heatmap-{safe_name(e)}")


def comparison_rows(f):
    """(label, difference, low, high) for every compared pair and event, in file order."""
    rows = []
    for j in sorted(children(f, "sweep/compare"), key=lambda s: int(s) if s.isdigit() else s):
        cg = f["sweep/compare"][j]
        a, b = attr_text(cg, "a_name", attr_text(cg, "a")), attr_text(cg, "b_name", attr_text(cg, "b"))
        for e in children(cg, "events"):
            g = cg["events"][e]
            label = f"{shorten(b, 24)} {MINUS} {shorten(a, 24)}: {e}"
            rows.append((label, attr_float(g, "difference"), attr_float(g, "ci_low"), attr_float(g, "ci_high")))
    return rows


def plot_sweep_differences(painter, f, title):
    rows = comparison_rows(f)
    if not rows:
        return
    height = max(FIG_SIZE[1], 1.5 + 0.28 * len(rows))
    fig, ax = painter.figure(height)
    y = np.arange(len(rows))[::-1]
    d = np.array([r[1] for r in rows])
    lo, hi = np.array([r[2] for r in rows]), np.array([r[3] for r in rows])
    xerr = np.vstack([np.clip(d - lo, 0, None), np.clip(hi - d, 0, None)])
    xerr[~np.isfinite(xerr)] = 0
    ax.errorbar(d, y, xerr=xerr, fmt="o", markersize=4, capsize=3, color="tab:blue")
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_yticks(y)
    ax.set_yticklabels([r[0] for r in rows], fontsize="small" if len(rows) <= 20 else "x-small")
    ax.set_xlabel(f"difference in probability (b {MINUS} a), paired 95% interval")
    ax.set_title(f"{title}: paired differences")
    ax.grid(axis="x", alpha=0.3)
    painter.save(fig, "", "sweep-differences")


def point_indices(n):
    return list(range(n)) if n <= MAX_POINTS_ALL else [0, n - 1]


def plot_sweep(painter, f, scenario):
    points = sweep_points(f)
    keys = sweep_keys(f)
    if "sensitivity" in f and isinstance(f["sensitivity"], h5py.Group):
        plot_sensitivity(painter, f, scenario, points)
        return
    for i in point_indices(len(points)):
        plot_run(painter, points[i], f"point-{i}", f"{scenario} [{attr_text(points[i], 'name', str(i))}]")
    events = event_names(points)
    if events and points:
        if len(keys) == 2:
            plot_sweep_heatmaps(painter, f, scenario, points, keys, events)
        else:
            plot_sweep_lines(painter, f, scenario, points, keys, events)
    plot_sweep_differences(painter, f, scenario)


# ---------------------------------------------------------------------------------------------
# Sensitivity pictures (a one-at-a-time sensitivity analysis; point 0 is the baseline)


def signed(value, digits=2):
    """`value` with a sign, e.g. "+0.41" or "\u22120.05"; "?" when undefined."""
    return f"{value:+.{digits}f}".replace("-", MINUS) if math.isfinite(value) else "?"


def number(value):
    return f"{value:.4g}".replace("-", MINUS) if math.isfinite(value) else "?"


def parameter_labels(sens):
    """Parameter index k -> its key without a leading "agents." (cut in the middle when long)."""
    labels = {}
    for k in children(sens, "params"):
        key = attr_text(sens["params"][k], "key", f"parameter {k}")
        if key.startswith("agents."):
            key = key[len("agents."):]
        if k.isdigit():
            labels[int(k)] = shorten(key, 44)
    return labels


def column(g, name, n):
    """Dataset g[name] as a float array of length n (NaN where absent or short)."""
    out = np.full(n, np.nan)
    if name in g:
        values = np.ravel(np.asarray(g[name][:], dtype=float))[:n]
        out[:values.size] = values
    out[~np.isfinite(out)] = np.nan
    return out


def ranking_rows(g, labels):
    """Positions (in rank order, at most MAX_TORNADO_ROWS) of the rows of ranking group g and
    their parameter labels."""
    params = np.ravel(np.asarray(g["param"][:], dtype=np.int64)) if "param" in g else np.zeros(0, np.int64)
    rows = list(range(min(MAX_TORNADO_ROWS, params.size)))
    return rows, [labels.get(int(params[i]), f"parameter {int(params[i])}") for i in rows], params.size


def tornado(painter, stem, title, xlabel, right_label, base, names, low, high, right_texts, xlim=None):
    """A tornado chart: per row (first at the top) bars from `base` to `low` and to `high`, a line
    at `base`, and `right_texts` on a second axis at the right."""
    n = len(names)
    height = FIG_SIZE[1] if n <= 12 else FIG_SIZE[1] + 0.3 * (n - 12)
    fig, ax = painter.figure(height)
    y = np.arange(n)[::-1].astype(float)
    bar = 0.38
    for values, offset, colour, label in ((low, bar / 2, "tab:blue", "low value"),
                                          (high, -bar / 2, "tab:orange", "high value")):
        if math.isfinite(base):
            width = np.where(np.isfinite(values), values - base, 0.0)
            ax.barh(y + offset, width, height=bar, left=base, color=colour, label=label)
            # A mark at the end of each bar, so a value equal to the baseline still shows.
            ax.plot(values, y + offset, linestyle="none", marker="|", markersize=9, color=colour)
        else:
            ax.plot(values, y + offset, linestyle="none", marker="o", markersize=5, color=colour, label=label)
    if math.isfinite(base):
        ax.axvline(base, color="0.15", linewidth=1.2, label=f"baseline = {number(base)}")
    if xlim is not None:
        ax.set_xlim(*xlim)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize="small")
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    right = ax.twinx()
    right.set_ylim(ax.get_ylim())
    right.set_yticks(y)
    right.set_yticklabels(right_texts, fontsize="small")
    right.tick_params(axis="y", length=0)
    right.set_ylabel(right_label, fontsize="small")
    painter.save(fig, "", stem)


def plot_sensitivity_event(painter, f, scenario, sens, labels, event):
    g = sens["events"][event]
    rows, names, n = ranking_rows(g, labels)
    effect = column(g, "effect", n)
    if not np.any(np.isfinite(effect) & (effect != 0)):
        return  # no parameter moves this event
    ci_low, ci_high = column(g, "ci_low", n), column(g, "ci_high", n)
    p_low, p_high = column(g, "p_low", n)[rows], column(g, "p_high", n)[rows]
    base = math.nan
    baseline = f"sweep/points/0/summary/events/{event}"
    if baseline in f:
        base = attr_float(f[baseline], "probability")
    texts = [f"{signed(effect[i])} [{signed(ci_low[i])}, {signed(ci_high[i])}]" for i in rows]
    tornado(painter, f"tornado-{safe_name(event)}", f"{scenario}: what moves P({event})", f"P({event})",
            f"effect P(high) {MINUS} P(low), paired 95% interval", base, names, p_low, p_high, texts, (0.0, 1.0))


def plot_sensitivity_final(painter, f, scenario, sens, labels, final):
    g = sens["finals"][final]
    rows, names, n = ranking_rows(g, labels)
    if not rows:
        return
    m_low, m_high = column(g, "median_low", n)[rows], column(g, "median_high", n)[rows]
    base = math.nan
    baseline = f"sweep/points/0/summary/final/{final}/quantiles"
    if baseline in f and isinstance(f[baseline], h5py.Dataset):
        quantiles = finite_or_nan(np.ravel(f[baseline][:]))
        if quantiles.size > 3:
            base = float(quantiles[3])
    if not (math.isfinite(base) or np.any(np.isfinite(m_low)) or np.any(np.isfinite(m_high))):
        return  # nothing defined to draw
    texts = [f"{number(lo)} / {number(hi)}" for lo, hi in zip(m_low, m_high)]
    tornado(painter, f"tornado-final-{safe_name(final)}", f"{scenario}: what moves the median of {final}",
            final, "median at the low / high value", base, names, m_low, m_high, texts)


def plot_sensitivity(painter, f, scenario, points):
    """The baseline's pictures (point-0/) and the tornado charts of a sensitivity analysis."""
    if points:
        plot_run(painter, points[0], "point-0", f"{scenario} [{attr_text(points[0], 'name', 'baseline')}]")
    sens = f["sensitivity"]
    labels = parameter_labels(sens)
    for event in children(sens, "events"):
        if isinstance(sens["events"][event], h5py.Group):
            plot_sensitivity_event(painter, f, scenario, sens, labels, event)
    for final in children(sens, "finals"):
        if isinstance(sens["finals"][final], h5py.Group):
            plot_sensitivity_final(painter, f, scenario, sens, labels, final)


# ---------------------------------------------------------------------------------------------
# Rare-event splitting (kind = "splitting")


def plot_splitting(painter, f, scenario):
    """splitting-runs: the independent AMS runs' estimates, their mean and its 95% interval."""
    g = f["splitting"]
    estimates = np.asarray(g["runs/estimate"][:], dtype=float)
    if estimates.size == 0:
        return
    event = attr_text(g, "event", "event")
    p, lo, hi = attr_float(g, "probability"), attr_float(g, "ci_low"), attr_float(g, "ci_high")
    fig, ax = painter.figure()
    ax.hist(estimates, bins=histogram_bins(estimates) if np.ptp(estimates) > 0 else 10, color="tab:blue", alpha=0.75,
            label=f"{estimates.size} independent runs")
    title = f"{scenario}: P({event}) by adaptive multilevel splitting"
    if np.isfinite(p):
        ax.axvline(p, color="tab:red", linewidth=1.5, label=f"mean {p:.3g}")
        ax.axvspan(lo, hi, color="tab:red", alpha=0.15, label=f"95% interval [{lo:.3g}, {hi:.3g}]")
    else:  # every run went extinct: no estimate
        title += "\nno estimate: every run went extinct (the score plateaus)"
    ax.set_xlabel(f"estimate of P({event}) per run")
    ax.set_ylabel("runs")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize="small")
    ax.grid(alpha=0.3)
    painter.save(fig, "", "splitting-runs")


# ---------------------------------------------------------------------------------------------
# Command line


def draw(path, out_dir, fmt):
    """Draws every picture of `path` into `out_dir`; returns the paths written."""
    painter = Painter(out_dir, fmt)
    with open_results(path) as f:
        os.makedirs(out_dir, exist_ok=True)
        scenario = attr_text(f, "scenario", os.path.basename(path))
        kind = attr_text(f, "kind", "run")
        if kind == "sweep":
            plot_sweep(painter, f, scenario)
        elif kind == "splitting":
            plot_splitting(painter, f, scenario)
        else:
            plot_run(painter, f, "", scenario)
    return painter.written


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Draw the pictures of a stampede results file.")
    parser.add_argument("file", help="results file (.h5)")
    parser.add_argument("-o", "--output", help="directory for the pictures (default: <file>-plots)")
    parser.add_argument("--format", choices=("png", "pdf"), default="png", help="picture format (default png)")
    args = parser.parse_args(argv)
    if not args.output:
        args.output = os.path.splitext(args.file)[0] + "-plots"
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        written = draw(args.file, args.output, args.format)
    except BadInput as e:
        print(f"plot: error: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - any other failure is a runtime failure (exit 1)
        print(f"plot: runtime failure: {args.file}: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    print(f"wrote {len(written)} pictures to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
