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
#include "engine/cli/run_meta.hpp"
#include "engine/cli/memory.hpp"
#include "engine/cli/progress.hpp"
#include "engine/cli/ranks.hpp"
#include "engine/cli/sizing.hpp"
#include "engine/cli/system_info.hpp"
#include "engine/core/errors.hpp"
#include "engine/config/sweep_spec.hpp"
#include "engine/driver/checkpoint.hpp"
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

MemoryEstimate estimate_points_memory(const std::vector<PreparedPoint>& points, const RunShape& shape,
                                      std::int64_t paths, int threads, std::int64_t stored) {
  // Points run one after another: the largest point's paths in flight, plus every point's results.
  MemoryEstimate mem{};
  double results = 0.0;
  for (const auto& p : points) {
    const MemoryEstimate m = estimate_memory(*p.model, shape, paths, threads, stored);
    results += m.results;
    if (m.per_path >= mem.per_path) mem = m;
  }
  mem.results = results;
  mem.total = mem.per_path * static_cast<double>(mem.in_flight) + mem.results;
  return mem;
}

namespace {

// Under MPI with --resume, a rank whose part file exists (it completed in an earlier attempt that
// another rank did not) keeps it if it is this run's part: same configuration of every point,
// seed, paths and shard.
bool part_is_this_runs(const std::string& part, const std::vector<PreparedPoint>& points, const Scenario& scenario,
                       const Shard& shard) {
  const std::string kind = results_kind(part);
  std::vector<std::string> shas;
  RunMeta meta;
  if (kind == "splitting") {
    meta = read_splitting(part).meta;
    shas.push_back(meta.config_sha256);
  } else if (kind == "sweep") {
    const SweepData d = read_sweep(part);
    meta = d.meta;
    for (const auto& p : d.points) shas.push_back(p.run.meta.config_sha256);
  } else {
    meta = read_results(part).meta;
    shas.push_back(meta.config_sha256);
  }
  const std::int64_t n = scenario.splitting_replicas > 0 ? scenario.splitting_runs : scenario.paths;
  if (meta.seed != scenario.seed || meta.shard != shard.str() || meta.n_paths != n || shas.size() != points.size())
    return false;
  for (std::size_t i = 0; i < points.size(); ++i)
    if (shas[i] != points[i].scenario.config_sha256) return false;
  return true;
}

}  // namespace

