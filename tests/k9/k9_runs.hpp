#pragma once
// The K9 side of the shared protocol test helpers (tests/support/protocol_runs.hpp): the generic
// ones bound to k9::K9, and comparisons of K9's own columns and scalars.
#include <doctest/doctest.h>

#include "engine/protocols/k9/k9.hpp"
#include "engine/protocols/k9/path.hpp"
#include "support/protocol_runs.hpp"

namespace k9_test {

using namespace stampede;
using protocol_test::same_bits;
using protocol_test::same_column;

inline Scenario scenario(const std::string& file, const std::vector<std::string>& sets) {
  return protocol_test::scenario<k9::K9>(file, sets);
}

// Every K9 holdings column and the population's status bytes, bit for bit.
inline void require_same_agents(const framework::ProtocolPath<k9::K9>& x, const framework::ProtocolPath<k9::K9>& y) {
  const k9::K9Agents &a = x.protocol().holdings(), &b = y.protocol().holdings();
  for (auto col : {&k9::K9Agents::knine, &k9::K9Agents::weth, &k9::K9Agents::staked, &k9::K9Agents::es,
                   &k9::K9Agents::locked, &k9::K9Agents::unvested, &k9::K9Agents::converted, &k9::K9Agents::rate})
    CHECK(same_column(a.*col, b.*col));
  for (auto col : {&k9::K9Agents::cost, &k9::K9Agents::farm_w, &k9::K9Agents::end, &k9::K9Agents::lock_end,
                   &k9::K9Agents::lock_k, &k9::K9Agents::b, &k9::K9Agents::v, &k9::K9Agents::from_claim,
                   &k9::K9Agents::from_unlock})
    CHECK(same_column(a.*col, b.*col));
  CHECK(same_column(x.population().status, y.population().status));
}

// The protocol scalars the fills feed (pool, supplies, totals, counters), bit for bit.
inline void require_same_state(const framework::ProtocolPath<k9::K9>& x, const framework::ProtocolPath<k9::K9>& y) {
  const k9::K9State &a = x.protocol().state(), &b = y.protocol().state();
  CHECK(same_bits(a.pool.token_reserve(), b.pool.token_reserve()));
  CHECK(same_bits(a.pool.quote_reserve(), b.pool.quote_reserve()));
  CHECK(same_bits(a.es_supply, b.es_supply));
  CHECK(same_bits(a.stock, b.stock));
  CHECK(same_bits(a.locked_total, b.locked_total));
  CHECK(same_bits(a.staked_total, b.staked_total));
  CHECK(same_bits(a.weight_total, b.weight_total));
  CHECK(same_bits(a.liquid_total, b.liquid_total));
  CHECK(same_bits(a.ext_knine, b.ext_knine));
  CHECK(same_bits(a.n.deposits_opened, b.n.deposits_opened));
  CHECK(same_bits(a.n.deposits_recalculated, b.n.deposits_recalculated));
  CHECK(same_bits(a.n.knine_claimed, b.n.knine_claimed));
}

}  // namespace k9_test
