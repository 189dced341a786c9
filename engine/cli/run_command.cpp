// `stampede run`: load and validate, estimate memory, run the paths on TBB, write the HDF5 file
// atomically (<out>.partial, renamed at the end), print the summary.
#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <algorithm>
#include <mutex>

#include "engine/cli/commands.hpp"
#include "engine/cli/memory.hpp"
#include "engine/cli/progress.hpp"
#include "engine/cli/system_info.hpp"
#include "engine/core/errors.hpp"
#include "engine/config/load.hpp"
#include "engine/config/sensitivity_spec.hpp"
#include "engine/config/sweep_spec.hpp"
#include "engine/driver/driver.hpp"
#include "engine/driver/run_points.hpp"
#include "engine/driver/scenario_loader.hpp"
#include "engine/driver/shard.hpp"
#include "engine/output/results_file.hpp"
#include "engine/output/summary.hpp"

namespace stampede {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

extern "C" void on_stop_signal(int sig) {
  g_signal.store(sig);
  g_stop.store(true);
}

// "1 thread", "2 threads".
std::string count_of(std::int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::vector<std::string> scenario_overrides(const ScenarioArgs& args) {
  std::vector<std::string> sets = args.sets;
  if (args.paths) {
    if (*args.paths < 1)
      throw InputError("--paths: must be a positive integer, got " + std::to_string(*args.paths));
    sets.push_back("paths=" + std::to_string(*args.paths));
  }
  if (args.seed) {
    // One rule with `seed:` in a file and `--set seed=`: a whole number in [0, 2^64 - 1].
    std::string_view text = *args.seed;
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    std::uint64_t seed = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seed);
    if (text.empty() || text.front() == '-' || ec != std::errc() || ptr != text.data() + text.size())
      throw InputError("--seed: must be a whole number in [0, 18446744073709551615], got " + *args.seed);
    sets.push_back("seed=" + std::to_string(seed));
  }
  if (args.ci_half_width) sets.push_back("stop.ci_half_width=" + fmt::format("{}", *args.ci_half_width));
  if (args.max_paths) sets.push_back("stop.max_paths=" + std::to_string(*args.max_paths));
  if (args.splitting) sets.push_back("method.splitting.replicas=" + std::to_string(*args.splitting));
  return sets;
}

int effective_threads(int requested) {
  const int limit = std::min<int>(tbb::this_task_arena::max_concurrency(),
                                  static_cast<int>(tbb::global_control::active_value(
                                      tbb::global_control::max_allowed_parallelism)));
  return requested > 0 ? std::min(requested, std::max(limit, 1)) : std::max(limit, 1);
}

void check_output_file(const std::string& file, bool force) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir = fs::path(file).parent_path();
  if (dir.empty()) dir = ".";
  const auto dir_status = fs::status(dir, ec);
  if (!fs::exists(dir_status))
    throw InputError("output directory " + dir.string() + " does not exist (for " + file + "); create it first");
  if (!fs::is_directory(dir_status))
    throw InputError("output directory " + dir.string() + " is not a directory (for " + file + ")");
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw InputError("output directory " + dir.string() + " is not writable (for " + file + ")");
  const auto st = fs::symlink_status(file, ec);
  if (fs::is_directory(fs::status(file, ec))) throw InputError("output " + file + " is a directory");
  if (fs::exists(st) && !force)
    throw InputError(file + " already exists; pass --force to overwrite it");
}

