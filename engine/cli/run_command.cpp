// `stampede run`: load and validate, estimate memory, run the paths on TBB, write the HDF5 file
// atomically (<out>.partial, renamed at the end), print the summary.
#include <tbb/task_arena.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>

#include "engine/cli/commands.hpp"
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

std::string human_bytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (b >= 1024.0 && u < 4) {
    b /= 1024.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", b, units[u]);
  return buf;
}

}  // namespace

int command_run(const RunArgs& args, const ProtocolRegistry& protocols) {
  std::vector<std::string> sets = args.sets;
  if (args.paths > 0) sets.push_back("paths=" + std::to_string(args.paths));
  else if (args.paths < 0) throw InputError("--paths: must be a positive integer, got " + std::to_string(args.paths));
  if (args.seed >= 0) sets.push_back("seed=" + std::to_string(args.seed));
  else if (args.seed != -1) throw InputError("--seed: must be >= 0, got " + std::to_string(args.seed));

  Shard shard;
  if (!args.shard.empty()) {
    auto s = parse_shard(args.shard);
    if (!s) throw InputError("--shard: expected k/N with 1 <= k <= N, got \"" + args.shard + "\"");
    shard = *s;
  }

  const Scenario scenario = load_scenario(args.config, sets, protocols);
  const Protocol& protocol = *protocols.find(scenario.protocol);
  ModelOptions options;
  options.check = args.check;
  auto model = protocol.build(scenario, options);

  const RunShape shape = run_shape(scenario);

  const int hw = tbb::this_task_arena::max_concurrency();
  const int threads = args.threads > 0 ? args.threads : hw;
  const std::uint64_t first = shard.first_path(scenario.paths), end = shard.end_path(scenario.paths);
  const std::int64_t n_here = static_cast<std::int64_t>(end - first);

  // Memory estimate before any allocation (engine.md "Robustness").
  const double per_path = static_cast<double>(model->bytes_per_agent()) * model->agents_per_path() +
                          static_cast<double>(model->bytes_per_path());
  const double in_flight = static_cast<double>(std::min<std::int64_t>(threads, std::max<std::int64_t>(n_here, 1)));
  const double results = static_cast<double>(n_here) *
                         (8.0 * (model->schema().finals.size() + model->schema().events.size())) +
                         8.0 * model->schema().series.size() * shape.n_records() * (in_flight + 16);
  const double need = per_path * in_flight + results;
  const std::uint64_t avail = available_memory_bytes();
  if (!args.quiet)
    std::cerr << "memory: " << model->bytes_per_agent() << " B per agent x " << model->agents_per_path()
              << " agents = " << human_bytes(per_path) << " per path; " << in_flight
              << " paths in flight; about " << human_bytes(need) << " in all"
              << (avail ? " of " + human_bytes(static_cast<double>(avail)) + " available" : "") << "\n";
  if (avail && need > 0.9 * static_cast<double>(avail))
    throw InputError("run needs about " + human_bytes(need) + " but only " +
                     human_bytes(static_cast<double>(avail)) +
                     " is available: lower agents.count, or run fewer paths at once with --threads");

  const std::string out = args.output.empty() ? scenario.name + ".h5" : args.output;
  const std::string ckpt = out + ".ckpt";
  if (std::filesystem::exists(out + ".partial")) std::filesystem::remove(out + ".partial");

  DriverOptions d;
  d.threads = threads;
  for (std::uint64_t p = first; p < end; ++p) d.path_ids.push_back(p);
  d.store_paths = scenario.store_paths;
  d.checkpoint_path = ckpt;
  d.checkpoint_tag = scenario.config_sha256 + "|seed=" + std::to_string(scenario.seed) + "|paths=" +
                     std::to_string(scenario.paths) + "|shard=" + shard.str();
  d.resume = args.resume;
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
  data.meta.threads = threads;
  data.meta.store_paths = static_cast<int>(scenario.store_paths);
  data.meta.system = system_info();
  data.meta.wall_seconds = r.wall_seconds;
  data.meta.agent_steps_per_second = r.agent_steps_per_second;
  data.schema = model->schema();
  for (std::int64_t k = 0; k < shape.n_records(); ++k)
    data.time.push_back(static_cast<double>(k * shape.record_every_steps * shape.dt_seconds));
  data.paths = std::move(r.paths);
  data.bands = std::move(r.bands);

  write_results(out, data);
  std::error_code ec;
  std::filesystem::remove(ckpt, ec);

  const Summary summary = summarize(data);
  if (args.json) std::cout << summary_json(summary, data.meta) << "\n";
  else std::cout << summary_table(summary, data.meta);
  if (!args.quiet) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%.3g agent-steps/s over %.2f s with %d threads", r.agent_steps_per_second,
                  r.wall_seconds, threads);
    std::cerr << "wrote " << out << " (" << buf << ")\n";
  }
  return kExitOk;
}

}  // namespace stampede
