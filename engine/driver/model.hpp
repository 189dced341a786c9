#pragma once
// The contract between the engine and a protocol (README "Architecture in one picture"):
// a Model holds the frozen scenario parameters and builds one PathSimulation per Monte Carlo
// path; the driver owns the step loop, records and the statistics.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <memory>
#include <string>
#include <vector>

#include "engine/driver/recorder.hpp"

namespace stampede {

// Run-level time grid and seed, identical for every path of a run.
struct RunShape {
  std::uint64_t seed = 1;
  std::int64_t n_steps = 0;
  std::int64_t dt_seconds = 3600;
  std::int64_t record_every_steps = 1;  // records at t = k·record_every·dt, k = 0..n_records-1
  std::int64_t n_records() const { return n_steps / record_every_steps + 1; }
};

// One Monte Carlo path: single-threaded, owns all its state (SoA agent arrays, pool, protocol).
class PathSimulation {
 public:
  virtual ~PathSimulation() = default;
  // All phases of step t (engine.md "Time"); events may be marked on `rec`.
  virtual void step(std::int64_t t, PathRecorder& rec) = 0;
  // Series values at record index r (the state at the end of step r·record_every − 1;
  // r = 0 is the initial state).
  virtual void record(std::int64_t r, PathRecorder& rec) = 0;
  // Final metrics after the last step.
  virtual void finish(PathRecorder& rec) = 0;

  // Rare-event splitting (docs/rare-events.md). From the next step on, draw every random number
  // from branch `branch` of this path's streams (the same path continued on its own branch
  // reproduces itself). Paths of models with splitting scores implement it.
  virtual void set_branch(std::uint64_t branch) {
    (void)branch;
    throw std::logic_error("this path cannot change its random branch");
  }
  // Rare-event splitting: a copy of this path's whole state (agents, pools, protocol, oracle,
  // trailing windows) that continues exactly as this path would; nullptr when the path cannot be
  // copied (the splitting driver then rebuilds the state by replaying the path from its start).
  virtual std::unique_ptr<PathSimulation> clone() const { return nullptr; }
  // The value of splitting score k (Model::splitting_scores) after the last step: higher the
  // closer the path is to the event, at or above the score's level once the event has happened.
  virtual double score(std::size_t k) const {
    (void)k;
    return std::numeric_limits<double>::quiet_NaN();
  }
};

// A score a model declares for an event it can estimate by splitting: the event is reached when
// the score reaches `level`.
struct SplittingScore {
  std::size_t event = 0;  // index into OutputSchema::events
  double level = 1.0;
  std::string doc;        // what the score measures
};

class Model {
 public:
  virtual ~Model() = default;
  virtual const OutputSchema& schema() const = 0;
  virtual std::int64_t agents_per_path() const = 0;
  // Bytes of per-agent state (SoA columns) and the fixed per-path overhead, for the memory
  // estimate made before anything is allocated (engine.md "Robustness").
  virtual std::size_t bytes_per_agent() const = 0;
  virtual std::size_t bytes_per_path() const { return 1 << 20; }
  // Allocates and initialises path `path` (its agent_init stream); never called concurrently
  // for the same path; may be called concurrently for different paths.
  virtual std::unique_ptr<PathSimulation> start_path(std::uint64_t path) const = 0;
  // The events this model can estimate by splitting, with their scores (none by default).
  virtual std::vector<SplittingScore> splitting_scores() const { return {}; }
};

}  // namespace stampede