namespace {

constexpr const char* kZeroValued = "value 0 (a channel that is off); give --abs-step to move it";

// A sensitivity's one-at-a-time design as sweep points: the baseline, then each matching
// behaviour parameter at value ∓ step; a side that is not a valid scenario (outside the key's
// range, breaking a cross-key check) is replaced by the baseline, a parameter with neither side
// valid is skipped. The points are loaded here (they must be anyway).
std::vector<PreparedPoint> sensitivity_points(const ScenarioArgs& args, const std::vector<std::string>& sets,
                                             const ProtocolRegistry& protocols, const Scenario& base,
                                             const config::SensitivitySpec& spec, config::SweepSpec& sweep,
                                             SensitivityData& design) {
  design.step = spec.step;
  design.abs_step = spec.abs_step;
  design.finals = spec.finals;
  const auto model = protocols.find(base.protocol)->build(base, ModelOptions{});
  const std::vector<std::string> finals = model->schema().finals;
  for (const auto& f : spec.finals)
    if (std::find(finals.begin(), finals.end(), f) == finals.end())
      throw InputError(spec.at.file + (spec.at.line ? ":" + std::to_string(spec.at.line) : std::string()) +
                       ": sensitivity.finals: '" + f + "' is not a final of " + base.protocol);
  std::vector<PreparedPoint> points;
  points.push_back(PreparedPoint{base, nullptr});
  sweep.points.push_back(config::SweepPoint{"baseline", {}, {}, {}});
  std::vector<bool> matched(spec.patterns.size(), false);
  for (const auto& param : base.values->schema().params()) {
    if (!config::is_behaviour_parameter(*param)) continue;
    const std::string& key = param->path();
    bool wanted = spec.patterns.empty();
    for (std::size_t i = 0; i < spec.patterns.size(); ++i)
      if (config::glob_match(spec.patterns[i], key)) wanted = matched[i] = true;
    if (!wanted) continue;
    SensitivityParam sp;
    sp.key = key;
    sp.base = base.values->real(key);
    const auto values = config::sensitivity_values(spec, sp.base);
    if (!values) {
      design.skipped.emplace_back(key, kZeroValued);
      continue;
    }
    const auto [low, high] = *values;
    std::string why;
    auto side = [&](double value, std::size_t& point, double& ran) {
      // Parsed from text, as a value written in a file is (a constructed node reads as quoted text).
      config::NodeOverride o{key, YAML::Load(fmt::format("{}", value)), spec.at};
      try {
        Scenario s = load_scenario(args.config, sets, protocols, {o});
        point = points.size();
        ran = value;
        points.push_back(PreparedPoint{std::move(s), nullptr});
        sweep.points.push_back(config::SweepPoint{key + "=" + fmt::format("{}", value), {o}, {}, {}});
      } catch (const InputError& e) {
        point = 0;
        ran = sp.base;
        if (why.empty()) why = e.diagnostics().empty() ? e.what() : e.diagnostics().front().message;
      }
    };
    side(low, sp.low_point, sp.low);
    side(high, sp.high_point, sp.high);
    if (sp.low_point == 0 && sp.high_point == 0) {
      design.skipped.emplace_back(key, why);
      continue;
    }
    sweep.compare.emplace_back(sp.low_point, sp.high_point);
    design.params.push_back(std::move(sp));
  }
  for (std::size_t i = 0; i < spec.patterns.size(); ++i)
    if (!matched[i])
      throw InputError(spec.at.file + (spec.at.line ? ":" + std::to_string(spec.at.line) : std::string()) +
                       ": sensitivity.params: '" + spec.patterns[i] + "' matches no behaviour parameter of " +
                       base.protocol + " (see `stampede list " + base.protocol + "`: real-valued keys under agents.)");
  if (design.params.empty())
    throw InputError("sensitivity: no behaviour parameter to move" +
                     (design.skipped.empty() ? std::string() : " (" + design.skipped.front().first + ": " + design.skipped.front().second + ")"));
  return points;
}

}  // namespace

