#pragma once
// Rare-event estimation by adaptive multilevel splitting (docs/rare-events.md): Cérou & Guyader
// (2007), in the generalised form of Bréhier, Gazeau, Goudenège, Lelièvre & Rousset (2016) that
// is unbiased for discrete-time Markov chains (ties at the level are all killed).
//
// One AMS run starts `replicas` paths (consecutive path ids) and tracks each one's score (the
// model's splitting score after every step). An iteration takes the level z = the k-th smallest
// maximum score, kills every replica whose maximum is <= z (K of them), and replaces each by a
// copy of a survivor (chosen uniformly) taken at the first step its score exceeded z, continued
// on a new random branch. It stops when z reaches the event's level. The estimate
//   p = Π_iterations (1 − K/N) · (replicas that reached the event)/N
// is unbiased. Independent runs (disjoint path ids) give its variance; their mean is reported
// with a normal 95% interval.
//
// A copy of a survivor at its crossing step is made from a copy of the state the survivor was
// itself branched from (PathSimulation::clone), stepped on to the crossing step; when the
// survivor kept none (an original replica, or a crossing inside its inherited history) or the
// kept states would not fit in memory, by replaying its history (its path id and its branch at
// each step, from the start). Both give the same state bit for bit. Every draw is keyed by (seed, path, branch), and the
// survivors are chosen from the run's own stream, so a run gives the same estimate whatever the
// thread count, and the runs of a shard are those of the whole.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "engine/driver/model.hpp"
#include "engine/output/splitting_data.hpp"

namespace stampede {

struct SplittingOptions {
  std::size_t score = 0;         // index into Model::splitting_scores()
  std::int64_t replicas = 100;   // N
  std::int64_t kill = 1;         // k: the level is the k-th smallest maximum score
  std::uint64_t first_run = 0;   // runs [first_run, end_run) (a shard's block)
  std::uint64_t end_run = 10;
  int threads = 0;               // 0 = all
  std::int64_t max_iterations = 1000000;  // a guard against a score that never separates replicas
  // Copies start from a kept copy of the state their parent was branched from (fewer steps
  // replayed) when every replica of the runs in flight can keep one within keep_states_bytes;
  // false: always replay from step 0 (the same results, for the tests that say so).
  bool keep_states = true;
  double keep_states_bytes = 2.0 * 1024 * 1024 * 1024;
};

// The kept states' memory: one path's estimated size (Model::bytes_per_agent × agents +
// bytes_per_path) × replicas × the runs in flight (threads), and whether it fits in
// o.keep_states_bytes (then copies start from kept states; otherwise they replay).
struct KeptStates {
  double bytes = 0;
  bool kept = false;
};
KeptStates kept_states(const Model& model, const SplittingOptions& o);

// Runs the given AMS runs (in parallel over runs and over the replicas of a run).
std::vector<SplittingRun> run_splitting(const Model& model, const RunShape& shape, const SplittingOptions& options);

// The same, interruptible and resumable (docs/rare-events.md "Interrupting and resuming"):
// the runs in `done` (from a checkpoint) are kept and not run again; once `stop` is set no run
// starts and the running ones are abandoned at their next iteration (they would be run again
// whole, bit for bit the same); `on_done` is called, one call at a time, with every run completed
// so far (done included, sorted by run id) each time a run completes.
struct SplittingControl {
  std::vector<SplittingRun> done;
  const std::atomic<bool>* stop = nullptr;
  std::function<void(const std::vector<SplittingRun>&)> on_done;
};
struct SplittingOutcome {
  std::vector<SplittingRun> runs;  // every completed run, sorted by run id
  bool interrupted = false;        // stop was set before every run completed
};
SplittingOutcome run_splitting(const Model& model, const RunShape& shape, const SplittingOptions& options,
                               const SplittingControl& control);

// The first path id of run r: runs use disjoint blocks of `replicas` ids.
inline std::uint64_t splitting_first_path(std::uint64_t run, std::int64_t replicas) {
  return run * static_cast<std::uint64_t>(replicas);
}

}  // namespace stampede
