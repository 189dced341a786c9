#pragma once
// Per-agent KSN state, structure of arrays (ksn.md §2 "Per-agent SoA", agents.md "Memory"):
// six token columns (double), six per-agent model floats, one flag byte, and the behaviour
// scalars (h, ρ, a bias per action slot, the non-constant fractions, the bonder's d_req).
#include <array>
#include <cstdint>

#include "agents/population.hpp"
#include "engine/core/aligned.hpp"
#include "engine/protocols/ksn/behaviour.hpp"

namespace stampede::ksn {

// flags byte: bit 0 = withdrew since the last rebase (KS10 flag_i); bits 1..3 = this step's
// action code (decide -> settle). KSN types have no exited state (ksn.md §6).
inline constexpr std::uint8_t kWithdrewBit = 0x01;
inline constexpr std::uint8_t kActionMask = 0x0e;
inline constexpr int kActionShift = 1;

inline constexpr int kFracColumns = 2;  // at the §6 defaults a type has at most 2 random fractions

struct KsnAgents {
  std::size_t n = 0;
  agents::TypeRanges ranges;  // staker, bonder, trader, lp (contiguous, this order)
  // Token holdings (ksn.md §2): KSN liquid, USDC, staked KSN, unvested and vested-unclaimed bond
  // KSN, LP shares.
  AlignedArray<double> liquid, usdc, stake, bond_rem, bond_claim, lp;
  // cost basis (USDC), since (s, time of the last PoTP reset; t_i = now − since), bond_left (s),
  // G_i (governance), L_i (loyalty), m_i (PoTP multiplier).
  AlignedArray<float> cost, since, bond_left, gov, loyalty, m;
  AlignedArray<std::uint8_t> flags;
  // Behaviour scalars.
  AlignedArray<float> h, rho, d_req;
  std::array<AlignedArray<float>, kMaxActions> bias;
  std::array<AlignedArray<float>, kFracColumns> frac;
  int frac_columns = 0;

  static constexpr std::size_t token_bytes = 6 * sizeof(double) + 6 * sizeof(float) + 1;  // ksn.md: 73 B
  static constexpr std::size_t bytes_for(int frac_columns) {
    return token_bytes + (3 + kMaxActions + static_cast<std::size_t>(frac_columns)) * sizeof(float);
  }
  std::size_t bytes_per_agent() const { return bytes_for(frac_columns); }
};

}  // namespace stampede::ksn