std::vector<PreparedPoint> prepare_points(const ScenarioArgs& args, const std::vector<std::string>& sets,
                                          const SweepArgs& sweep_args, const ProtocolRegistry& protocols,
                                          config::SweepSpec& sweep, std::optional<SensitivityData>& sensitivity,
                                          Scenario& base) {
  base = load_scenario(args.config, sets, protocols);
  const std::string text = config::read_file(args.config);
  sweep = config::sweep_from_cli(config::sweep_from_text(text, args.config), sweep_args.over, sweep_args.compare);
  config::SensitivitySpec sens = config::sensitivity_from_text(text, args.config);
  if (sweep_args.sensitivity)
    sens = config::sensitivity_from_cli(sens, sweep_args.params, sweep_args.step, sweep_args.abs_step,
                                        sweep_args.finals);
  else if (!sweep_args.params.empty() || sweep_args.step || sweep_args.abs_step || !sweep_args.finals.empty())
    throw InputError("--params, --step, --abs-step and --final belong to `stampede sensitivity`");
  if (sens.present && !sweep.empty())
    throw InputError(args.config + ": give either a sweep or a sensitivity, not both (a sensitivity is a sweep of its "
                                   "own: the baseline and each parameter moved down and up)");
  std::vector<PreparedPoint> points;
  if (sens.present) {
    SensitivityData design;
    points = sensitivity_points(args, sets, protocols, base, sens, sweep, design);
    sensitivity = std::move(design);
  } else if (sweep.empty()) {
    points.push_back(PreparedPoint{base, nullptr});
    return points;
  } else {
    // Every point is checked before anything runs; all their problems are reported together.
    std::vector<Diagnostic> problems;
    for (const auto& p : sweep.points) {
      try {
        points.push_back(PreparedPoint{load_scenario(args.config, sets, protocols, p.overrides), nullptr});
      } catch (const InputError& e) {
        for (const auto& d : e.diagnostics())
          if (std::find_if(problems.begin(), problems.end(), [&](const Diagnostic& x) { return x.str() == d.str(); }) ==
              problems.end())
            problems.push_back(d);
      }
    }
    if (!problems.empty()) throw InputError(std::move(problems));
  }
  for (const auto& p : points) {
    // Common random numbers need one time grid and one set of paths: a point may not change them.
    const Scenario& s = p.scenario;
    if (s.seed != base.seed || s.paths != base.paths || s.n_steps != base.n_steps ||
        s.step_seconds != base.step_seconds || s.record_every_seconds != base.record_every_seconds ||
        s.store_paths != base.store_paths || s.ci_half_width != base.ci_half_width || s.stop_batch != base.stop_batch ||
        s.stop_max_paths != base.stop_max_paths)
      throw InputError(args.config + ": sweep: a point may not change seed, paths, horizon, step, output or stop "
                                     "(the points share their paths and streams); set them outside the sweep");
  }
  return points;
}

bool sweep_block_in(const std::string& config_file) {
  return !config::sweep_from_text(config::read_file(config_file), config_file).empty();
}

