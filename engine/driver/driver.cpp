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
  const std::size_t n_series_values = schema.series.size() * static_cast<std::size_t>(shape.n_records());

  DriverResult result;
  result.bands = BandSketch(schema.series.size(), static_cast<std::size_t>(shape.n_records()));

  // Paths already completed by an earlier, interrupted run of the same configuration.
  std::vector<PathResult> done;
  if (options.resume && !options.checkpoint_path.empty())
    done = load_checkpoint(options.checkpoint_path, options.checkpoint_tag, schema.finals.size(),
                           schema.events.size(), n_series_values);
  std::unordered_set<std::uint64_t> wanted(options.path_ids.begin(), options.path_ids.end());
  std::unordered_set<std::uint64_t> have;
  std::vector<PathResult> resumed;
  for (auto& p : done)
    if (wanted.count(p.id) && have.insert(p.id).second) resumed.push_back(std::move(p));
  result.paths_resumed = static_cast<std::int64_t>(resumed.size());

  std::vector<std::uint64_t> todo;
  for (auto id : options.path_ids)
    if (!have.count(id)) todo.push_back(id);

  std::unique_ptr<CheckpointWriter> checkpoint;
  if (!options.checkpoint_path.empty()) {
    checkpoint = std::make_unique<CheckpointWriter>(options.checkpoint_path, options.checkpoint_tag,
                                                    /*truncate=*/!options.resume);
  }

  std::vector<std::optional<PathResult>> slots(todo.size());
  std::mutex mutex;  // guards bands, progress, failure (per path, never per agent or step)
  std::optional<PathFailure> failure;
  std::optional<std::pair<std::uint64_t, InputError>> bad_input;  // e.g. a protocol's check in start_path
  std::atomic<bool> cancel{false};
  std::atomic<bool> interrupted{false};
  std::int64_t paths_done = static_cast<std::int64_t>(resumed.size());
  const std::int64_t paths_total = static_cast<std::int64_t>(options.path_ids.size());
  const double agent_steps_per_path = static_cast<double>(model.agents_per_path()) * shape.n_steps;

  for (const auto& p : resumed) result.bands.add_path(p.series.data());

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
          if (checkpoint) checkpoint->append(p);
          std::lock_guard lock(mutex);
          result.bands.add_path(p.series.data());
          slots[i] = std::move(p);
          ++paths_done;
          if (options.progress) {
            const double el =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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
  if (failure)
    throw RuntimeFailure("path " + std::to_string(failure->path) + ", step " +
                         std::to_string(failure->step) + ": " + failure->what);

  result.interrupted = interrupted.load();
  for (auto& p : resumed) result.paths.push_back(std::move(p));
  std::int64_t ran = 0;
  for (auto& s : slots)
    if (s) {
      result.paths.push_back(std::move(*s));
      ++ran;
    }
  std::sort(result.paths.begin(), result.paths.end(),
            [](const PathResult& a, const PathResult& b) { return a.id < b.id; });
  for (auto& p : result.paths)
    if (static_cast<std::int64_t>(p.id) >= options.store_paths) {
      p.series.clear();
      p.series.shrink_to_fit();
    }
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.agent_steps_per_second =
      result.wall_seconds > 0 ? static_cast<double>(ran) * agent_steps_per_path / result.wall_seconds : 0.0;
  return result;
}

}  // namespace stampede
