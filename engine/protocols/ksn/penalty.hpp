#pragma once
// Exit charges that feed the DCP (ksn.md KS11 early-unstake penalty, KS12 sell tax). Both split
// into a DCP share and a burn.
#include "engine/protocols/ksn/params.hpp"
#include "engine/protocols/ksn/state.hpp"

namespace stampede::ksn {

// KS11 rate p_max·max(0, 1 − t_i/T_pen) (also the agents' `pen_i` signal, §6).
double penalty_rate(double stake_age, const KsnDcpParams& dcp);
// KS11 pen_i = a_i·p_max·max(0, 1 − t_i/T_pen) for an unstake of a_i at stake age t_i (seconds).
inline double unstake_penalty(double amount, double stake_age, const KsnDcpParams& dcp) {
  return amount * penalty_rate(stake_age, dcp);
}

struct ChargeSplit {
  double to_dcp = 0.0;
  double burned = 0.0;
};

// KS11 on totals: DCP += s_p·Σpen, burn (1 − s_p)·Σpen (S and ledger updated).
ChargeSplit apply_penalties(KsnState& s, double sum_penalties, const KsnDcpParams& dcp);

// KS12 for a sale of `amount` KSN: tax = τ_s·a, DCP += s_τ·tax, burn the rest (S and ledger
// updated). Returns the KSN left to swap, a − tax.
double apply_sell_tax(KsnState& s, double amount, const KsnDcpParams& dcp);

}  // namespace stampede::ksn
