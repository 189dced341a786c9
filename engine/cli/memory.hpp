#pragma once
// The memory estimate of a run, made before anything is allocated (engine.md "Robustness"):
// printed by `run` and `validate`, and a run that cannot fit is refused (exit status 2).
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/driver/model.hpp"

namespace stampede {

struct MemoryEstimate {
  std::size_t bytes_per_agent = 0;
  std::int64_t agents = 0;         // per path
  double agent_bytes = 0;          // bytes_per_agent * agents
  double fixed_bytes = 0;          // per path, whatever the agent count
  double per_path = 0;             // agent_bytes + fixed_bytes
  std::int64_t in_flight = 0;      // paths held at once: min(threads, paths to run), at least 1
  int threads = 0;
  double results = 0;              // finals, events and the series buffers
  double total = 0;                // per_path * in_flight + results
  std::uint64_t available = 0;     // MemAvailable, 0 if unknown
};

// `stored`: the paths whose series are kept (output.store_paths, at most the paths run).
MemoryEstimate estimate_memory(const Model& model, const RunShape& shape, std::int64_t paths_to_run, int threads,
                               std::int64_t stored);

// "2000 agents x 112 B = 218.8 KiB, + 1.0 MiB fixed = 1.2 MiB per path; 1 path in flight (1 thread);
// about 1.3 MiB in all with the results, of 23.2 GiB available".
std::string memory_text(const MemoryEstimate& m);

// InputError if the run needs more than 90% of the available memory.
void check_memory(const MemoryEstimate& m);

// "1.2 MiB", "112.0 B".
std::string human_bytes(double bytes);

}  // namespace stampede
