// `stampede run --dry-run`: memory per process, a timed calibration path, and how to cut the
// run into array tasks for a wall-time limit (sizing.hpp).
#include "engine/cli/sizing.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <iostream>

#include "engine/core/duration.hpp"
#include "engine/core/errors.hpp"
#include "engine/driver/scenario_loader.hpp"

namespace stampede {

PathTiming time_path(const Model& model, const RunShape& shape, std::uint64_t path, double budget_seconds) {
  using clock = std::chrono::steady_clock;
  const auto seconds = [](clock::time_point a, clock::time_point b) { return std::chrono::duration<double>(b - a).count(); };
  PathTiming t;
  t.path = path;
  t.n_steps = shape.n_steps;
  const auto t0 = clock::now();
  auto sim = model.start_path(path);
  PathRecorder rec(model.schema(), shape.n_records());
  sim->record(0, rec);
  const auto t1 = clock::now();
  t.start_seconds = seconds(t0, t1);
  std::int64_t next_record = 1;
  auto now = t1;
  while (t.steps < shape.n_steps && (t.steps == 0 || seconds(t1, now) < budget_seconds)) {
    sim->step(t.steps, rec);
    if ((t.steps + 1) % shape.record_every_steps == 0) sim->record(next_record++, rec);
    ++t.steps;
    now = clock::now();
  }
  if (t.steps == shape.n_steps) sim->finish(rec);
  now = clock::now();
  t.steps_seconds = seconds(t1, now);
  t.path_seconds = t.start_seconds + (t.steps > 0 ? t.steps_seconds / static_cast<double>(t.steps) *
                                                        static_cast<double>(shape.n_steps)
                                                  : 0.0);
  return t;
}

std::optional<std::int64_t> parse_wall_time(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (const auto d = parse_duration(text)) return *d > 0 ? d : std::nullopt;
  // Slurm: minutes, minutes:seconds, hours:minutes:seconds, days-hours, days-hours:minutes,
  // days-hours:minutes:seconds.
  std::int64_t days = 0;
  bool has_days = false;
  if (const auto dash = text.find('-'); dash != std::string_view::npos) {
    const auto d = text.substr(0, dash);
    if (d.empty() || std::from_chars(d.data(), d.data() + d.size(), days).ptr != d.data() + d.size()) return std::nullopt;
    has_days = true;
    text.remove_prefix(dash + 1);
  }
  std::vector<std::int64_t> parts;
  while (true) {
    const auto colon = text.find(':');
    const auto field = text.substr(0, colon);
    std::int64_t v = 0;
    if (field.empty() || field.size() > 9 ||
        std::from_chars(field.data(), field.data() + field.size(), v).ptr != field.data() + field.size())
      return std::nullopt;
    parts.push_back(v);
    if (colon == std::string_view::npos) break;
    text.remove_prefix(colon + 1);
  }
  if (parts.size() > 3 || days < 0 || days > 36500) return std::nullopt;
  std::int64_t s = 0;
  if (has_days) {  // days-hours[:minutes[:seconds]]
    const std::int64_t mult[] = {3600, 60, 1};
    for (std::size_t i = 0; i < parts.size(); ++i) s += parts[i] * mult[i];
    s += days * kSecondsPerDay;
  } else if (parts.size() == 1) {
    s = parts[0] * 60;  // minutes
  } else if (parts.size() == 2) {
    s = parts[0] * 60 + parts[1];  // minutes:seconds
  } else {
    s = parts[0] * 3600 + parts[1] * 60 + parts[2];
  }
  if (s <= 0) return std::nullopt;
  return s;
}

std::string slurm_time(std::int64_t seconds) {
  const std::int64_t d = seconds / kSecondsPerDay, h = seconds % kSecondsPerDay / 3600, m = seconds % 3600 / 60,
                     s = seconds % 60;
  return d > 0 ? fmt::format("{}-{:02}:{:02}:{:02}", d, h, m, s) : fmt::format("{}:{:02}:{:02}", h, m, s);
}

std::string human_seconds(double s) {
  if (s < 1e-3) return fmt::format("{:.3g} us", s * 1e6);
  if (s < 1.0) return fmt::format("{:.3g} ms", s * 1e3);
  if (s < 120.0) return fmt::format("{:.1f} s", s);
  if (s < 7200.0) return fmt::format("{:.1f} min", s / 60.0);
  if (s < 2.0 * 86400.0) return fmt::format("{:.1f} h", s / 3600.0);
  return fmt::format("{:.1f} days", s / 86400.0);
}

Sizing size_run(double path_seconds, std::int64_t paths_here, std::int64_t paths_total, int threads,
                std::int64_t wall_seconds) {
  Sizing z;
  z.path_seconds = path_seconds;
  z.paths = paths_here;
  z.threads = std::max(threads, 1);
  const std::int64_t waves = (paths_here + z.threads - 1) / z.threads;
  z.run_seconds = static_cast<double>(waves) * path_seconds;
  z.wall_seconds = wall_seconds;
  if (wall_seconds > 0) {
    const double per_thread = path_seconds > 0 ? std::floor(kWallShare * static_cast<double>(wall_seconds) / path_seconds)
                                               : static_cast<double>(paths_total);
    z.paths_per_task = static_cast<std::int64_t>(std::min(per_thread, static_cast<double>(paths_total))) * z.threads;
    z.paths_per_task = std::min(z.paths_per_task, paths_total);
    z.tasks = z.paths_per_task > 0 ? (paths_total + z.paths_per_task - 1) / z.paths_per_task : 0;
  }
  return z;
}

namespace {

std::string quoted(const std::string& s) {
  if (s.find_first_of(" \t'\"[]{}()*?$&;|<>\\!#~`") == std::string::npos && !s.empty()) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// The options that change what is simulated, as given (for the suggested command).
std::string run_options(const RunArgs& a) {
  std::string s;
  if (a.paths) s += " --paths " + std::to_string(*a.paths);
  if (a.seed) s += " --seed " + quoted(*a.seed);
  for (const auto& x : a.sets) s += " --set " + quoted(x);
  if (a.splitting) s += " --splitting " + std::to_string(*a.splitting);
  for (const auto& x : a.over) s += " --over " + quoted(x);
  for (const auto& x : a.compare) s += " --compare " + quoted(x);
  for (const auto& x : a.params) s += " --params " + quoted(x);
  if (a.step) s += fmt::format(" --step {}", *a.step);
  if (a.abs_step) s += fmt::format(" --abs-step {}", *a.abs_step);
  for (const auto& x : a.finals) s += " --final " + quoted(x);
  if (a.check) s += " --check";
  return s;
}

}  // namespace

int command_dry_run(const RunArgs& args, const Scenario& scenario, const std::vector<PreparedPoint>& points,
                    const Shard& shard, int threads) {
  const RunShape shape = run_shape(scenario);
  // The threads of one task: as asked (the cluster's cpus per task), else this machine's.
  const int task_threads = args.threads > 0 ? args.threads : threads;
  const bool target = scenario.ci_half_width.has_value();
  const bool splitting = scenario.splitting_replicas > 0;
  const std::int64_t total = splitting ? scenario.splitting_runs : target ? scenario.stop_max_paths : scenario.paths;
  const std::int64_t here = target ? total
                                   : static_cast<std::int64_t>(shard.end_path(total) - shard.first_path(total));
  const std::int64_t wall = args.wall_time.empty() ? 0 : [&] {
    const auto w = parse_wall_time(args.wall_time);
    if (!w)
      throw InputError("--wall-time: expected a duration (2h, 90m, 1d) or Slurm's [D-]HH:MM[:SS], got \"" +
                       args.wall_time + "\"");
    return *w;
  }();
  const auto n_points = static_cast<std::int64_t>(points.size());
  const Model& model = *points.front().model;

  std::cout << "dry run of " << args.config << ": " << scenario.protocol << ", " << scenario.paths
            << (scenario.paths == 1 ? " path" : " paths") << " x " << scenario.n_steps
            << (scenario.n_steps == 1 ? " step" : " steps") << ", " << model.agents_per_path() << " agents per path";
  if (n_points > 1) std::cout << ", " << n_points << " points";
  if (!shard.is_all()) std::cout << "; shard " << shard.str() << " (" << here << (here == 1 ? " path" : " paths") << ")";
  std::cout << "; one calibration path is run, no file is written\n";

  const MemoryEstimate mem = estimate_points_memory(points, shape, here, task_threads, scenario.store_paths);
  std::cout << "memory per process: " << memory_text(mem) << "\n";
  if (mem.available && mem.total > 0.9 * static_cast<double>(mem.available))
    std::cout << "  more than this machine offers: `run` here would refuse it (exit 2); a node with more memory, "
                 "or fewer --threads, would take it\n";

  // The first path of this process (or shard), its start and about a second of its steps.
  const std::uint64_t calibration_path = target ? 0 : shard.first_path(total);
  const PathTiming t = time_path(model, shape, calibration_path, 1.0);
  std::cout << "calibration: path " << t.path << " on one thread: start " << human_seconds(t.start_seconds) << ", "
            << t.steps << " of " << t.n_steps << " steps in " << human_seconds(t.steps_seconds) << " ("
            << human_seconds(t.steps_seconds / static_cast<double>(std::max<std::int64_t>(t.steps, 1)))
            << " per step): about " << human_seconds(t.path_seconds) << " per path"
            << (t.steps < t.n_steps ? " (extrapolated)" : "") << "\n";

  const double path_all_points = t.path_seconds * static_cast<double>(n_points);
  const Sizing z = size_run(path_all_points, here, total, task_threads, wall);
  const std::string threads_text = std::to_string(task_threads) + (task_threads == 1 ? " thread" : " threads");

  if (splitting) {
    std::cout << "method.splitting: " << total << " runs of " << scenario.splitting_replicas
              << " replicas; a run's cost (its path-steps) is known only once it has run, so no time is estimated "
                 "beyond the path above (docs/rare-events.md)\n";
    return kExitOk;
  }
  if (target) {
    const Sizing first = size_run(path_all_points, scenario.paths, scenario.paths, task_threads, 0);
    std::cout << "this run (precision target): " << scenario.paths << " paths first, about "
              << human_seconds(first.run_seconds) << " on " << threads_text << "; at most " << total
              << " paths, about " << human_seconds(z.run_seconds)
              << ". A precision target runs in one process: it cannot be cut into array tasks\n";
    if (wall > 0 && z.run_seconds > kWallShare * static_cast<double>(wall))
      std::cout << "  at most " << total << " paths may not fit in " << slurm_time(wall)
                << ": lower stop.max_paths, or raise the wall time\n";
    return kExitOk;
  }
  std::cout << "this " << (shard.is_all() ? "run" : "shard") << ": " << here << (here == 1 ? " path" : " paths");
  if (n_points > 1) std::cout << " at each of " << n_points << " points";
  std::cout << " on " << threads_text << ": about " << human_seconds(z.run_seconds) << "\n";
  if (wall == 0) {
    std::cout << "give --wall-time (the array tasks' time limit) for the paths per array task\n";
    return kExitOk;
  }
  if (z.paths_per_task == 0) {
    std::cout << "wall time " << slurm_time(wall) << ": one path" << (n_points > 1 ? " (at every point)" : "")
              << " takes about " << human_seconds(path_all_points) << ", more than " << kWallShare * 100
              << "% of it: raise the wall time (a path cannot be split across tasks)\n";
    return kExitOk;
  }
  std::cout << "wall time " << slurm_time(wall) << ": a task of " << threads_text << " runs up to "
            << z.paths_per_task << (z.paths_per_task == 1 ? " path" : " paths") << " in " << kWallShare * 100
            << "% of it (the rest is margin); the " << total << (total == 1 ? " path" : " paths") << " need "
            << z.tasks << (z.tasks == 1 ? " array task" : " array tasks") << "\n";
  const MemoryEstimate task_mem =
      estimate_points_memory(points, shape, std::min(z.paths_per_task, total), task_threads, scenario.store_paths);
  // --mem: the estimate with a quarter more, and 64 MiB for the program itself (its code, TBB's
  // and HDF5's buffers: about 25 MiB measured).
  const auto mem_mib = static_cast<std::int64_t>(std::ceil(task_mem.total * 1.25 / (1024.0 * 1024.0))) + 64;
  const std::string out = args.output.empty() ? scenario.name + ".h5" : args.output;
  const char* command = args.sensitivity ? " --command sensitivity" : !args.over.empty() ? " --command sweep" : "";
  std::cout << "  scripts/slurm/submit" << command << " --time=" << slurm_time(wall) << " --cpus-per-task=" << task_threads
            << " --mem=" << mem_mib << "M " << quoted(args.config) << " " << z.tasks << " " << quoted(out)
            << run_options(args) << "\n";
  return kExitOk;
}

}  // namespace stampede
