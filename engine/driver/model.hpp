#pragma once
// The contract between the engine and a protocol (README "Architecture in one picture"):
// a Model holds the frozen scenario parameters and builds one PathSimulation per Monte Carlo
// path; the driver owns the step loop, records and the statistics.
#include <cstddef>
#include <cstdint>
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
};

}  // namespace stampede
