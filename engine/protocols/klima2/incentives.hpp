#pragma once
// Klima 2.0's G incentive curve and its allocation (klima2.md §5.6, KL32–KL41, KL44, KL45).
// τ is in months of 730 hours.

namespace stampede::klima2 {

inline constexpr double kHoursPerMonth = 730.0;

struct IncentiveCurve {
  double p0 = 0.07;    // P_0
  double t_half = 24;  // T, months
  // KL32–KL34: P(τ) = 1/(1 + exp(−x_0(1 − τ/T))), x_0 = ln(P_0/(1 − P_0)).
  double x0() const;
  double P(double tau) const;
  // dP/dτ = −(x_0/T)·P(1 − P).
  double slope(double tau) const;
  // KL44: the G issued over (τ − Δτ, τ] out of `pool`: pool·[P(τ) − P(τ − Δτ)].
  double issued(double pool, double tau, double dtau) const;
  // KL45: the vested share at τ, clamp((P(τ) − P(τ_s))/(P(τ_e) − P(τ_s)), 0, 1).
  double vested(double tau, double tau_s, double tau_e) const;
};

struct IncentiveSplit {
  double treasury = 1;         // I_T (KL37)
  double bonds = 0, g = 0;     // I_S, I_G (KL38, KL39)
  double ag = 0, aq = 0;       // I_AG, I_AQ (KL40, KL41)
  double upsilon = 0, eta = 0; // υ, η (KL35, KL36)
};

// KL35–KL41 for G = g_st/N_Gc, L = y_ag/N_Gc, S = Σ S_t and r_G (premium.hpp ag_share).
// G = L = 0: υ = η = 0, I_T = 1, and the rest split as I_S = S, I_G = 1 − S (it receives nothing).
IncentiveSplit incentive_split(double G, double L, double S, double r_G);

}  // namespace stampede::klima2