int command_run(const RunArgs& args, const ProtocolRegistry& protocols, RankShare* share) {
  const std::vector<std::string> sets = scenario_overrides(args);

  Shard shard;
  if (share) {
    if (!args.shard.empty())
      throw InputError("--shard: under MPI every rank runs its own shard (rank k of N runs shard k/N); drop --shard, "
                       "or run the shards as separate processes without mpirun");
    shard = Shard{share->rank + 1, share->size};
  } else if (!args.shard.empty()) {
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
  if (scenario.ci_half_width && share && share->size > 1)
    throw InputError("a precision target (stop.ci_half_width, --ci-half-width) cannot be spread over MPI ranks: the "
                     "number of paths is decided after each batch from every path of it; run it in one process "
                     "(mpirun -np 1, or without mpirun), or set paths (without stop) and spread that");
  const std::uint64_t first = shard.first_path(scenario.paths), end = shard.end_path(scenario.paths);
  const std::int64_t n_here = static_cast<std::int64_t>(end - first);
  if (share) {
    const std::int64_t n = scenario.splitting_replicas > 0 ? scenario.splitting_runs : scenario.paths;
    if (shard.count > n)
      throw InputError("mpirun: " + std::to_string(shard.count) + " ranks for " +
                       (scenario.splitting_replicas > 0 ? count_of(n, "splitting run", "splitting runs")
                                                        : count_of(n, "path", "paths")) +
                       ": some ranks would hold none; use at most " + std::to_string(n) + " ranks");
  }
  if (n_here == 0 && scenario.splitting_replicas == 0)  // splitting shards runs, not paths (its own check)
    throw InputError("--shard " + args.shard + ": shard " + std::to_string(shard.index) + " of " +
                     std::to_string(shard.count) + " holds no paths (" +
                     count_of(scenario.paths, "path", "paths") + " in " + std::to_string(shard.count) +
                     " shards); use at most " + std::to_string(scenario.paths) + " shards");

  const Protocol& protocol = *protocols.find(scenario.protocol);
  ModelOptions options;
  options.check = args.check;
  for (auto& p : points) p.model = protocol.build(p.scenario, options);

  if (args.dry_run) return command_dry_run(args, scenario, points, shard, effective_threads(args.threads));

  // The output, its checkpoints and their directory, before any work (nothing is overwritten or
  // discarded without --force). An MPI rank writes its part, merged into the output by rank 0.
  std::string out = args.output.empty() ? scenario.name + ".h5" : args.output;
  std::error_code ec;
  if (share) {
    check_output_file(out, args.force);
    share->output = out;
    share->part = out = rank_part_file(out, share->rank, share->size);
    const auto part_status = std::filesystem::symlink_status(out, ec);
    if (std::filesystem::exists(part_status) && !std::filesystem::is_directory(part_status)) {
      const bool ours = args.resume && part_is_this_runs(out, points, scenario, shard);
      if (ours) {
        std::cerr << "rank " << shard.str() << ": " << out << " is complete from an earlier attempt; kept\n";
        return kExitOk;
      }
      if (!args.force)
        throw InputError(out + " is a part (shard " + shard.str() + ") left by an earlier run under MPI" +
                         (args.resume ? " of another configuration, seed or paths; remove it, or "
                                        "pass --force to discard it"
                                      : "; pass --resume to keep it and continue that run, or --force to discard it"));
    }
  }
  std::vector<std::string> ckpts;
  for (std::size_t i = 0; i < points.size(); ++i)
    ckpts.push_back(is_sweep ? out + "." + std::to_string(i) + ".ckpt" : out + ".ckpt");
  check_output_file(out, args.force);
  for (const auto& ckpt : ckpts)
    if (!args.resume && !args.force && std::filesystem::exists(std::filesystem::symlink_status(ckpt, ec)))
      throw InputError(ckpt + " is the checkpoint of an earlier run that did not finish; pass --resume to continue "
                              "it, or --force to discard it");

  if (scenario.splitting_replicas > 0) {
    if (is_sweep || scenario.ci_half_width)
      throw InputError(args.config + ": method.splitting: a splitting estimate is one event of one scenario; it does "
                                     "not combine with a sweep, a sensitivity or a precision target");
    g_stop = false;
    auto old_int = std::signal(SIGINT, on_stop_signal);
    auto old_term = std::signal(SIGTERM, on_stop_signal);
    struct Restore {  // the handlers, whatever way command_splitting returns
      decltype(old_int) i, t;
      ~Restore() {
        std::signal(SIGINT, i);
        std::signal(SIGTERM, t);
      }
    } restore{old_int, old_term};
    return command_splitting(args, scenario, *points.front().model, shard, out, effective_threads(args.threads), g_stop,
                             g_signal);
  }

  const RunShape shape = run_shape(scenario);
  const int threads = effective_threads(args.threads);
  if (args.threads > threads)
    std::cerr << "stampede: note: --threads " << args.threads << " is more than the " << threads
              << " threads available here; running with " << count_of(threads, "thread", "threads") << "\n";

  // Memory estimate before any allocation (engine.md "Robustness").
  const std::int64_t most_paths = scenario.ci_half_width ? scenario.stop_max_paths : n_here;
  const MemoryEstimate mem = estimate_points_memory(points, shape, most_paths, threads, scenario.store_paths);
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

  if (args.resume && !args.quiet)
    for (const auto& ckpt : ckpts)
      if (const auto saved = checkpoint_paths(ckpt))
        std::cerr << "resuming: " << count_of(static_cast<std::int64_t>(*saved), "completed path", "completed paths")
                  << " in " << ckpt << "\n";

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

  RunMeta meta = run_meta(scenario, shard, shape, threads);
  meta.n_paths = scenario.ci_half_width ? r.n_paths : scenario.paths;
  meta.store_paths = static_cast<int>(scenario.store_paths);
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

  if (args.print_summary) std::cout << summary_text;
  if (!args.quiet) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%.3g agent-steps/s over %.2f s with ", r.agent_steps_per_second, r.wall_seconds);
    std::cerr << (share ? "rank " + shard.str() + ": wrote its part " : std::string("wrote ")) << out << " ("
              << buf << count_of(threads, "thread", "threads") << ")\n";
  }
  return kExitOk;
}

}  // namespace stampede