int command_run(const RunArgs& args, const ProtocolRegistry& protocols) {
  const std::vector<std::string> sets = scenario_overrides(args);

  Shard shard;
  if (!args.shard.empty()) {
    auto s = parse_shard(args.shard);
    if (!s) throw InputError("--shard: expected k/N with 1 <= k <= N, got \"" + args.shard + "\"");
    shard = *s;
  }

  config::SweepSpec sweep;
  std::optional<SensitivityData> sensitivity;
  Scenario scenario;
  std::vector<PreparedPoint> points = prepare_points(args, sets, args, protocols, sweep, sensitivity, scenario);
  const bool is_sweep = !sweep.empty();
  if (scenario.ci_half_width && !args.shard.empty())
    throw InputError("--shard: a precision target (stop.ci_half_width) decides the number of paths from every "
                     "path's result, so it cannot be split into shards; run it whole, or set paths (without stop) "
                     "and split that");
  const std::uint64_t first = shard.first_path(scenario.paths), end = shard.end_path(scenario.paths);
  const std::int64_t n_here = static_cast<std::int64_t>(end - first);
  if (n_here == 0)
    throw InputError("--shard " + args.shard + ": shard " + std::to_string(shard.index) + " of " +
                     std::to_string(shard.count) + " holds no paths (" +
                     count_of(scenario.paths, "path", "paths") + " in " + std::to_string(shard.count) +
                     " shards); use at most " + std::to_string(scenario.paths) + " shards");

  // The output, its checkpoints and their directory, before any work (nothing is overwritten or
  // discarded without --force).
  const std::string out = args.output.empty() ? scenario.name + ".h5" : args.output;
  std::vector<std::string> ckpts;
  for (std::size_t i = 0; i < points.size(); ++i)
    ckpts.push_back(is_sweep ? out + "." + std::to_string(i) + ".ckpt" : out + ".ckpt");
  check_output_file(out, args.force);
  std::error_code ec;
  for (const auto& ckpt : ckpts)
    if (!args.resume && !args.force && std::filesystem::exists(std::filesystem::symlink_status(ckpt, ec)))
      throw InputError(ckpt + " is the checkpoint of an earlier run that did not finish; pass --resume to continue "
                              "it, or --force to discard it");

  const Protocol& protocol = *protocols.find(scenario.protocol);
  ModelOptions options;
  options.check = args.check;
  for (auto& p : points) p.model = protocol.build(p.scenario, options);

  if (scenario.splitting_replicas > 0) {
    if (is_sweep || scenario.ci_half_width)
      throw InputError(args.config + ": method.splitting: a splitting estimate is one event of one scenario; it does "
                                     "not combine with a sweep, a sensitivity or a precision target");
    return command_splitting(args, scenario, *points.front().model, shard, out, effective_threads(args.threads));
  }

  const RunShape shape = run_shape(scenario);
  const int threads = effective_threads(args.threads);
  if (args.threads > threads)
    std::cerr << "stampede: note: --threads " << args.threads << " is more than the " << threads
              << " threads available here; running with " << count_of(threads, "thread", "threads") << "\n";

  // Memory estimate before any allocation (engine.md "Robustness"): points run one after another,
  // so the largest point's paths in flight, plus every point's results.
  const std::int64_t most_paths = scenario.ci_half_width ? scenario.stop_max_paths : n_here;
  MemoryEstimate mem{};
  double results = 0.0;
  for (const auto& p : points) {
    const MemoryEstimate m = estimate_memory(*p.model, shape, most_paths, threads, scenario.store_paths);
    results += m.results;
    if (m.per_path >= mem.per_path) mem = m;
  }
  mem.results = results;
  mem.total = mem.per_path * static_cast<double>(mem.in_flight) + mem.results;
  if (!args.quiet) std::cerr << "memory: " << memory_text(mem) << "\n";
  check_memory(mem);

  if (std::filesystem::exists(out + ".partial")) std::filesystem::remove(out + ".partial");  // left by a crash

  PointsOptions po;
  po.driver.threads = threads;
  po.driver.store_paths = scenario.store_paths;
  po.driver.resume = args.resume;
  po.driver.checkpoint_interval_seconds = args.checkpoint_every;
  po.driver.stop = &g_stop;
  po.first_path = first;
  po.end_path = end;
  if (scenario.ci_half_width)
    po.target = PrecisionTarget{*scenario.ci_half_width, scenario.paths, scenario.stop_batch, scenario.stop_max_paths};
  std::vector<PointJob> jobs;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::string paths_tag = scenario.ci_half_width ? "stop" : std::to_string(scenario.paths);
    jobs.push_back(PointJob{points[i].model.get(), ckpts[i],
                            points[i].scenario.config_sha256 + "|seed=" + std::to_string(scenario.seed) +
                                "|paths=" + paths_tag + "|shard=" + shard.str() +
                                (is_sweep ? "|point=" + std::to_string(i) : ""),
                            // A sensitivity's moved points need events and finals only; the
                            // baseline keeps its series (fan charts) for the report and plots.
                            !(sensitivity && i > 0)});
  }
  ProgressBar bar(!args.quiet && isatty(STDERR_FILENO));
  std::mutex bar_mutex;
  if (bar.enabled())
    po.driver.progress = [&](const Progress& p) {
      std::lock_guard lock(bar_mutex);
      bar.update(p);
    };

  g_stop = false;
  auto old_int = std::signal(SIGINT, on_stop_signal);
  auto old_term = std::signal(SIGTERM, on_stop_signal);
  PointsResult r;
  try {
    r = run_points(jobs, shape, po);
  } catch (const InputError&) {
    std::signal(SIGINT, old_int);
    std::signal(SIGTERM, old_term);
    // Bad input found as a path started: the checkpoints this run began hold nothing worth
    // resuming (and would block the corrected rerun).
    if (!args.resume)
      for (const auto& ckpt : ckpts) std::filesystem::remove(ckpt, ec);
    throw;
  } catch (...) {
    std::signal(SIGINT, old_int);
    std::signal(SIGTERM, old_term);
    throw;
  }
  std::signal(SIGINT, old_int);
  std::signal(SIGTERM, old_term);
  bar.finish();

  if (r.interrupted) {
    const int sig = g_signal.load();
    std::cerr << "stampede: interrupted (" << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << "): the completed paths are "
              << "saved in " << (is_sweep ? out + ".<point>.ckpt" : ckpts[0])
              << "; no result file was written. Run again with --resume to continue.\n";
    return sig == SIGTERM ? 143 : 130;
  }

  RunMeta meta;
  meta.scenario = scenario.name;
  meta.protocol = scenario.protocol;
  meta.shard = shard.str();
  meta.engine_version = engine_version();
  meta.git_commit = git_commit();
  meta.created_utc = utc_now_iso8601();
  meta.config_yaml = scenario.resolved_yaml;
  meta.config_sha256 = scenario.config_sha256;
  meta.seed = scenario.seed;
  meta.n_paths = scenario.ci_half_width ? r.n_paths : scenario.paths;
  meta.n_steps = scenario.n_steps;
  meta.dt_seconds = scenario.step_seconds;
  meta.horizon_seconds = scenario.horizon_seconds;
  meta.record_every_steps = shape.record_every_steps;
  meta.threads = threads;  // what ran, not what was asked for
  meta.store_paths = static_cast<int>(scenario.store_paths);
  meta.system = system_info();
  meta.wall_seconds = r.wall_seconds;
  meta.agent_steps_per_second = r.agent_steps_per_second;
  meta.paths_rule = r.stop_reason;
  if (scenario.ci_half_width) meta.ci_half_width_target = *scenario.ci_half_width;
  meta.ci_half_width_reached = r.widest_half_width;
  std::vector<double> time;
  for (std::int64_t k = 0; k < shape.n_records(); ++k)
    time.push_back(static_cast<double>(k * shape.record_every_steps * shape.dt_seconds));

  auto run_data = [&](std::size_t i) {
    RunData data;
    data.meta = meta;
    data.meta.config_yaml = points[i].scenario.resolved_yaml;
    data.meta.config_sha256 = points[i].scenario.config_sha256;
    data.schema = points[i].model->schema();
    if (sensitivity && i > 0) data.schema.series.clear();  // not kept (PointJob::keep_series)
    data.time = time;
    data.paths = std::move(r.points[i].paths);
    data.bands = std::move(r.points[i].bands);
    return data;
  };
  std::string summary_text;
  try {
    if (!is_sweep) {
      RunData data = run_data(0);
      write_results(out, data, args.force ? Overwrite::replace : Overwrite::refuse);
      const Summary summary = summarize(data);
      summary_text = args.json ? summary_json(summary, data.meta) + "\n" : summary_table(summary, data.meta);
    } else {
      SweepData data;
      data.meta = meta;
      data.keys = sweep.keys;
      data.compare = sweep.compare;
      data.sensitivity = sensitivity;
      for (std::size_t i = 0; i < points.size(); ++i) {
        SweepPointData p;
        p.name = sweep.points[i].name;
        for (const auto& o : sweep.points[i].overrides) p.overrides.push_back(config::override_text(o));
        p.values = sweep.points[i].values;
        p.x = sweep.points[i].x;
        p.run = run_data(i);
        data.points.push_back(std::move(p));
      }
      write_sweep(out, data, args.force ? Overwrite::replace : Overwrite::refuse);
      summary_text = args.json ? sweep_json(data) : data.sensitivity ? sensitivity_table(data) : sweep_table(data);
    }
  } catch (const ResultsFileExists& e) {
    throw InputError(std::string(e.what()) + "; the completed paths stay in the checkpoint: run again with --resume "
                                             "--force to replace it");
  }
  for (const auto& ckpt : ckpts) std::filesystem::remove(ckpt, ec);

  std::cout << summary_text;
  if (!args.quiet) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%.3g agent-steps/s over %.2f s with ", r.agent_steps_per_second, r.wall_seconds);
    std::cerr << "wrote " << out << " (" << buf << count_of(threads, "thread", "threads") << ")\n";
  }
  return kExitOk;
}

}  // namespace stampede
