#pragma once
// K9's per-agent rules (k9.md §5) as pure functions over one agent's vesting position and Real
// Yield Staking. The path converts its SoA columns to and from these structs; the per-step
// vesting of the whole population is kernels/accrue_vesting.hpp, whose scalar arithmetic `vest`
// shares. Amounts: esKNINE for unvested/converted, KNINE for locked/staked and payouts.
#include <cstddef>

namespace stampede::k9 {

inline constexpr double kDay = 86400.0;
inline constexpr double kLockMonth = 30.0 * kDay;  // N7: k months = k·30 days

struct Settings {  // §2: apply to new deposits only
  double backing_ratio = 2.0;          // b
  double vesting_ratio = 1.0;          // v
  double vesting_period = 180 * kDay;  // T, seconds
  bool locked_only = false;
};

enum class RecalcRule { seed, uncovered };

struct Position {         // one agent's vesting position
  double unvested = 0;    // u_i (esKNINE)
  double converted = 0;   // esKNINE converted, not yet claimed: claimable KNINE c_i = v·converted
  double rate = 0;        // r_i, esKNINE/s
  double end = 0;         // e_i, seconds from t0
  double b = 0, v = 0;    // snapshots b_i, v_i
  bool a = false;         // non-locked collateral accepted at deposit
};

struct Rys {               // one agent's Real Yield Staking
  double locked = 0;       // Lk_i
  double lock_end = 0;     // seconds from t0
  int lock_k = 0;          // months of the running lock (0..12)
  double staked = 0;       // St_i (non-locked)
};

// The largest time ≤ s that a float holds. Position ends are stored as floats (the kernel's
// column), so deposit and initial_vesting round e_i down to one and derive the rate from it:
// the rate and the kernel's end then agree, and e_i never passes the lock end.
double float_time(double s);

// N7: m = 1 + (max − 1)·k/12.
double lock_multiplier(int lock_k, double max_lock_multiplier);

// N9 (seed esKnineThreshold) with the CURRENT settings' b and locked_only (k9.md §10 case 10):
// max(0, (Lk + St·1[not locked_only] − b·u)/b).
double es_max(const Rys& rys, const Position& position, const Settings& current);

// N8: not stopped; Lk > 0; lock_k·30d ≥ min_lock; lock_end − t ≥ T.
bool can_deposit(const Rys& rys, double t, const Settings& current, double min_lock, bool stopped);

// N4: pays φ·c KNINE (c = v·converted) and burns φ·converted esKNINE; (1 − φ) stays claimable.
struct Claim {
  double knine = 0;
  double es_burned = 0;
};
Claim claim(Position& position, double phi);

// N4's φ: 1 for an unlimited stock (+infinity) or no claims, else min(1, stock/claims_total).
double claim_share(double stock, double claims_total);

// N5, when the agent unstakes its non-locked position X (= St_i). Only a position with a_i and
// u_i > 0 is recalculated; the end date never moves. The caller returns `excluded` esKNINE to the
// wallet and counts the recalculation.
struct Recalc {
  double excluded = 0;
  bool recalculated = false;
};
Recalc recalculate(Position& position, double unstaked_X, double locked_Lk, double t, RecalcRule rule);

// N10 after the caller has claimed (N4) and checked 0 < x ≤ min(es, es_max): the whole position
// restarts over a full period with the current settings' snapshots.
void deposit(Position& position, double x, double t, const Settings& current);

// N11 over [t, t1] for one position (the kernel's scalar arithmetic); returns the esKNINE converted.
double vest(Position& position, double t, double t1);

// N2 for one position: claim with φ (the unpaid part stays claimable), return u to the wallet.
struct StopPayout {
  double knine_paid = 0;
  double es_burned = 0;
  double es_returned = 0;    // u before the stop, back to the wallet
  double forfeit_knine = 0;  // v·u before the stop (§8 stop_forfeit_knine)
};
StopPayout stop(Position& position, double phi);

// N7 lock or top-up of s KNINE for k months: a top-up never shortens the lock; once the lock has
// expired a new one starts with lock_k = k.
void lock(Rys& rys, double s, int k, double t);

// N6: the locked position may be withdrawn.
bool lock_expired(const Rys& rys, double t);

// N6: withdraws the whole locked position; returns Lk.
double withdraw_lock(Rys& rys);

// N14: 365·reward_usd_per_day/(Σweight·P_usd); 0 when there is no weight.
double rys_apr(double reward_usd_per_day, double sum_weight, double price_usd);

// N15, for n vesters at t0: e_i = float_time(U_i·min(T, rem_i)) with U_i in (0, 1]; u_i ∝ Lk_i·e_i
// scaled so that Σu_i = total exactly, in any order of addition (each u_i is a whole multiple of
// ulp(total)); r_i = u_i/e_i. InputError naming k9.initial.vesting if some u_i > Lk_i/b (k9.md §11)
// or total > 0 with no locked KNINE and lock time to back it.
void initial_vesting(const double* locked, const double* lock_remaining, const double* end_draw_uniform,
                     std::size_t n, double total, const Settings& settings, double* unvested, double* end,
                     double* rate);

}  // namespace stampede::k9
