#include "engine/driver/driver.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_set>

#include "engine/core/errors.hpp"
#include "engine/driver/checkpoint.hpp"

namespace stampede {
namespace {

struct Interrupted {};

struct PathFailure {
  std::uint64_t path;
  std::int64_t step;
  std::string what;
};

// Runs one path to completion; the stop flag is polled once per step (one relaxed load).
PathResult run_one(const Model& model, const RunShape& shape, std::uint64_t id,
                   const std::atomic<bool>* stop, std::int64_t& step_reached) {
  auto sim = model.start_path(id);
  PathRecorder rec(model.schema(), shape.n_records());
  sim->record(0, rec);
  std::int64_t next_record = 1;
  for (std::int64_t t = 0; t < shape.n_steps; ++t) {
    step_reached = t;
    if (stop && stop->load(std::memory_order_relaxed)) throw Interrupted{};
    sim->step(t, rec);
    if ((t + 1) % shape.record_every_steps == 0) sim->record(next_record++, rec);
  }
  step_reached = shape.n_steps;
  sim->finish(rec);
  return rec.take(id);
}

}  // namespace

DriverResult run_paths(const Model& model, const RunShape& shape, const DriverOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const OutputSchema& schema = model.schema();
  const std::size_t kept_series = options.keep_series ? schema.series.size() : 0;
  const std::size_t n_series_values = kept_series * static_cast<std::size_t>(shape.n_records());
  const auto n_series = static_cast<std::int64_t>(kept_series);

  DriverResult result;
  result.bands = BandSketch(n_series, shape.n_records());
  // One row per path of this run, filled as paths complete (path_ids ascending: a row is found
  // by binary search), so the table never holds more than the run's finals and events.
  result.paths.rows(options.path_ids.size(), schema.finals.size(), schema.events.size());
  const auto row_of = [&](std::uint64_t id) {
    return static_cast<std::size_t>(std::lower_bound(options.path_ids.begin(), options.path_ids.end(), id) -
                                    options.path_ids.begin());
  };

  // Paths already completed by an earlier, interrupted run of the same configuration: their
  // finals, events and stored series, and the band sketch over all of them.
  std::unordered_set<std::uint64_t> have;
  if (options.resume && !options.checkpoint_path.empty()) {
    if (auto saved = load_checkpoint(options.checkpoint_path, options.checkpoint_tag, schema.finals.size(),
                                     schema.events.size(), n_series_values, n_series, shape.n_records())) {
      const std::unordered_set<std::uint64_t> wanted(options.path_ids.begin(), options.path_ids.end());
      for (auto& p : saved->paths) {
        if (!wanted.count(p.id) || !have.insert(p.id).second)
          throw InputError(options.checkpoint_path + ": checkpoint holds path " + std::to_string(p.id) +
                           " twice or outside this run's paths");
        result.paths.set(row_of(p.id), p);
      }
      result.bands = std::move(saved->bands);
    }
  }
  result.paths_resumed = static_cast<std::int64_t>(have.size());

  std::vector<std::uint64_t> todo;
  for (auto id : options.path_ids)
    if (!have.count(id)) todo.push_back(id);

  std::mutex mutex;  // guards result, progress, failure and the checkpoint (per path, never per agent or step)
  std::optional<PathFailure> failure;
  std::optional<std::pair<std::uint64_t, InputError>> bad_input;  // e.g. a protocol's check in start_path
  std::atomic<bool> cancel{false};
  std::atomic<bool> interrupted{false};
  std::int64_t paths_done = result.paths_resumed;
  const std::int64_t paths_total = static_cast<std::int64_t>(options.path_ids.size());
  const double agent_steps_per_path = static_cast<double>(model.agents_per_path()) * shape.n_steps;

  // The checkpoint is rewritten whole (atomically) at most every `interval`, and never more
  // often than 20 times its own write time, so saving stays a small share of the run.
  const bool checkpointing = !options.checkpoint_path.empty();
  auto last_save = std::chrono::steady_clock::now();
  double save_gap = options.checkpoint_interval_seconds;
  bool unsaved = false;
  const auto save = [&] {  // under the mutex
    const auto t0 = std::chrono::steady_clock::now();
    write_checkpoint(options.checkpoint_path, options.checkpoint_tag, result.paths, result.bands);
    const auto t1 = std::chrono::steady_clock::now();
    save_gap = options.checkpoint_interval_seconds <= 0
                   ? 0.0
                   : std::max(options.checkpoint_interval_seconds, 20.0 * std::chrono::duration<double>(t1 - t0).count());
    last_save = t1;
    unsaved = false;
  };
  if (checkpointing && !options.resume) save();  // the run's checkpoint exists from its start

  const int threads = options.threads > 0 ? options.threads : tbb::this_task_arena::max_concurrency();
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, todo.size(), 1), [&](const auto& range) {
      for (std::size_t i = range.begin(); i != range.end(); ++i) {
        if (cancel.load() || (options.stop && options.stop->load())) {
          interrupted = interrupted || (options.stop && options.stop->load());
          return;
        }
        const std::uint64_t id = todo[i];
        std::int64_t step = -1;
        try {
          PathResult p = run_one(model, shape, id, options.stop, step);
          std::lock_guard lock(mutex);
          // The series go into the band sketch now; only the stored paths keep theirs, so the
          // run's memory does not grow with the number of paths beyond their finals.
          if (options.keep_series) result.bands.add_path(p.series.data());
          if (!options.keep_series || static_cast<std::int64_t>(p.id) >= options.store_paths)
            std::vector<double>().swap(p.series);
          result.paths.set(row_of(p.id), p);
          ++paths_done;
          unsaved = true;
          if (checkpointing && std::chrono::duration<double>(std::chrono::steady_clock::now() - last_save).count() >= save_gap)
            save();
          if (options.progress) {
            const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            const double run_here = static_cast<double>(paths_done - result.paths_resumed);
            options.progress({paths_done, paths_total, el, el > 0 ? run_here * agent_steps_per_path / el : 0});
          }
        } catch (const Interrupted&) {
          interrupted = true;
          return;
        } catch (const InputError& e) {
          std::lock_guard lock(mutex);
          if (!bad_input || id < bad_input->first) bad_input.emplace(id, e);
          cancel = true;
        } catch (const std::exception& e) {
          std::lock_guard lock(mutex);
          // Report the lowest failing path id, so the message does not depend on scheduling.
          if (!failure || id < failure->path) failure = PathFailure{id, step, e.what()};
          cancel = true;
        }
      }
    });
  });

  if (bad_input) throw bad_input->second;  // bad input (exit 2), not a runtime failure
  // Keep what was completed (a failure or an interruption loses no finished path).
  if (checkpointing && unsaved) save();
  if (failure)
    throw RuntimeFailure("path " + std::to_string(failure->path) + ", step " +
                         std::to_string(failure->step) + ": " + failure->what);

  result.interrupted = interrupted.load();
  const std::int64_t ran = paths_done - result.paths_resumed;
  result.paths.drop_empty();  // the paths an interruption left unrun
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.agent_steps_per_second =
      result.wall_seconds > 0 ? static_cast<double>(ran) * agent_steps_per_path / result.wall_seconds : 0.0;
  return result;
}

}  // namespace stampede
