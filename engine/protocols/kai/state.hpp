#pragma once
// KAI per-path protocol scalars (kai.md §2) and the mint/burn ledger behind the §9 invariant
// S(t) − S(0) = Σ minted[k] − Σ burned[k]. Per-agent holdings live in SoA arrays elsewhere.
#include <array>
#include <cstddef>
#include <cstdint>

#include "engine/market/pool.hpp"

namespace stampede::kai {

enum class Phase : int { contraction = -1, expansion = +1 };  // series `phase`: ±1

// Where minted KAI goes (kai.md §2 `minted[k]`).
enum class MintChannel : std::size_t {
  board = 0,    // stakers' part of the boardroom allocation (K8), held as board_unclaimed
  team,         // team fund (K8)
  treasury,     // E − board to A (K7)
  buyback,      // BB to bb_kai (K9)
  redeem_mint,  // bKAI redeemed below peg (K16)
  keeper,       // keeper reward to ext_kai (K10)
  count
};
// Why KAI was burned (`burned[k]`).
enum class BurnChannel : std::size_t {
  bond = 0,  // KAI burned for bKAI (K19)
  bb_burn,   // KAI bought back by the buyback fund and burned (K14)
  count
};

struct KaiLedger {
  std::array<double, static_cast<std::size_t>(MintChannel::count)> minted{};
  std::array<double, static_cast<std::size_t>(BurnChannel::count)> burned{};

  void mint(MintChannel k, double kai) { minted[static_cast<std::size_t>(k)] += kai; }
  void burn(BurnChannel k, double kai) { burned[static_cast<std::size_t>(k)] += kai; }
  double minted_in(MintChannel k) const { return minted[static_cast<std::size_t>(k)]; }
  double burned_in(BurnChannel k) const { return burned[static_cast<std::size_t>(k)]; }
  double minted_total() const {
    double s = 0.0;
    for (double v : minted) s += v;
    return s;
  }
  double burned_total() const {
    double s = 0.0;
    for (double v : burned) s += v;
    return s;
  }
};

struct KaiState {
  double S = 0.0;                // KAI total supply
  double A = 0.0;                // KAI reserved by the treasury for bKAI repayment
  double B = 0.0;                // bKAI supply
  double staked = 0.0;           // Σst, sKAI staked in the boardroom
  double RPS = 0.0;              // KAI per sKAI, boardroom reward-per-share accumulator
  double board_unclaimed = 0.0;  // KAI allocated to stakers, not yet claimed
  double team_kai = 0.0;         // KAI, team fund (idle)
  double bb_kai = 0.0;           // KAI, buyback fund
  double bb_kusdt = 0.0;         // KUSDT, buyback fund
  double cap_tier = 1.0;         // tiered-mode cap (never increases); set to tier(S_0) at start
  double contraction_left = 0.0; // KAI of bKAI still purchasable this round
  double earn_rate = 0.0;        // %, bKAI-KAI LP share of the sKAI emission
  int lp_hold_left = 0;          // expansion rounds the earn rate is still held
  double RPS_lp = 0.0;           // sKAI per bKAI accumulator
  double skai_supply = 0.0;      // sKAI
  market::ConstantProductPool pool{1.0, 1.0, 0.0};  // KUSDT-KAI pool: x (KAI), y (KUSDT), L shares
  double twap_r = 1.0;           // KUSDT, last reference TWAP
  std::int64_t r = 0;            // round index
  Phase phase = Phase::expansion;
  double ext_kai = 0.0;          // KAI outside the agent population
  double arb_kai = 0.0;          // arbitrageur KAI stock (arb_inventory)
  double arb_kusdt = 0.0;        // arbitrageur KUSDT stock
  double L_out = 0.0;            // LP shares held outside the agent population
  KaiLedger ledger{};

  double C() const { return S - A; }  // K1 circulation
  bool contraction() const { return phase == Phase::contraction; }
};

}  // namespace stampede::kai
