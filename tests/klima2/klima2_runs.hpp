#pragma once
// The Klima 2.0 side of the shared protocol test helpers (tests/support/protocol_runs.hpp): the
// generic ones bound to klima2::Klima2, and comparisons of its own columns and scalars.
#include <doctest/doctest.h>

#include "engine/protocols/klima2/klima2.hpp"
#include "engine/protocols/klima2/path.hpp"
#include "support/protocol_runs.hpp"

namespace klima2_test {

using namespace stampede;
using protocol_test::same_bits;
using protocol_test::same_column;

inline Scenario scenario(const std::string& file, const std::vector<std::string>& sets) {
  return protocol_test::scenario<klima2::Klima2>(file, sets);
}

// Every holdings column and the population's status bytes, bit for bit.
inline void require_same_agents(const framework::ProtocolPath<klima2::Klima2>& x,
                                const framework::ProtocolPath<klima2::Klima2>& y) {
  using K = klima2::Klima2Agents;
  const K &a = x.protocol().holdings(), &b = y.protocol().holdings();
  for (auto col : {&K::a_liq, &K::q, &K::g_liq, &K::tonnes, &K::units, &K::snap_a, &K::snap_g, &K::snap_c})
    CHECK(same_column(a.*col, b.*col));
  for (auto col : {&K::cost, &K::init_a}) CHECK(same_column(a.*col, b.*col));
  CHECK(same_column(a.pos, b.pos));
  CHECK(same_column(a.cls, b.cls));
  CHECK(same_column(x.population().status, y.population().status));
}

// The protocol scalars the fills feed, bit for bit.
inline void require_same_state(const framework::ProtocolPath<klima2::Klima2>& x,
                               const framework::ProtocolPath<klima2::Klima2>& y) {
  const klima2::Klima2State &a = x.protocol().state(), &b = y.protocol().state();
  CHECK(same_bits(x.protocol().aq().token_reserve(), y.protocol().aq().token_reserve()));
  CHECK(same_bits(x.protocol().aq().quote_reserve(), y.protocol().aq().quote_reserve()));
  CHECK(same_bits(x.protocol().ag().token_reserve(), y.protocol().ag().token_reserve()));
  CHECK(same_bits(x.protocol().ag().quote_reserve(), y.protocol().ag().quote_reserve()));
  CHECK(same_bits(a.n_a, b.n_a));
  CHECK(same_bits(a.g.staked, b.g.staked));
  CHECK(same_bits(a.bonds.units.sum(), b.bonds.units.sum()));
  CHECK(same_bits(a.rps_g_a, b.rps_g_a));
  CHECK(same_bits(a.rps_g_g, b.rps_g_g));
}

}  // namespace klima2_test
