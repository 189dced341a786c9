#pragma once
// The KSN side of the shared protocol test helpers (tests/support/protocol_runs.hpp): the
// generic ones bound to ksn::Ksn, and comparisons of KSN's own columns and scalars.
#include <doctest/doctest.h>

#include "engine/protocols/ksn/ksn.hpp"
#include "engine/protocols/ksn/path.hpp"
#include "support/protocol_runs.hpp"

namespace ksn_test {

using namespace stampede;
using protocol_test::first_ids;
using protocol_test::require_identical;
using protocol_test::require_same_path;
using protocol_test::same_bits;
using protocol_test::same_column;

inline Scenario scenario(const std::string& file, const std::vector<std::string>& sets) {
  return protocol_test::scenario<ksn::Ksn>(file, sets);
}
inline std::unique_ptr<Model> build(const Scenario& sc, bool check) { return protocol_test::build<ksn::Ksn>(sc, check); }
inline DriverResult run_ids(const Scenario& sc, bool check, const std::vector<std::uint64_t>& ids, int threads,
                            std::int64_t store_paths = 16) {
  return protocol_test::run_ids<ksn::Ksn>(sc, check, ids, threads, store_paths);
}
inline DriverResult run(const std::string& file, const std::vector<std::string>& sets, bool check, std::int64_t paths) {
  return protocol_test::run<ksn::Ksn>(file, sets, check, paths);
}

// Every KSN holdings column and the population's status bytes (action codes and the KS10
// withdrew flag), bit for bit.
inline void require_same_agents(const framework::ProtocolPath<ksn::Ksn>& x, const framework::ProtocolPath<ksn::Ksn>& y) {
  const ksn::KsnAgents &a = x.protocol().holdings(), &b = y.protocol().holdings();
  CHECK(same_column(a.liquid, b.liquid));
  CHECK(same_column(a.usdc, b.usdc));
  CHECK(same_column(a.stake, b.stake));
  CHECK(same_column(a.bond_rem, b.bond_rem));
  CHECK(same_column(a.bond_claim, b.bond_claim));
  CHECK(same_column(a.lp, b.lp));
  CHECK(same_column(a.cost, b.cost));
  CHECK(same_column(a.since, b.since));
  CHECK(same_column(a.bond_left, b.bond_left));
  CHECK(same_column(a.gov, b.gov));
  CHECK(same_column(a.loyalty, b.loyalty));
  CHECK(same_column(a.m, b.m));
  CHECK(same_column(a.d_req, b.d_req));
  CHECK(same_column(x.population().status, y.population().status));
}

// The protocol scalars the fills and the rebase feed, bit for bit.
inline void require_same_state(const framework::ProtocolPath<ksn::Ksn>& x, const framework::ProtocolPath<ksn::Ksn>& y) {
  const ksn::KsnState &a = x.protocol().state(), &b = y.protocol().state();
  CHECK(same_bits(a.pool.token_reserve(), b.pool.token_reserve()));
  CHECK(same_bits(a.pool.quote_reserve(), b.pool.quote_reserve()));
  CHECK(same_bits(a.pool.shares(), b.pool.shares()));
  CHECK(same_bits(a.S, b.S));
  CHECK(same_bits(a.DCP, b.DCP));
  CHECK(same_bits(a.T_usdc, b.T_usdc));
  CHECK(same_bits(a.T_lp, b.T_lp));
  CHECK(same_bits(a.debt.debt(), b.debt.debt()));
  CHECK(same_bits(a.r_eff, b.r_eff));
  CHECK(same_bits(a.Q, b.Q));
  CHECK(same_bits(a.W, b.W));
  CHECK(same_bits(x.protocol().stake_total(), y.protocol().stake_total()));
}

}  // namespace ksn_test
