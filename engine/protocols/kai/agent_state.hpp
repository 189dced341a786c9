#pragma once
// Per-agent KAI state, structure of arrays (kai.md §6, agents.md "Memory"): ten token columns,
// the lock timer with the exited flag in its top bit, and the behaviour scalars as floats.
#include <array>
#include <cstdint>

#include "agents/population.hpp"
#include "engine/core/aligned.hpp"
#include "engine/protocols/kai/behaviour.hpp"

namespace stampede::kai {

// timer word: bit 31 = exited, bits 0..30 = round of the last stake/claim (K15 lockups).
inline constexpr std::uint32_t kExitedBit = 0x80000000u;
inline constexpr std::uint32_t kTimerMask = 0x7fffffffu;

struct KaiAgents {
  std::size_t n = 0;
  agents::TypeRanges ranges;  // holder, staker, bond_buyer, lp (contiguous)
  // Token holdings (double; kai.md §6).
  AlignedArray<double> kai, kusdt, skai, st, earned, snap, bkai, snap_lp, lp, cost;
  AlignedArray<std::uint32_t> timer;
  // Behaviour scalars (float).
  AlignedArray<float> h, rho;
  std::array<AlignedArray<float>, kMaxActions> bias;
  // Non-constant fractions: column c holds f_i(a) for the action mapped to c in its type.
  std::array<AlignedArray<float>, kMaxActions> frac;
  int frac_columns = 0;

  static constexpr std::size_t token_bytes = 10 * sizeof(double) + sizeof(std::uint32_t);
  std::size_t bytes_per_agent() const {
    return token_bytes + (2 + kMaxActions + static_cast<std::size_t>(frac_columns)) * sizeof(float);
  }
};

}  // namespace stampede::kai
