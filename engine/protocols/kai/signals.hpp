#pragma once
// The KAI common signals of kai.md §6 that depend only on protocol scalars and their histories,
// in the form the behaviour model uses them ("used as" column). exit_frac and mkt_ret come from
// the agents and market modules.
#include <cstddef>
#include <vector>

#include "engine/protocols/kai/params.hpp"
#include "engine/protocols/kai/state.hpp"
#include "engine/core/ring.hpp"
#include "engine/core/trailing_window.hpp"

namespace stampede::kai {

struct KaiSignals {
  double peg_dev = 0.0;      // twap_r − peg (KUSDT)
  double mom = 0.0;          // ln(p_t/p_{t−24h}), from p_0 in the first day
  double vol = 0.0;          // sd of per-step log returns over 24h / sqrt(dt/1h)
  double board_apr = 0.0;    // ln(1 + apr)
  double bond_gain = 0.0;    // contraction ? max(0, 1/p − 1) : 0
  double bkai_lp_apr = 0.0;  // ln(1 + apr)
  double debt_ratio = 0.0;   // B/C
  double cover = 0.0;        // A/max(B, 1e−9) clipped to [0, 1]
  double lp_apr = 0.0;       // 24h pool fees·(8760/24)/(y + x·p), raw per year
  double board_apr_raw = 0.0;
  double bkai_lp_apr_raw = 0.0;
};

// Histories behind mom, vol, board_apr and lp_apr: rings sized at construction
// (steps_per_day = 24h/dt), so the per-step calls never allocate.
class KaiSignalHistory {
 public:
  static constexpr std::size_t kBoardRounds = 24;  // board_apr: mean of the last ≤ 24 rounds

  KaiSignalHistory(std::size_t steps_per_day, double dt_hours);

  // Start of step t, before the signals: p_t = spot at the end of step t − 1 (p_0 at t = 0).
  void begin_step(double p_t) noexcept;
  // At each round event: the K8 stakers part minted (0 in contraction or with no stakers).
  void on_round(double stakers_part) noexcept;
  // End of each step: pool fees of the step in KUSDT (a KAI-in fee at the pre-swap spot).
  void end_step(double fees_kusdt) noexcept { fees_.push(fees_kusdt, 0.0); }

  double mom() const noexcept;
  double vol() const noexcept;
  double stakers_mean() const noexcept;  // s̄; 0 before the first round
  double fees_24h() const noexcept { return fees_.sum(); }

  // All signals at the start of the step (after (a) and begin_step).
  KaiSignals signals(const KaiState& s, const KaiParams& p) const noexcept;

 private:
  std::size_t n_;  // steps per 24h
  double dt_hours_;
  Ring<double> prices_;   // the last n + 1 start-of-step prices
  Ring<double> returns_;  // the last n per-step log returns
  double p0_ = 0.0;
  Ring<double> stakers_;  // the last kBoardRounds stakers parts
  TrailingWindow fees_;
};

}  // namespace stampede::kai
