#include "engine/cli/memory.hpp"

#include <algorithm>
#include <cstdio>

#include "engine/cli/system_info.hpp"
#include "engine/core/errors.hpp"

namespace stampede {

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

MemoryEstimate estimate_memory(const Model& model, const RunShape& shape, std::int64_t paths_to_run, int threads,
                               std::int64_t stored) {
  MemoryEstimate m;
  m.bytes_per_agent = model.bytes_per_agent();
  m.agents = model.agents_per_path();
  m.agent_bytes = static_cast<double>(m.bytes_per_agent) * static_cast<double>(m.agents);
  m.fixed_bytes = static_cast<double>(model.bytes_per_path());
  m.per_path = m.agent_bytes + m.fixed_bytes;
  m.threads = threads;
  m.in_flight = std::min<std::int64_t>(threads, std::max<std::int64_t>(paths_to_run, 1));
  const OutputSchema& s = model.schema();
  // Series of the paths in flight and of the stored ones (the finals and event steps of every
  // path go to a temporary file, and the other series into the band sketch).
  m.results = 8.0 * static_cast<double>(s.series.size()) * static_cast<double>(shape.n_records()) *
              static_cast<double>(m.in_flight + std::min<std::int64_t>(stored, paths_to_run));
  m.total = m.per_path * static_cast<double>(m.in_flight) + m.results;
  m.available = available_memory_bytes();
  return m;
}

std::string memory_text(const MemoryEstimate& m) {
  std::string s = std::to_string(m.agents) + (m.agents == 1 ? " agent" : " agents") + " x " +
                  std::to_string(m.bytes_per_agent) + " B = " + human_bytes(m.agent_bytes) + ", + " +
                  human_bytes(m.fixed_bytes) + " fixed = " + human_bytes(m.per_path) + " per path; " +
                  std::to_string(m.in_flight) + (m.in_flight == 1 ? " path" : " paths") + " in flight (" +
                  std::to_string(m.threads) + (m.threads == 1 ? " thread" : " threads") + "); about " +
                  human_bytes(m.total) + " in all with the results";
  if (m.available) s += ", of " + human_bytes(static_cast<double>(m.available)) + " available";
  return s;
}

void check_memory(const MemoryEstimate& m) {
  if (m.available && m.total > 0.9 * static_cast<double>(m.available))
    throw InputError("run needs about " + human_bytes(m.total) + " but only " +
                     human_bytes(static_cast<double>(m.available)) +
                     " is available (the machine's free memory, its cgroup limit or STAMPEDE_MEMORY_LIMIT): "
                     "lower agents.count, or run fewer paths at once with --threads");
}

}  // namespace stampede
