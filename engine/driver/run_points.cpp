#include "engine/driver/run_points.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "engine/driver/checkpoint.hpp"
#include "engine/stats/wilson.hpp"

namespace stampede {

std::int64_t PrecisionTarget::batch_end(std::int64_t k) const {
  return std::min(max_paths, first_paths + k * batch);
}

double widest_half_width(const PathTable& paths) {
  double widest = 0.0;
  const auto n = static_cast<std::int64_t>(paths.size());
  for (std::size_t e = 0; e < paths.n_events(); ++e) {
    std::int64_t k = 0;
    for (const std::int64_t s : paths.event_column(e)) k += s >= 0;
    const WilsonInterval ci = wilson(k, n);
    widest = std::max(widest, 0.5 * (ci.high - ci.low));
  }
  return widest;
}

namespace {

std::vector<std::uint64_t> ids(std::uint64_t first, std::uint64_t end) {
  std::vector<std::uint64_t> v;
  v.reserve(end - first);
  for (std::uint64_t p = first; p < end; ++p) v.push_back(p);
  return v;
}

// With a target and --resume: the batch an interrupted run was in, from the largest path id its
// checkpoints hold (every batch before it was complete, and its results asked for more).
std::int64_t resume_batch(const std::vector<PointJob>& jobs, const RunShape& shape, const PrecisionTarget& t) {
  std::int64_t largest = -1;
  for (const PointJob& j : jobs) {
    if (j.checkpoint_path.empty()) continue;
    const OutputSchema& s = j.model->schema();
    const std::size_t n_series = j.keep_series ? s.series.size() : 0;
    const auto saved = load_checkpoint(j.checkpoint_path, j.checkpoint_tag, s.finals.size(), s.events.size(),
                                       n_series * static_cast<std::size_t>(shape.n_records()),
                                       static_cast<std::int64_t>(n_series), shape.n_records());
    if (!saved) continue;
    for (const auto& p : saved->paths) largest = std::max(largest, static_cast<std::int64_t>(p.id));
  }
  std::int64_t k = 0;
  while (t.batch_end(k) <= largest && t.batch_end(k) < t.max_paths) ++k;
  return k;
}

}  // namespace

PointsResult run_points(const std::vector<PointJob>& jobs, const RunShape& shape, const PointsOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  PointsResult out;
  out.points.resize(jobs.size());
  double agent_steps = 0.0;

  // One pass over the points for the ids [first, end); false if interrupted.
  auto pass = [&](std::uint64_t first, std::uint64_t end, bool resume) {
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      DriverOptions d = options.driver;
      d.path_ids = ids(first, end);
      d.checkpoint_path = jobs[i].checkpoint_path;
      d.checkpoint_tag = jobs[i].checkpoint_tag;
      d.keep_series = jobs[i].keep_series;
      d.resume = resume;
      DriverResult r = run_paths(*jobs[i].model, shape, d);
      agent_steps += r.agent_steps_per_second * r.wall_seconds;
      const bool stopped = r.interrupted;
      out.points[i] = std::move(r);
      if (stopped) return false;
    }
    return true;
  };

  if (!options.target) {
    out.interrupted = !pass(options.first_path, options.end_path, options.driver.resume);
    out.n_paths = static_cast<std::int64_t>(options.end_path - options.first_path);
    out.stop_reason = "paths";
  } else {
    const PrecisionTarget& t = *options.target;
    for (const PointJob& j : jobs)
      if (j.checkpoint_path.empty()) throw std::logic_error("run_points: a precision target needs checkpoints");
    std::int64_t k = options.driver.resume ? resume_batch(jobs, shape, t) : 0;
    // Batch k resumes from the checkpoints the batches before it wrote (and, on --resume, from
    // an interrupted run's): only its new ids run.
    bool resume = options.driver.resume || k > 0;
    for (;; ++k) {
      const std::int64_t n = t.batch_end(k);
      if (!pass(0, static_cast<std::uint64_t>(n), resume)) {
        out.interrupted = true;
        break;
      }
      resume = true;
      out.n_paths = n;
      out.widest_half_width = 0.0;
      for (const DriverResult& r : out.points)
        out.widest_half_width = std::max(out.widest_half_width, widest_half_width(r.paths));
      if (out.widest_half_width <= t.ci_half_width) {
        out.stop_reason = "precision";
        break;
      }
      if (n >= t.max_paths) {
        out.stop_reason = "max_paths";
        break;
      }
    }
  }
  if (out.stop_reason == "paths")
    for (const DriverResult& r : out.points)
      out.widest_half_width = std::max(out.widest_half_width, widest_half_width(r.paths));
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.agent_steps_per_second = out.wall_seconds > 0 ? agent_steps / out.wall_seconds : 0.0;
  return out;
}

}  // namespace stampede
