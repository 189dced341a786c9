#include "engine/driver/splitting.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>

#include "engine/core/errors.hpp"
#include "engine/driver/recorder.hpp"
#include "engine/random/stream.hpp"

namespace stampede {
namespace {

// One replica: its path id, the branch it draws from at each step (a list of (first step,
// branch) switches, starting with (0, 0)), and its score after every step.
struct Replica {
  std::uint64_t path = 0;
  std::vector<std::pair<std::int64_t, std::uint64_t>> branches;
  std::vector<double> score;  // [n_steps]; after a replica reaches the level, the rest hold the level
  double max_score = -std::numeric_limits<double>::infinity();
  bool reached = false;
  std::int64_t steps_run = 0;  // cost of making it (replay + continuation)
  // A copy keeps the state it was branched from (after step `kept_step`, on its own branch), when
  // the memory allows: a copy of this replica taken at or after that step starts from it instead
  // of replaying the path from step 0.
  std::unique_ptr<PathSimulation> kept;
  std::int64_t kept_step = -1;
};

class RunSimulator {
 public:
  RunSimulator(const Model& model, const RunShape& shape, std::size_t score, double level, bool keep_states)
      : model_(model), shape_(shape), score_(score), level_(level), keep_(keep_states) {}

  // A fresh replica of path `path` on branch 0, simulated until it reaches the level or the horizon.
  Replica start(std::uint64_t path) const {
    Replica r;
    r.path = path;
    r.branches = {{0, 0}};
    r.score.assign(static_cast<std::size_t>(shape_.n_steps), 0.0);
    auto sim = model_.start_path(path);
    continue_from(*sim, r, 0);
    return r;
  }

  // A copy of `parent` taken after step `tau`, continued from step tau + 1 on `branch`. Its state
  // at tau is a copy of the state the parent was branched from, stepped on to tau, or, when the
  // parent kept none at or before tau, the parent replayed from step 0 on its branches. Both give
  // the same state bit for bit (tests/support/engine_checks.hpp, clone_identity).
  Replica branch_off(const Replica& parent, std::int64_t tau, std::uint64_t branch) const {
    Replica r;
    r.path = parent.path;
    for (const auto& b : parent.branches)
      if (b.first <= tau) r.branches.push_back(b);
    r.branches.emplace_back(tau + 1, branch);
    r.score.assign(parent.score.begin(), parent.score.begin() + tau + 1);
    r.score.resize(parent.score.size(), 0.0);
    r.max_score = *std::max_element(r.score.begin(), r.score.begin() + tau + 1);
    if (r.max_score >= level_) {
      // The parent crossed z and reached the event in the same step: the copy has reached it
      // too, and nothing after can change that (no simulation needed).
      r.reached = true;
      std::fill(r.score.begin() + tau + 1, r.score.end(), level_);
      return r;
    }
    std::unique_ptr<PathSimulation> sim;
    std::int64_t from = 0;
    if (parent.kept && parent.kept_step <= tau) {
      sim = parent.kept->clone();
      from = parent.kept_step + 1;
    } else {
      sim = model_.start_path(parent.path);
    }
    PathRecorder rec(model_.schema(), 1);
    std::size_t next = 0;
    while (next < r.branches.size() && r.branches[next].first < from) ++next;
    for (std::int64_t t = from; t <= tau; ++t) {
      if (next < r.branches.size() && r.branches[next].first == t) sim->set_branch(r.branches[next++].second);
      sim->step(t, rec);
    }
    r.steps_run = tau + 1 - from;
    sim->set_branch(branch);
    if (keep_) {
      r.kept = sim->clone();
      r.kept_step = tau;
    }
    continue_from(*sim, r, tau + 1);
    return r;
  }

 private:
  // Steps [from, n_steps) on the path's current branch, recording scores; stops at the level.
  void continue_from(PathSimulation& sim, Replica& r, std::int64_t from) const {
    PathRecorder rec(model_.schema(), 1);
    for (std::int64_t t = from; t < shape_.n_steps; ++t) {
      sim.step(t, rec);
      ++r.steps_run;
      const double s = sim.score(score_);
      if (std::isnan(s)) throw RuntimeFailure("splitting: the score is NaN at step " + std::to_string(t));
      r.score[static_cast<std::size_t>(t)] = s;
      r.max_score = std::max(r.max_score, s);
      if (s >= level_) {
        // The event has happened: its outcome is known, the rest of the path cannot change it.
        r.reached = true;
        std::fill(r.score.begin() + t + 1, r.score.end(), level_);
        return;
      }
    }
  }

