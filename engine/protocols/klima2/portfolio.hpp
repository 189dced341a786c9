#pragma once
// Klima 2.0's portfolio manager (klima2.md §5.3, KL16–KL22, KL43, KL47): the A it mints for
// carbon tonnes bought and the tonnes it retires for A burned, per class, at the quotes set by the
// class's share of bonded A (A_i) and of staked G (G_i). Exact double formulas with log1p/expm1.

namespace stampede::klima2 {

struct Quote {
  double k_b = 0;  // k_b,i = A_i − ½A_i²(1 − G_i)²
  double k_s = 0;  // k_s,i = A_i + ½A_i²(1 − G_i)²
};
Quote quote(double A_i, double G_i);

// Marginal quotes in A per tonne: bid = k_b·N_A/C̄_i, ask = k_s·N_A/C_i0 (∞ when the tonnes are 0).
double bid(const Quote& q, double n_a, double c_bar);
double ask(const Quote& q, double n_a, double c_liquid);

// KL18–KL20: ΔA, the A minted as a fraction of N_A, for PV tonnes dC (KL17) into a class holding
// c_bar PV tonnes (KL16). c_bar = 0: KL20's ΔC/(1 + ΔC)·k_b² with ΔC in tonnes (§11 keeps this
// hazard of the design).
double purchase_fraction(const Quote& q, double c_bar, double dC);

// KL21–KL22: ΔC_i (≤ 0), the change of liquid tonnes as a fraction of C_i0, for a burn of a
// fraction dA of N_A. KL47: a burn of dA ≥ 1 is applied as dA = 1.
double retire_fraction(const Quote& q, double dA);

// KL43: the A buyers need, in total, to retire D tonnes out of c_liquid: N_A·[(1 − D/C_i0)^(−k_s) − 1]
// (the exact inverse of KL21–KL22); a buyer asking d_j of D needs this × d_j/D.
double offset_cost(const Quote& q, double n_a, double c_liquid, double D);

}  // namespace stampede::klima2
