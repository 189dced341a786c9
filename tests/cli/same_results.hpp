#pragma once
// Comparing two result files' contents for the determinism tests (threads, shards, resume, sweeps).
#include <doctest/doctest.h>

#include "cli_helpers.hpp"
#include "engine/output/run_data.hpp"
#include "engine/output/summary.hpp"

namespace stampede::testing {

// Everything that must not depend on threads, shards or interruption: the per-path datasets and
// the summary (meta fields like wall time, threads and shard are allowed to differ).
inline void require_same_results(const RunData& a, const RunData& b) {
  REQUIRE(a.paths.size() == b.paths.size());
  for (std::size_t i = 0; i < a.paths.size(); ++i) {
    REQUIRE(a.paths[i].id == b.paths[i].id);
    REQUIRE(a.paths[i].first_step == b.paths[i].first_step);
    REQUIRE(bitwise_equal(a.paths[i].finals, b.paths[i].finals));
    REQUIRE(bitwise_equal(a.paths[i].series, b.paths[i].series));
  }
  REQUIRE(a.bands == b.bands);
  REQUIRE(a.meta.config_sha256 == b.meta.config_sha256);
  REQUIRE(summary_json(summarize(a), a.meta).size() > 0);
  // The summaries agree exactly (compared on the JSON without the run-specific meta).
  const Summary sa = summarize(a), sb = summarize(b);
  REQUIRE(sa.events.size() == sb.events.size());
  for (std::size_t e = 0; e < sa.events.size(); ++e) {
    REQUIRE(sa.events[e].count == sb.events[e].count);
    REQUIRE(bitwise_equal(sa.events[e].by_time, sb.events[e].by_time));
  }
}


}  // namespace stampede::testing
