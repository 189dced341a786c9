#include "engine/output/results_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <cmath>
#include <optional>
#include <system_error>

#include "engine/core/errors.hpp"
#include "engine/output/hdf5_file.hpp"
#include "engine/output/summary.hpp"

namespace stampede {
namespace {

using u64 = std::uint64_t;

// Largest chunk row written for /paths/series (values): keeps chunks ~1 MiB.
constexpr u64 kMaxChunkValues = 131072;

std::size_t n_stored_values(const RunData& run) { return run.schema.series.size() * run.time.size(); }


void check_name(const std::string& kind, const std::string& name) {
  if (name.empty() || name == "." || name.find('/') != std::string::npos)
    throw RuntimeFailure(fmt::format("results: invalid {} name '{}'", kind, name));
}

// The driver's invariants, checked before anything is written.
void validate(const RunData& run) {
  for (const auto& n : run.schema.finals) check_name("final", n);
  for (const auto& n : run.schema.events) check_name("event", n);
  for (const auto& n : run.schema.series) check_name("series", n);
  const std::vector<std::uint64_t> ids = run.paths.ids();
  for (std::size_t i = 1; i < ids.size(); ++i)
    if (ids[i - 1] >= ids[i])
      throw RuntimeFailure(fmt::format("results: paths not sorted by id (path {} after {})", ids[i], ids[i - 1]));
  if (!run.paths.empty() &&
      (run.paths.n_finals() != run.schema.finals.size() || run.paths.n_events() != run.schema.events.size()))
    throw RuntimeFailure("results: the paths do not match the output schema");
  for (const auto& [id, values] : run.paths.stored_series())
    if (values.size() != n_stored_values(run))
      throw RuntimeFailure(fmt::format("results: path {} does not match the output schema", id));
  if (!run.schema.series.empty() &&
      (run.bands.n_series() != static_cast<std::int64_t>(run.schema.series.size()) ||
       run.bands.n_records() != static_cast<std::int64_t>(run.time.size())))
    throw RuntimeFailure("results: band sketch dimensions do not match the schema and time grid");
}

void write_levels(const h5::Object& obj) {
  obj.set_attr("levels", std::span<const double>(kQuantileLevels.data(), kQuantileLevels.size()));
}

void write_root_attrs(h5::File& f, const RunMeta& m, const char* kind) {
  // Root attributes, engine.md "Output: HDF5".
  f.set_attr("format", kResultsFormat);
  const std::array<std::int64_t, 2> version = {kResultsVersionMajor, kResultsVersionMinor};
  f.set_attr("format_version", std::span<const std::int64_t>(version));
  f.set_attr("kind", kind);
  f.set_attr("engine_version", m.engine_version);
  f.set_attr("git_commit", m.git_commit);
  f.set_attr("created_utc", m.created_utc);
  f.set_attr("scenario", m.scenario);
  f.set_attr("protocol", m.protocol);
  f.set_attr("seed", m.seed);
  f.set_attr("n_paths", m.n_paths);
  f.set_attr("n_steps", m.n_steps);
  f.set_attr("dt_seconds", m.dt_seconds);
  f.set_attr("horizon_seconds", m.horizon_seconds);
  f.set_attr("record_every_steps", m.record_every_steps);
  f.set_attr("store_paths", static_cast<std::int64_t>(m.store_paths));
  f.set_attr("threads", static_cast<std::int64_t>(m.threads));
  f.set_attr("shard", m.shard);
  f.set_attr("paths_rule", m.paths_rule);
  f.set_attr("ci_half_width_target", m.ci_half_width_target);
  f.set_attr("ci_half_width_reached", m.ci_half_width_reached);
}

void write_system(h5::File& f, const RunMeta& m) {
  h5::Group system = f.create_group("system");
  for (const auto& [key, value] : m.system) system.set_attr(key, value);
  system.set_attr("wall_seconds", m.wall_seconds);
  system.set_attr("agent_steps_per_second", m.agent_steps_per_second);
}

void write_input(const h5::Group& at, const RunMeta& m) {
  h5::Group input = at.create_group("input");
  input.write_string("config_yaml", m.config_yaml);
  input.write_string("config_sha256", m.config_sha256);
}

void write_summary(const h5::Group& at, const RunData& run) {
  const u64 n_records = run.time.size();
  const Summary sum = summarize(run);
  h5::Group summary = at.create_group("summary");
  summary.set_attr("n_paths", static_cast<std::int64_t>(sum.n_paths));
  h5::Group events = summary.create_group("events");
  for (const EventSummary& e : sum.events) {
    h5::Group g = events.create_group(e.name);
    g.set_attr("probability", e.ci.p);
    g.set_attr("ci_low", e.ci.low);
    g.set_attr("ci_high", e.ci.high);
    g.set_attr("count", e.count);
    g.set_attr("n", e.n);
    g.set_attr("method", "wilson");
    g.write("by_time", std::span<const double>(e.by_time), {n_records});
    h5::Object tte = g.write("time_to_event", std::span<const double>(e.time_to_event.quantiles),
                             {kQuantileLevels.size()});
    write_levels(tte);
    tte.set_attr("units", "s");
    tte.set_attr("mean", e.time_to_event.mean);
    tte.set_attr("n", e.time_to_event.n_defined);
  }
  h5::Group finals = summary.create_group("final");
  for (const FinalSummary& fs : sum.finals) {
    h5::Group g = finals.create_group(fs.name);
    g.set_attr("mean", fs.stats.mean);
    g.set_attr("std", fs.stats.std_dev);
    g.set_attr("std_err", fs.stats.std_err);
    g.set_attr("min", fs.stats.min);
    g.set_attr("max", fs.stats.max);
    g.set_attr("n_defined", fs.stats.n_defined);
    write_levels(g.write("quantiles", std::span<const double>(fs.stats.quantiles), {kQuantileLevels.size()}));
    if (fs.risk.tail == Tail::none) continue;
    h5::Group risk = g.create_group("risk");
    risk.set_attr("tail", to_string(fs.risk.tail));
    risk.set_attr("horizon_seconds", run.meta.horizon_seconds);
    risk.set_attr("bootstrap_resamples", static_cast<std::int64_t>(kBootstrapResamples));
    std::vector<double> conf, table;  // rows: confidence; columns: var, var_low, var_high, es, es_low, es_high
    for (const TailFigure& t : fs.risk.at) {
      conf.push_back(t.confidence);
      table.insert(table.end(), {t.var, t.var_low, t.var_high, t.es, t.es_low, t.es_high});
    }
    h5::Object fig = risk.write("figures", std::span<const double>(table), {conf.size(), 6});
    fig.set_attr("confidence", std::span<const double>(conf));
    fig.set_attr("columns", "var, var_low, var_high, es, es_low, es_high");
  }
  h5::Group bands = summary.create_group("bands");
  write_levels(bands);
  for (const BandSummary& b : sum.bands) {
    std::vector<double> flat;
    flat.reserve(b.bands.size() * kQuantileLevels.size());
    for (const Quantiles& q : b.bands) flat.insert(flat.end(), q.begin(), q.end());
    write_levels(bands.write(b.name, std::span<const double>(flat), {n_records, kQuantileLevels.size()}));
  }
}

// The groups of one run (input, time, paths, summary, sketch) under `at`: the root of a run's
// file, or /sweep/points/<i> of a sweep's.
void write_run(const h5::Group& at, const RunData& run) {
  const u64 n_held = run.paths.size();
  const u64 n_records = run.time.size();
  write_input(at, run.meta);
  at.write("time", std::span<const double>(run.time), {n_records}).set_attr("units", "s");

  {
    h5::Group paths = at.create_group("paths");
    // One column at a time: the paths' rows are on disk (PathTable), not in memory.
    paths.write("id", std::span<const u64>(run.paths.ids()), {n_held});
    h5::Group finals = paths.create_group("final");
    for (std::size_t k = 0; k < run.schema.finals.size(); ++k) {
      h5::Object col = finals.write(run.schema.finals[k], std::span<const double>(run.paths.final_column(k)), {n_held});
      if (k < run.schema.final_tails.size() && run.schema.final_tails[k] != Tail::none)
        col.set_attr("risk_tail", to_string(run.schema.final_tails[k]));
    }
    h5::Group events = paths.create_group("events");
    for (std::size_t e = 0; e < run.schema.events.size(); ++e)
      events.create_group(run.schema.events[e])
          .write("first_step", std::span<const std::int64_t>(run.paths.event_column(e)), {n_held});

    // The stored paths' series, by id.
    std::vector<const std::pair<u64, std::vector<double>>*> stored;
    if (!run.schema.series.empty())
      for (const auto& entry : run.paths.stored_series()) stored.push_back(&entry);
    std::sort(stored.begin(), stored.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
    const u64 n_stored = stored.size();
    std::vector<u64> stored_ids(n_stored);
    for (u64 i = 0; i < n_stored; ++i) stored_ids[i] = stored[i]->first;
    paths.write("series_ids", std::span<const u64>(stored_ids), {n_stored});
    h5::Group series = paths.create_group("series");
    const h5::Storage chunked{{1, std::min<u64>(std::max<u64>(n_records, 1), kMaxChunkValues)}, 4};
    std::vector<double> block(n_stored * n_records);
    for (std::size_t s = 0; s < run.schema.series.size(); ++s) {
      for (u64 i = 0; i < n_stored; ++i)
        std::copy_n(stored[i]->second.begin() + static_cast<std::ptrdiff_t>(s * n_records), n_records,
                    block.begin() + static_cast<std::ptrdiff_t>(i * n_records));
      series.write(run.schema.series[s], std::span<const double>(block), {n_stored, n_records}, chunked);
    }
  }

  write_summary(at, run);

  {
    h5::Group sketch = at.create_group("sketch").create_group("bands");
    sketch.set_attr("method", "log-bucket histogram (DDSketch), integer counts");
    sketch.set_attr("alpha", BandSketch::kAlpha);
    sketch.set_attr("key_offset", BandSketch::kKeyOffset);
    sketch.set_attr("inf_key", BandSketch::kInfKey);
    sketch.set_attr("n_series", run.bands.n_series());
    sketch.set_attr("n_records", run.bands.n_records());
    const BandSketchArrays a = run.bands.to_arrays();
    const u64 n = a.key.size();
    const h5::Storage chunked{{std::min<u64>(std::max<u64>(n, 1), kMaxChunkValues)}, 4};
    sketch.write("series", std::span<const std::int64_t>(a.series), {n}, chunked);
    sketch.write("record", std::span<const std::int64_t>(a.record), {n}, chunked);
    sketch.write("key", std::span<const std::int64_t>(a.key), {n}, chunked);
    sketch.write("count", std::span<const u64>(a.count), {n}, chunked);
  }
}

void write_file(h5::File& f, const RunData& run) {
  write_root_attrs(f, run.meta, "run");
  write_run(f, run);
  write_system(f, run.meta);
  f.close();
}

// /sensitivity: the design (parameters and their points) and, for convenience, the rankings
// (recomputed by readers from the points, so a merged file ranks its merged paths).
void write_sensitivity(h5::File& f, const SweepData& sweep) {
  const SensitivityData& s = *sweep.sensitivity;
  h5::Group g = f.create_group("sensitivity");
  g.set_attr("step", s.step);
  g.set_attr("abs_step", s.abs_step);
  g.set_attr("n_params", static_cast<std::int64_t>(s.params.size()));
  g.set_attr("n_finals", static_cast<std::int64_t>(s.finals.size()));
  for (std::size_t k = 0; k < s.finals.size(); ++k) g.set_attr(fmt::format("final_{}", k), s.finals[k]);
  h5::Group params = g.create_group("params");
  for (std::size_t k = 0; k < s.params.size(); ++k) {
    const SensitivityParam& p = s.params[k];
    h5::Group pg = params.create_group(std::to_string(k));
    pg.set_attr("key", p.key);
    pg.set_attr("base", p.base);
    pg.set_attr("low", p.low);
    pg.set_attr("high", p.high);
    pg.set_attr("low_point", static_cast<std::int64_t>(p.low_point));
    pg.set_attr("high_point", static_cast<std::int64_t>(p.high_point));
    if (!p.note.empty()) pg.set_attr("note", p.note);
  }
  h5::Group skipped = g.create_group("skipped");
  for (std::size_t k = 0; k < s.skipped.size(); ++k) {
    h5::Group sg = skipped.create_group(std::to_string(k));
    sg.set_attr("key", s.skipped[k].first);
    sg.set_attr("why", s.skipped[k].second);
  }
  h5::Group events = g.create_group("events");
  for (const EventRanking& r : rank_events(sweep)) {
    const u64 n = r.rows.size();
    std::vector<std::int64_t> param, only_low, only_high, both, neither;
    std::vector<double> effect, lo, hi, p_low, p_high;
    for (const SensitivityRow& row : r.rows) {
      param.push_back(static_cast<std::int64_t>(row.param));
      effect.push_back(row.effect.difference);
      lo.push_back(row.effect.low);
      hi.push_back(row.effect.high);
      p_low.push_back(row.p_low);
      p_high.push_back(row.p_high);
      only_low.push_back(row.counts.only_a);
      only_high.push_back(row.counts.only_b);
      both.push_back(row.counts.both);
      neither.push_back(row.counts.neither);
    }
    h5::Group eg = events.create_group(r.event);
    eg.set_attr("method", "newcombe-paired-score");
    eg.write("param", std::span<const std::int64_t>(param), {n});
    eg.write("effect", std::span<const double>(effect), {n});
    eg.write("ci_low", std::span<const double>(lo), {n});
    eg.write("ci_high", std::span<const double>(hi), {n});
    eg.write("p_low", std::span<const double>(p_low), {n});
    eg.write("p_high", std::span<const double>(p_high), {n});
    eg.write("only_low", std::span<const std::int64_t>(only_low), {n});
    eg.write("only_high", std::span<const std::int64_t>(only_high), {n});
    eg.write("both", std::span<const std::int64_t>(both), {n});
    eg.write("neither", std::span<const std::int64_t>(neither), {n});
  }
  h5::Group finals = g.create_group("finals");
  for (const FinalRanking& r : rank_finals(sweep)) {
    const u64 n = r.rows.size();
    std::vector<std::int64_t> param;
    std::vector<double> ml, mh, ql, qh;
    for (const FinalEffect& e : r.rows) {
      param.push_back(static_cast<std::int64_t>(e.param));
      ml.push_back(e.median_low);
      mh.push_back(e.median_high);
      ql.push_back(e.q05_low);
      qh.push_back(e.q05_high);
    }
    h5::Group fg = finals.create_group(r.final_name);
    fg.write("param", std::span<const std::int64_t>(param), {n});
    fg.write("median_low", std::span<const double>(ml), {n});
    fg.write("median_high", std::span<const double>(mh), {n});
    fg.write("q05_low", std::span<const double>(ql), {n});
    fg.write("q05_high", std::span<const double>(qh), {n});
  }
}

void write_splitting_file(h5::File& f, const SplittingData& d) {
  write_root_attrs(f, d.meta, "splitting");
  write_input(f, d.meta);
  h5::Group g = f.create_group("splitting");
  const SplittingEstimate e = combine_runs(d.runs);
  g.set_attr("method", "adaptive multilevel splitting (generalised, unbiased)");
  g.set_attr("event", d.event);
  g.set_attr("score", d.score_doc);
  g.set_attr("level", d.level);
  g.set_attr("replicas", d.replicas);
  g.set_attr("kill_per_iteration", d.kill);
  g.set_attr("probability", e.p);
  g.set_attr("ci_low", e.low);
  g.set_attr("ci_high", e.high);
  g.set_attr("std_err", e.std_err);
  g.set_attr("relative_error", e.relative_error);
  g.set_attr("path_steps", e.path_steps);
  g.set_attr("brute_force_paths", e.brute_force_paths);
  g.set_attr("extinct_runs", e.extinct_runs);  // all of the runs: no estimate (probability NaN)
  const u64 n = d.runs.size();
  std::vector<u64> run;
  std::vector<double> estimate;
  std::vector<std::int64_t> iterations, reached, steps, extinct;
  for (const SplittingRun& r : d.runs) {
    run.push_back(r.run);
    estimate.push_back(r.estimate);
    iterations.push_back(r.iterations);
    reached.push_back(r.reached);
    steps.push_back(r.path_steps);
    extinct.push_back(r.extinct ? 1 : 0);
  }
  h5::Group runs = g.create_group("runs");
  runs.write("run", std::span<const u64>(run), {n});
  runs.write("estimate", std::span<const double>(estimate), {n});
  runs.write("iterations", std::span<const std::int64_t>(iterations), {n});
  runs.write("reached", std::span<const std::int64_t>(reached), {n});
  runs.write("path_steps", std::span<const std::int64_t>(steps), {n});
  runs.write("extinct", std::span<const std::int64_t>(extinct), {n});
  write_system(f, d.meta);
  f.close();
}

void write_sweep_file(h5::File& f, const SweepData& sweep) {
  write_root_attrs(f, sweep.meta, "sweep");
  write_input(f, sweep.meta);
  h5::Group g = f.create_group("sweep");
  g.set_attr("n_points", static_cast<std::int64_t>(sweep.points.size()));
  g.set_attr("n_keys", static_cast<std::int64_t>(sweep.keys.size()));
  for (std::size_t k = 0; k < sweep.keys.size(); ++k) g.set_attr(fmt::format("key_{}", k), sweep.keys[k]);
  h5::Group points = g.create_group("points");
  for (std::size_t i = 0; i < sweep.points.size(); ++i) {
    const SweepPointData& p = sweep.points[i];
    h5::Group pg = points.create_group(std::to_string(i));
    pg.set_attr("name", p.name);
    std::string overrides;
    for (const auto& o : p.overrides) overrides += (overrides.empty() ? "" : "\n") + o;
    pg.set_attr("overrides", overrides);
    for (std::size_t k = 0; k < p.values.size(); ++k) {
      pg.set_attr(fmt::format("value_{}", k), p.values[k]);
      pg.set_attr(fmt::format("x_{}", k), k < p.x.size() ? p.x[k] : std::nan(""));
    }
    write_run(pg, p.run);
  }
  h5::Group compare = g.create_group("compare");
  const auto diffs = compare_points(sweep);
  for (std::size_t j = 0; j < diffs.size(); ++j) {
    const PointComparison& c = diffs[j];
    h5::Group cg = compare.create_group(std::to_string(j));
    cg.set_attr("a", static_cast<std::int64_t>(c.a));
    cg.set_attr("b", static_cast<std::int64_t>(c.b));
    cg.set_attr("a_name", sweep.points[c.a].name);
    cg.set_attr("b_name", sweep.points[c.b].name);
    h5::Group events = cg.create_group("events");
    for (const EventComparison& e : c.events) {
      h5::Group eg = events.create_group(e.name);
      eg.set_attr("difference", e.diff.difference);
      eg.set_attr("ci_low", e.diff.low);
      eg.set_attr("ci_high", e.diff.high);
      eg.set_attr("both", e.counts.both);
      eg.set_attr("only_a", e.counts.only_a);
      eg.set_attr("only_b", e.counts.only_b);
      eg.set_attr("neither", e.counts.neither);
      eg.set_attr("n", e.counts.n());
      eg.set_attr("method", "newcombe-paired-score");
    }
  }
  if (sweep.sensitivity) write_sensitivity(f, sweep);
  write_system(f, sweep.meta);
  f.close();
}

// Renames `from` to `to` unless `to` exists (false then, and `from` is left in place).
bool rename_no_replace(const std::string& from, const std::string& to) {
#ifdef RENAME_NOREPLACE
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
  if (errno == EEXIST) return false;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    throw std::system_error(errno, std::generic_category(), "rename to " + to);
#endif
  // The file system does not offer it: a hard link fails on an existing name just the same.
  if (::link(from.c_str(), to.c_str()) == 0) {
    ::unlink(from.c_str());
    return true;
  }
  if (errno == EEXIST) return false;
  // No hard links either (e.g. FAT): check, then rename.
  if (std::filesystem::exists(to)) return false;
  std::filesystem::rename(from, to);
  return true;
}

std::string exists_message(const std::string& path) {
  return fmt::format("{} already exists; it was not overwritten", path);
}

}  // namespace

namespace {

void write_atomically(const std::string& path, Overwrite overwrite, const std::function<void(h5::File&)>& body) {
  std::error_code ec;
  if (overwrite == Overwrite::refuse && std::filesystem::symlink_status(path, ec).type() != std::filesystem::file_type::not_found)
    throw ResultsFileExists(exists_message(path));
  const std::string partial = path + ".partial";
  if (std::filesystem::symlink_status(partial, ec).type() != std::filesystem::file_type::not_found)
    throw RuntimeFailure(fmt::format("cannot write results {}: {} exists (another stampede writing {}, or left by a "
                                     "crash: delete it)", path, partial, path));
  std::optional<h5::File> f;
  try {
    f.emplace(h5::File::create(partial, /*exclusive=*/true));  // the partial file is ours from here on
  } catch (const std::exception& e) {
    throw RuntimeFailure(fmt::format("cannot write results {}: {}", path, e.what()));
  }
  bool placed = false;
  try {
    body(*f);  // closes the file
    f.reset();
    if (overwrite == Overwrite::replace) {
      std::filesystem::rename(partial, path);
      placed = true;
    } else {
      placed = rename_no_replace(partial, path);
    }
  } catch (const std::exception& e) {
    f.reset();
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    throw RuntimeFailure(fmt::format("cannot write results {}: {}", path, e.what()));
  }
  if (!placed) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    throw ResultsFileExists(fmt::format("{} appeared while the results were being written; it was not overwritten",
                                        path));
  }
}

}  // namespace

void write_results(const std::string& path, const RunData& run, Overwrite overwrite) {
  validate(run);
  write_atomically(path, overwrite, [&](h5::File& f) { write_file(f, run); });
}

void write_splitting(const std::string& path, const SplittingData& d, Overwrite overwrite) {
  write_atomically(path, overwrite, [&](h5::File& f) { write_splitting_file(f, d); });
}

void write_sweep(const std::string& path, const SweepData& sweep, Overwrite overwrite) {
  for (const auto& p : sweep.points) validate(p.run);
  write_atomically(path, overwrite, [&](h5::File& f) { write_sweep_file(f, sweep); });
}

namespace {

// /input under `at` (the inverse of write_input).
void read_input(const h5::Group& at, RunMeta& m) {
  h5::Group input = at.open_group("input");
  m.config_yaml = input.read_string("config_yaml");
  m.config_sha256 = input.read_string("config_sha256");
}

RunMeta read_root_meta(const h5::File& f) {
  RunMeta m;
  m.engine_version = f.attr_string("engine_version");
  m.git_commit = f.attr_string("git_commit");
  m.created_utc = f.attr_string("created_utc");
  m.scenario = f.attr_string("scenario");
  m.protocol = f.attr_string("protocol");
  m.seed = f.attr_uint("seed");
  m.n_paths = f.attr_int("n_paths");
  m.n_steps = f.attr_int("n_steps");
  m.dt_seconds = f.attr_int("dt_seconds");
  m.horizon_seconds = f.attr_int("horizon_seconds");
  m.record_every_steps = f.attr_int("record_every_steps");
  m.store_paths = static_cast<int>(f.attr_int("store_paths"));
  m.threads = static_cast<int>(f.attr_int("threads"));
  m.shard = f.attr_string("shard");
  // Format 1.1: how the number of paths was decided (absent in 1.0 files: a fixed count).
  if (f.has_attr("paths_rule")) m.paths_rule = f.attr_string("paths_rule");
  if (f.has_attr("ci_half_width_target")) m.ci_half_width_target = f.attr_double("ci_half_width_target");
  if (f.has_attr("ci_half_width_reached")) m.ci_half_width_reached = f.attr_double("ci_half_width_reached");
  {
    h5::Group system = f.open_group("system");
    for (const std::string& key : system.attr_names()) {
      if (key == "wall_seconds") m.wall_seconds = system.attr_double(key);
      else if (key == "agent_steps_per_second") m.agent_steps_per_second = system.attr_double(key);
      else if (system.attr_is_string(key)) m.system.emplace_back(key, system.attr_string(key));
    }
  }
  return m;
}

// The groups of one run under `at` (the root, or a sweep point), with `meta` as its metadata.
RunData read_run(const std::string& path, const h5::Group& at, RunMeta meta) {
  RunData run;
  run.meta = std::move(meta);
  read_input(at, run.meta);
  run.time = at.read_doubles("time");
  const std::size_t n_records = run.time.size();
  const std::string where = at.path() == "/" ? "" : at.path();

  auto malformed = [&](const std::string& what) { return InputError(path + ": malformed results file: " + what); };

  h5::Group paths = at.open_group("paths");
  const std::vector<u64> ids = paths.read_uints("id");
  std::vector<PathResult> rows(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) rows[i].id = ids[i];

  h5::Group finals = paths.open_group("final");
  run.schema.finals = finals.children();
  for (const std::string& name : run.schema.finals) {
    const auto col = finals.read_doubles(name);
    if (col.size() != ids.size()) throw malformed(where + "/paths/final/" + name + " length differs from /paths/id");
    for (std::size_t i = 0; i < ids.size(); ++i) rows[i].finals.push_back(col[i]);
    const h5::Object ds = finals.open_dataset(name);
    run.schema.final_tails.push_back(ds.has_attr("risk_tail") ? tail_from_string(ds.attr_string("risk_tail"))
                                                               : Tail::none);
  }
  h5::Group events = paths.open_group("events");
  run.schema.events = events.children();
  for (const std::string& name : run.schema.events) {
    const auto col = events.open_group(name).read_ints("first_step");
    if (col.size() != ids.size())
      throw malformed(where + "/paths/events/" + name + "/first_step length differs from /paths/id");
    for (std::size_t i = 0; i < ids.size(); ++i) rows[i].first_step.push_back(col[i]);
  }

  const std::vector<u64> stored_ids = paths.read_uints("series_ids");
  h5::Group series = paths.open_group("series");
  run.schema.series = series.children();
  std::vector<PathResult*> stored;
  for (u64 id : stored_ids) {
    auto it = std::lower_bound(rows.begin(), rows.end(), id, [](const PathResult& p, u64 v) { return p.id < v; });
    if (it == rows.end() || it->id != id) throw malformed(where + "/paths/series_ids names a path not in /paths/id");
    it->series.resize(run.schema.series.size() * n_records);
    stored.push_back(&*it);
  }
  for (std::size_t s = 0; s < run.schema.series.size(); ++s) {
    const std::string& name = run.schema.series[s];
    const auto dims = series.dims(name);
    if (dims.size() != 2 || dims[0] != stored.size() || dims[1] != n_records)
      throw malformed(where + "/paths/series/" + name + " is not [len(series_ids), len(time)]");
    const auto block = series.read_doubles(name);
    for (std::size_t i = 0; i < stored.size(); ++i)
      std::copy_n(block.begin() + static_cast<std::ptrdiff_t>(i * n_records), n_records,
                  stored[i]->series.begin() + static_cast<std::ptrdiff_t>(s * n_records));
  }
  run.paths.reserve(rows.size(), run.schema.finals.size(), run.schema.events.size());
  for (const auto& r : rows) run.paths.push_back(r);

  {
    h5::Group sk = at.open_group("sketch").open_group("bands");
    if (sk.attr_double("alpha") != BandSketch::kAlpha || sk.attr_int("key_offset") != BandSketch::kKeyOffset ||
        sk.attr_int("inf_key") != BandSketch::kInfKey)
      throw malformed(where + "/sketch/bands uses a bucket layout this stampede does not know");
    BandSketchArrays a;
    a.series = sk.read_ints("series");
    a.record = sk.read_ints("record");
    a.key = sk.read_ints("key");
    a.count = sk.read_uints("count");
    try {
      run.bands = BandSketch::from_arrays(sk.attr_int("n_series"), sk.attr_int("n_records"), a);
    } catch (const InputError& e) {
      throw malformed(where + "/sketch/bands: " + e.what());
    }
    if (!run.schema.series.empty() &&
        (run.bands.n_series() != static_cast<std::int64_t>(run.schema.series.size()) ||
         run.bands.n_records() != static_cast<std::int64_t>(n_records)))
      throw malformed(where + "/sketch/bands dimensions do not match /paths/series and /time");
  }
  return run;
}

SplittingData read_splitting_file(const std::string& path, const h5::File& f) {
  SplittingData d;
  d.meta = read_root_meta(f);
  read_input(f, d.meta);
  h5::Group g = f.open_group("splitting");
  d.event = g.attr_string("event");
  d.score_doc = g.attr_string("score");
  d.level = g.attr_double("level");
  d.replicas = g.attr_int("replicas");
  d.kill = g.attr_int("kill_per_iteration");
  h5::Group runs = g.open_group("runs");
  const auto run = runs.read_uints("run");
  const auto estimate = runs.read_doubles("estimate");
  const auto iterations = runs.read_ints("iterations"), reached = runs.read_ints("reached");
  const auto steps = runs.read_ints("path_steps"), extinct = runs.read_ints("extinct");
  const std::size_t n = run.size();
  if (estimate.size() != n || iterations.size() != n || reached.size() != n || steps.size() != n || extinct.size() != n)
    throw InputError(path + ": malformed results file: /splitting/runs datasets differ in length");
  for (std::size_t i = 0; i < n; ++i)
    d.runs.push_back(SplittingRun{run[i], estimate[i], iterations[i], reached[i], steps[i], extinct[i] != 0});
  return d;
}

SweepData read_sweep_file(const std::string& path, const h5::File& f) {
  SweepData sweep;
  sweep.meta = read_root_meta(f);
  read_input(f, sweep.meta);
  h5::Group g = f.open_group("sweep");
  const std::int64_t n_points = g.attr_int("n_points"), n_keys = g.attr_int("n_keys");
  for (std::int64_t k = 0; k < n_keys; ++k) sweep.keys.push_back(g.attr_string(fmt::format("key_{}", k)));
  h5::Group points = g.open_group("points");
  for (std::int64_t i = 0; i < n_points; ++i) {
    h5::Group pg = points.open_group(std::to_string(i));
    SweepPointData p;
    p.name = pg.attr_string("name");
    const std::string overrides = pg.attr_string("overrides");
    for (std::size_t pos = 0; pos < overrides.size();) {
      const auto nl = std::min(overrides.find('\n', pos), overrides.size());
      p.overrides.push_back(overrides.substr(pos, nl - pos));
      pos = nl + 1;
    }
    for (std::int64_t k = 0; k < n_keys; ++k) {
      p.values.push_back(pg.attr_string(fmt::format("value_{}", k)));
      p.x.push_back(pg.attr_double(fmt::format("x_{}", k)));
    }
    p.run = read_run(path, pg, sweep.meta);
    sweep.points.push_back(std::move(p));
  }
  h5::Group compare = g.open_group("compare");
  for (const std::string& j : compare.children()) {
    h5::Group cg = compare.open_group(j);
    const auto a = cg.attr_int("a"), b = cg.attr_int("b");
    if (a < 0 || b < 0 || a >= n_points || b >= n_points)
      throw InputError(path + ": malformed results file: /sweep/compare/" + j + " names a point that does not exist");
    sweep.compare.emplace_back(static_cast<std::size_t>(a), static_cast<std::size_t>(b));
  }
  if (f.has("sensitivity")) {
    h5::Group sens_group = f.open_group("sensitivity");
    SensitivityData s;
    s.step = sens_group.attr_double("step");
    s.abs_step = sens_group.attr_double("abs_step");
    for (std::int64_t k = 0; k < sens_group.attr_int("n_finals"); ++k) s.finals.push_back(sens_group.attr_string(fmt::format("final_{}", k)));
    h5::Group params = sens_group.open_group("params");
    for (std::int64_t k = 0; k < sens_group.attr_int("n_params"); ++k) {
      h5::Group pg = params.open_group(std::to_string(k));
      SensitivityParam p;
      p.key = pg.attr_string("key");
      p.base = pg.attr_double("base");
      p.low = pg.attr_double("low");
      p.high = pg.attr_double("high");
      const auto lo = pg.attr_int("low_point"), hi = pg.attr_int("high_point");
      if (lo < 0 || hi < 0 || lo >= n_points || hi >= n_points)
        throw InputError(path + ": malformed results file: /sensitivity/params/" + std::to_string(k) +
                         " names a point that does not exist");
      p.low_point = static_cast<std::size_t>(lo);
      p.high_point = static_cast<std::size_t>(hi);
      if (pg.has_attr("note")) p.note = pg.attr_string("note");
      s.params.push_back(std::move(p));
    }
    h5::Group skipped = sens_group.open_group("skipped");
    for (const std::string& k : skipped.children()) {
      h5::Group sg = skipped.open_group(k);
      s.skipped.emplace_back(sg.attr_string("key"), sg.attr_string("why"));
    }
    sweep.sensitivity = std::move(s);
  }
  return sweep;
}

}  // namespace

namespace {

// Opens a results file after checking it is one, of a major version this stampede reads.
h5::File open_results(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw InputError(path + ": no such results file");
  if (!h5::is_hdf5(path)) throw InputError(path + ": not an HDF5 file (or unreadable)");
  h5::File f = h5::File::open_read(path);
  if (!f.has_attr("format") || !f.attr_is_string("format") || f.attr_string("format") != kResultsFormat)
    throw InputError(path + ": not a stampede results file (root attribute format is not \"" + kResultsFormat +
                     "\")");
  const auto version = f.has_attr("format_version") ? f.attr_ints("format_version") : std::vector<std::int64_t>{};
  if (version.size() != 2) throw InputError(path + ": results file has no valid format_version");
  if (version[0] != kResultsVersionMajor)
    throw InputError(fmt::format("{}: results format version {}.{} is not supported (this stampede reads {}.x)", path,
                                 version[0], version[1], kResultsVersionMajor));
  return f;
}

bool sweep_kind(const h5::File& f) { return f.has_attr("kind") && f.attr_string("kind") == "sweep"; }
std::string kind_of(const h5::File& f) { return f.has_attr("kind") ? f.attr_string("kind") : "run"; }

}  // namespace

std::string results_kind(const std::string& path) {
  try {
    return kind_of(open_results(path));
  } catch (const h5::Error& e) {
    throw InputError(path + ": malformed results file: " + e.what());
  }
}

SplittingData read_splitting(const std::string& path) {
  try {
    const h5::File f = open_results(path);
    if (kind_of(f) != "splitting") throw InputError(path + ": is not a splitting result (kind " + kind_of(f) + ")");
    return read_splitting_file(path, f);
  } catch (const h5::Error& e) {
    throw InputError(path + ": malformed results file: " + e.what());
  }
}

bool is_sweep_file(const std::string& path) {
  try {
    return sweep_kind(open_results(path));
  } catch (const h5::Error& e) {
    throw InputError(path + ": malformed results file: " + e.what());
  }
}

RunData read_results(const std::string& path) {
  try {
    const h5::File f = open_results(path);
    if (sweep_kind(f))
      throw InputError(path + ": is a sweep (one run per point, under /sweep/points); read it as a sweep");
    if (kind_of(f) == "splitting")
      throw InputError(path + ": is a rare-event splitting result (/splitting), not a run of paths");
    return read_run(path, f, read_root_meta(f));
  } catch (const h5::Error& e) {
    throw InputError(path + ": malformed results file: " + e.what());
  }
}

SweepData read_sweep(const std::string& path) {
  try {
    const h5::File f = open_results(path);
    if (!sweep_kind(f)) throw InputError(path + ": is a single run, not a sweep");
    return read_sweep_file(path, f);
  } catch (const h5::Error& e) {
    throw InputError(path + ": malformed results file: " + e.what());
  }
}

}  // namespace stampede