  const Model& model_;
  const RunShape& shape_;
  std::size_t score_;
  double level_;
  bool keep_;
};

// Set once the control's stop flag was seen: the run is abandoned (it is run again whole on resume).
struct Abandoned {};

SplittingRun one_run(const RunSimulator& sim, const RunShape& shape, const SplittingOptions& o, std::uint64_t run,
                     double level, const std::atomic<bool>* stop) {
  const auto check_stop = [&] {
    if (stop && stop->load(std::memory_order_relaxed)) throw Abandoned{};
  };
  const auto n = static_cast<std::size_t>(o.replicas);
  std::vector<Replica> reps(n);
  const std::uint64_t first = splitting_first_path(run, o.replicas);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      check_stop();
      reps[i] = sim.start(first + i);
    }
  });
  SplittingRun out;
  out.run = run;
  for (const auto& r : reps) out.path_steps += r.steps_run;

  double log_weight = 0.0;  // Σ ln(1 − K/N)
  std::vector<double> maxima(n);
  for (std::int64_t iteration = 0;; ++iteration) {
    check_stop();
    for (std::size_t i = 0; i < n; ++i) maxima[i] = reps[i].max_score;
    std::vector<double> sorted = maxima;
    std::nth_element(sorted.begin(), sorted.begin() + (o.kill - 1), sorted.end());
    const double z = sorted[static_cast<std::size_t>(o.kill - 1)];
    if (z >= level) break;
    std::vector<std::size_t> killed, survivors;
    for (std::size_t i = 0; i < n; ++i) (maxima[i] <= z ? killed : survivors).push_back(i);
    if (survivors.empty()) {  // every replica tied at the level: nothing can be resampled
      out.extinct = true;
      out.iterations = iteration;
      out.estimate = 0.0;
      return out;
    }
    if (iteration >= o.max_iterations)
      throw RuntimeFailure("splitting: run " + std::to_string(run) + " did not reach the level after " +
                           std::to_string(iteration) + " iterations (the score may not separate the replicas)");
    log_weight += std::log1p(-static_cast<double>(killed.size()) / static_cast<double>(n));
    // Parents chosen in order from the run's own stream, before any replica changes.
    rng::Sequence pick(rng::PathKey{shape.seed, run, 0}, rng::Purpose::splitting, static_cast<std::uint64_t>(iteration));
    std::vector<std::size_t> parent(killed.size());
    std::vector<std::int64_t> tau(killed.size());
    for (std::size_t j = 0; j < killed.size(); ++j) {
      const auto c = std::min(survivors.size() - 1,
                              static_cast<std::size_t>(pick.uniform() * static_cast<double>(survivors.size())));
      parent[j] = survivors[c];
      const auto& s = reps[parent[j]].score;
      tau[j] = std::find_if(s.begin(), s.end(), [&](double v) { return v > z; }) - s.begin();
    }
    std::vector<Replica> fresh(killed.size());
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, killed.size(), 1), [&](const auto& range) {
      for (std::size_t j = range.begin(); j != range.end(); ++j) {
        // Branch ids: unique per (iteration, slot) within the run's path ids; 0 is the original.
        const std::uint64_t branch = 1 + static_cast<std::uint64_t>(iteration) * n + j;
        fresh[j] = sim.branch_off(reps[parent[j]], tau[j], branch);
      }
    });
    for (std::size_t j = 0; j < killed.size(); ++j) {
      out.path_steps += fresh[j].steps_run;
      reps[killed[j]] = std::move(fresh[j]);
    }
    out.iterations = iteration + 1;
  }
  for (const auto& r : reps) out.reached += r.reached;
  out.estimate = std::exp(log_weight) * static_cast<double>(out.reached) / static_cast<double>(n);
  return out;
}

}  // namespace

KeptStates kept_states(const Model& model, const SplittingOptions& o) {
  const int threads = o.threads > 0 ? o.threads : tbb::this_task_arena::max_concurrency();
  const double path_bytes = static_cast<double>(model.bytes_per_agent()) * static_cast<double>(model.agents_per_path()) +
                            static_cast<double>(model.bytes_per_path());
  KeptStates k;
  k.bytes = path_bytes * static_cast<double>(o.replicas) * threads;
  k.kept = o.keep_states && k.bytes <= o.keep_states_bytes;
  return k;
}

std::vector<SplittingRun> run_splitting(const Model& model, const RunShape& shape, const SplittingOptions& o) {
  return run_splitting(model, shape, o, SplittingControl{}).runs;
}

SplittingOutcome run_splitting(const Model& model, const RunShape& shape, const SplittingOptions& o,
                               const SplittingControl& control) {
  const auto scores = model.splitting_scores();
  if (o.score >= scores.size()) throw std::logic_error("run_splitting: no such splitting score");
  if (o.replicas < 2 || o.kill < 1 || o.kill >= o.replicas)
    throw InputError("method.splitting: need replicas >= 2 and 1 <= kill_per_iteration < replicas");
  const double level = scores[o.score].level;
  // One kept state per replica of each run in flight, when they fit in o.keep_states_bytes (and
  // the model's paths can be copied at all); otherwise copies replay their parent from step 0.
  const int threads = o.threads > 0 ? o.threads : tbb::this_task_arena::max_concurrency();
  const RunSimulator sim(model, shape, o.score, level, kept_states(model, o).kept);
  std::vector<std::uint64_t> todo;
  for (std::uint64_t r = o.first_run; r < o.end_run; ++r) {
    const bool saved = std::any_of(control.done.begin(), control.done.end(), [&](const SplittingRun& d) { return d.run == r; });
    if (!saved) todo.push_back(r);
  }
  SplittingOutcome out;
  for (const auto& d : control.done)
    if (d.run >= o.first_run && d.run < o.end_run) out.runs.push_back(d);
  std::mutex done_mutex;
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, todo.size(), 1), [&](const auto& range) {
      for (std::size_t i = range.begin(); i != range.end(); ++i) {
        SplittingRun r;
        try {
          r = one_run(sim, shape, o, todo[i], level, control.stop);
        } catch (const Abandoned&) {
          continue;
        }
        const std::lock_guard lock(done_mutex);
        out.runs.push_back(r);
        std::sort(out.runs.begin(), out.runs.end(), [](const auto& a, const auto& b) { return a.run < b.run; });
        if (control.on_done) control.on_done(out.runs);
      }
    });
  });
  out.interrupted = out.runs.size() < o.end_run - o.first_run;
  return out;
}

}  // namespace stampede
