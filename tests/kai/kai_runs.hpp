#pragma once
// The KAI side of the shared protocol test helpers (tests/support/protocol_runs.hpp): the
// generic ones bound to kai::Kai, and comparisons of KAI's own columns and scalars.
#include <doctest/doctest.h>

#include "engine/protocols/kai/kai.hpp"
#include "engine/protocols/kai/path.hpp"
#include "support/protocol_runs.hpp"

namespace kai_test {

using namespace stampede;
using protocol_test::first_ids;
using protocol_test::require_identical;
using protocol_test::require_same_path;
using protocol_test::same_bits;
using protocol_test::same_column;

inline Scenario scenario(const std::string& file, const std::vector<std::string>& sets) {
  return protocol_test::scenario<kai::Kai>(file, sets);
}
inline std::unique_ptr<Model> build(const Scenario& sc, bool check) { return protocol_test::build<kai::Kai>(sc, check); }
inline DriverResult run_ids(const Scenario& sc, bool check, const std::vector<std::uint64_t>& ids, int threads,
                            std::int64_t store_paths = 16) {
  return protocol_test::run_ids<kai::Kai>(sc, check, ids, threads, store_paths);
}
inline DriverResult run(const std::string& file, const std::vector<std::string>& sets, bool check, std::int64_t paths) {
  return protocol_test::run<kai::Kai>(file, sets, check, paths);
}

// Every KAI holdings column and the population's status bytes, bit for bit.
inline void require_same_agents(const framework::ProtocolPath<kai::Kai>& x, const framework::ProtocolPath<kai::Kai>& y) {
  const kai::KaiAgents &a = x.protocol().holdings(), &b = y.protocol().holdings();
  CHECK(same_column(a.kai, b.kai));
  CHECK(same_column(a.kusdt, b.kusdt));
  CHECK(same_column(a.skai, b.skai));
  CHECK(same_column(a.st, b.st));
  CHECK(same_column(a.earned, b.earned));
  CHECK(same_column(a.snap, b.snap));
  CHECK(same_column(a.bkai, b.bkai));
  CHECK(same_column(a.snap_lp, b.snap_lp));
  CHECK(same_column(a.lp, b.lp));
  CHECK(same_column(a.cost, b.cost));
  CHECK(same_column(a.timer, b.timer));
  CHECK(same_column(x.population().status, y.population().status));
}

// The protocol scalars the fills feed (pool, supply, boardroom, bonds), bit for bit.
inline void require_same_state(const framework::ProtocolPath<kai::Kai>& x, const framework::ProtocolPath<kai::Kai>& y) {
  const kai::KaiState &a = x.protocol().state(), &b = y.protocol().state();
  CHECK(same_bits(a.pool.token_reserve(), b.pool.token_reserve()));
  CHECK(same_bits(a.pool.quote_reserve(), b.pool.quote_reserve()));
  CHECK(same_bits(a.pool.shares(), b.pool.shares()));
  CHECK(same_bits(a.S, b.S));
  CHECK(same_bits(a.A, b.A));
  CHECK(same_bits(a.B, b.B));
  CHECK(same_bits(a.staked, b.staked));
  CHECK(same_bits(a.board_unclaimed, b.board_unclaimed));
  CHECK(same_bits(a.skai_supply, b.skai_supply));
  CHECK(same_bits(a.ext_kai, b.ext_kai));
}

}  // namespace kai_test
