#pragma once
// The Hokusai side of the shared protocol test helpers (tests/support/protocol_runs.hpp): the generic
// ones bound to hokusai::Hokusai, and comparisons of Hokusai's own columns and scalars.
#include <doctest/doctest.h>

#include "engine/protocols/hokusai/hokusai.hpp"
#include "engine/protocols/hokusai/path.hpp"
#include "support/protocol_runs.hpp"

namespace hokusai_test {

using namespace stampede;
using protocol_test::same_bits;
using protocol_test::same_column;

inline Scenario scenario(const std::string& file, const std::vector<std::string>& sets) {
  return protocol_test::scenario<hokusai::Hokusai>(file, sets);
}

// Every Hokusai holdings column (every vesting slot's too) and the status bytes, bit for bit.
inline void require_same_agents(const framework::ProtocolPath<hokusai::Hokusai>& x,
                                const framework::ProtocolPath<hokusai::Hokusai>& y) {
  const hokusai::HokusaiAgents &a = x.protocol().holdings(), &b = y.protocol().holdings();
  CHECK(same_column(a.tok, b.tok));
  CHECK(same_column(a.usdc, b.usdc));
  CHECK(same_column(a.cost, b.cost));
  CHECK(same_column(a.sold_at, b.sold_at));
  CHECK(same_column(a.submitted_at, b.submitted_at));
  REQUIRE(a.slots.size() == b.slots.size());
  for (std::size_t k = 0; k < a.slots.size(); ++k) {
    CHECK(same_column(a.slots[k].amount, b.slots[k].amount));
    CHECK(same_column(a.slots[k].released, b.slots[k].released));
    CHECK(same_column(a.slots[k].start, b.slots[k].start));
    CHECK(same_column(a.slots[k].duration, b.slots[k].duration));
  }
  CHECK(same_column(x.population().status, y.population().status));
}

// The curve and the books, bit for bit.
inline void require_same_state(const framework::ProtocolPath<hokusai::Hokusai>& x,
                               const framework::ProtocolPath<hokusai::Hokusai>& y) {
  const hokusai::HokusaiState &a = x.protocol().state(), &b = y.protocol().state();
  CHECK(same_bits(a.curve.R, b.curve.R));
  CHECK(same_bits(a.curve.S, b.curve.S));
  CHECK(same_bits(a.S_tot, b.S_tot));
  CHECK(same_bits(a.V, b.V));
  CHECK(same_bits(a.treasury_usdc, b.treasury_usdc));
  CHECK(same_bits(a.ext_tokens, b.ext_tokens));
  CHECK(same_bits(a.budget_left, b.budget_left));
}

}  // namespace hokusai_test
