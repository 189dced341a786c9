#pragma once
// Klima 2.0's synthetic yield curve (klima2.md §5.4, rules KL1–KL10, KL28, KL11–KL14, KL42's
// weights): from the staking shape S_t over the 40 bond positions to the per-position share of
// the curve γ̂_t, the cumulative Γ_t, the annual continuous rate Z_t, the discount factor B_t and
// the daily yield Y_t. Per-position quantities are Eigen arrays of the 40 positions (index 0 is
// position t = 1).
#include <Eigen/Core>

namespace stampede::klima2 {

inline constexpr int kPositions = 40;  // bond positions t = 1..40 (seed §3.1)
using PositionArray = Eigen::Array<double, kPositions, 1>;

// E_t in years: the fixed label years_per_position·t (whitepaper code; §11).
PositionArray label_expiries(double years_per_position);

struct YieldCurve {
  double S = 0;  // Σ_t S_t
  double D = 0;  // KL1: Σ S_t E_t / S
  double M = 0;  // KL2: Σ S_t E_t² / S (the whitepaper's "C")
  PositionArray gamma = PositionArray::Zero();      // KL3
  PositionArray gamma_hat = PositionArray::Zero();  // KL4
  PositionArray Gamma = PositionArray::Zero();      // KL5
  PositionArray Z = PositionArray::Zero();          // KL6, annual continuous rate
  PositionArray B = PositionArray::Ones();          // KL7, discount factor
  PositionArray Y = PositionArray::Zero();          // KL8, daily yield
};

// KL1–KL8 for the staking shape S_t (fractions of N_A) and expiries E_t (years, > 0).
// S = 0 (D, M undefined; §11): Z = Γ = Y = 0, B = 1. Γ_40 = 1 whenever S > 0.
YieldCurve yield_curve(const PositionArray& S_t, const PositionArray& E);

// KL9–KL10: R = Σ_t A_t·Y_t, the A minted into the bonds today, for bucket values A_t.
double bond_yield(const YieldCurve& c, const PositionArray& A_t);

// KL28: b = Σ Z_t S_t B_t / Σ Z_t S_t (0 when the denominator is 0).
double premium_discount(const YieldCurve& c, const PositionArray& S_t);

// KL11: v_t = Z_t·S_t, the weights that share the carbon yield (KL42) and the I_S incentives;
// normalised to Σ = 1 (all zero when Σ v = 0).
PositionArray bond_weights(const YieldCurve& c, const PositionArray& S_t);

struct GovernanceWeights {
  PositionArray V = PositionArray::Zero();  // KL13
  PositionArray W = PositionArray::Zero();  // KL14
};
// KL11–KL14 with w_t = Z_t·A_Gt, A_Gt the A of AG LP shares locked at position t over N_A.
// Σ_t (V_t + W_t) = 1 when any v_t or w_t > 0 (§9), else all zero.
GovernanceWeights governance_weights(const YieldCurve& c, const PositionArray& S_t, const PositionArray& A_Gt);

// KL30/KL31: the weights Z_t L_t B_t / Σ_j Z_j L_j B_j of locked LP shares L_t per position (all
// zero when nothing is locked at a positive rate).
PositionArray lp_weights(const YieldCurve& c, const PositionArray& L_t);

// KL15: μ = A_cls(1 − A_cls)/90, the daily share of liquid tonnes released as carbon yield.
double carbon_yield_rate(double a_cls);

// KL46: the bond position an agent picks, Pr(t) ∝ exp(κ·Z_t / max_j Z_j); uniform when Z = 0.
// Returns the cumulative distribution over the 40 positions (last entry 1).
PositionArray position_cdf(const YieldCurve& c, double kappa);

}  // namespace stampede::klima2
