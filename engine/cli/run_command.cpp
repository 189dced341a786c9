// `stampede run`: load and validate, estimate memory, run the paths on TBB, write the HDF5 file
// atomically (<out>.partial, renamed at the end), print the summary.
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
#include <mutex>

#include "engine/cli/commands.hpp"
#include "engine/cli/memory.hpp"
#include "engine/cli/progress.hpp"
#include "engine/cli/system_info.hpp"
#include "engine/core/errors.hpp"
#include "engine/driver/driver.hpp"
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

int command_run(const RunArgs& args, const ProtocolRegistry& protocols) {
  const std::vector<std::string> sets = scenario_overrides(args);

  Shard shard;
  if (!args.shard.empty()) {
    auto s = parse_shard(args.shard);
    if (!s) throw InputError("--shard: expected k/N with 1 <= k <= N, got \"" + args.shard + "\"");
    shard = *s;
  }

  const Scenario scenario = load_scenario(args.config, sets, protocols);
  const std::uint64_t first = shard.first_path(scenario.paths), end = shard.end_path(scenario.paths);
  const std::int64_t n_here = static_cast<std::int64_t>(end - first);
  if (n_here == 0)
    throw InputError("--shard " + args.shard + ": shard " + std::to_string(shard.index) + " of " +
                     std::to_string(shard.count) + " holds no paths (" +
                     count_of(scenario.paths, "path", "paths") + " in " + std::to_string(shard.count) +
                     " shards); use at most " + std::to_string(scenario.paths) + " shards");

  // The output, its checkpoint and their directory, before any work (nothing is overwritten or
  // discarded without --force).
  const std::string out = args.output.empty() ? scenario.name + ".h5" : args.output;
  const std::string ckpt = out + ".ckpt";
  check_output_file(out, args.force);
  std::error_code ec;
  if (!args.resume && !args.force && std::filesystem::exists(std::filesystem::symlink_status(ckpt, ec)))
    throw InputError(ckpt + " is the checkpoint of an earlier run that did not finish; pass --resume to continue "
                            "it, or --force to discard it");

  const Protocol& protocol = *protocols.find(scenario.protocol);
  ModelOptions options;
  options.check = args.check;
  auto model = protocol.build(scenario, options);

  const RunShape shape = run_shape(scenario);
  const int threads = effective_threads(args.threads);
  if (args.threads > threads)
    std::cerr << "stampede: note: --threads " << args.threads << " is more than the " << threads
              << " threads available here; running with " << count_of(threads, "thread", "threads") << "\n";

  // Memory estimate before any allocation (engine.md "Robustness").
  const MemoryEstimate mem = estimate_memory(*model, shape, n_here, threads, scenario.store_paths);
  if (!args.quiet) std::cerr << "memory: " << memory_text(mem) << "\n";
  check_memory(mem);

  if (std::filesystem::exists(out + ".partial")) std::filesystem::remove(out + ".partial");  // left by a crash

  DriverOptions d;
  d.threads = threads;
  for (std::uint64_t p = first; p < end; ++p) d.path_ids.push_back(p);
  d.store_paths = scenario.store_paths;
  d.checkpoint_path = ckpt;
  d.checkpoint_tag = scenario.config_sha256 + "|seed=" + std::to_string(scenario.seed) + "|paths=" +
                     std::to_string(scenario.paths) + "|shard=" + shard.str();
  d.resume = args.resume;
  d.checkpoint_interval_seconds = args.checkpoint_every;
  d.stop = &g_stop;
  ProgressBar bar(!args.quiet && isatty(STDERR_FILENO));
  std::mutex bar_mutex;
  if (bar.enabled())
    d.progress = [&](const Progress& p) {
      std::lock_guard lock(bar_mutex);
      bar.update(p);
    };

  g_stop = false;
  auto old_int = std::signal(SIGINT, on_stop_signal);
  auto old_term = std::signal(SIGTERM, on_stop_signal);
  DriverResult r;
  try {
    r = run_paths(*model, shape, d);
  } catch (const InputError&) {
    std::signal(SIGINT, old_int);
    std::signal(SIGTERM, old_term);
    // Bad input found as a path started: the checkpoint this run began holds nothing worth
    // resuming (and would block the corrected rerun).
    if (!args.resume) std::filesystem::remove(ckpt, ec);
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
    std::cerr << "stampede: interrupted (" << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << "): "
              << r.paths.size() << " of " << n_here << " paths are saved in " << ckpt
              << "; no result file was written. Run again with --resume to continue.\n";
    return sig == SIGTERM ? 143 : 130;
  }

  RunData data;
  data.meta.scenario = scenario.name;
  data.meta.protocol = scenario.protocol;
  data.meta.shard = shard.str();
  data.meta.engine_version = engine_version();
  data.meta.git_commit = git_commit();
  data.meta.created_utc = utc_now_iso8601();
  data.meta.config_yaml = scenario.resolved_yaml;
  data.meta.config_sha256 = scenario.config_sha256;
  data.meta.seed = scenario.seed;
  data.meta.n_paths = scenario.paths;
  data.meta.n_steps = scenario.n_steps;
  data.meta.dt_seconds = scenario.step_seconds;
  data.meta.horizon_seconds = scenario.horizon_seconds;
  data.meta.record_every_steps = shape.record_every_steps;
  data.meta.threads = threads;  // what ran, not what was asked for
  data.meta.store_paths = static_cast<int>(scenario.store_paths);
  data.meta.system = system_info();
  data.meta.wall_seconds = r.wall_seconds;
  data.meta.agent_steps_per_second = r.agent_steps_per_second;
  data.schema = model->schema();
  for (std::int64_t k = 0; k < shape.n_records(); ++k)
    data.time.push_back(static_cast<double>(k * shape.record_every_steps * shape.dt_seconds));
  data.paths = std::move(r.paths);
  data.bands = std::move(r.bands);

  try {
    write_results(out, data, args.force ? Overwrite::replace : Overwrite::refuse);
  } catch (const ResultsFileExists& e) {
    throw InputError(std::string(e.what()) + "; the completed paths stay in " + ckpt +
                     ": run again with --resume --force to replace it");
  }
  std::filesystem::remove(ckpt, ec);

  const Summary summary = summarize(data);
  if (args.json) std::cout << summary_json(summary, data.meta) << "\n";
  else std::cout << summary_table(summary, data.meta);
  if (!args.quiet) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%.3g agent-steps/s over %.2f s with ", r.agent_steps_per_second, r.wall_seconds);
    std::cerr << "wrote " << out << " (" << buf << count_of(threads, "thread", "threads") << ")\n";
  }
  return kExitOk;
}

}  // namespace stampede
