#pragma once
// Klima 2.0's A risk premium (klima2.md §5.4, KL23–KL29): β from the class stakes, its split
// between staked G, locked AG LPs and locked AQ LPs (the July 2025 errata of Eqs 24–26, so the
// three shares sum to 1; §11), and the premium minted per day.
#include <span>

namespace stampede::klima2 {

// KL23: β = sqrt(Σ_i A_i G_i (2 − G_i)), A_i the share of A supply bonded for class i, G_i the share
// of circulating G staked for it.
double beta(std::span<const double> A_i, std::span<const double> G_i);

struct PremiumShares {
  double gg = 0, g = 0, q = 0;  // λ_GG, λ_G, λ_Q (sum to 1)
};

// KL24–KL26 (errata). A_Q = x_aq/N_A, A_G = x_ag/N_A, G_G = y_ag/N_Gc, sum_G = Σ_i G_i.
// λ_GG = 0 when G_G = 0; λ_G = 0 when A_G = A_Q = 0 (then λ_Q takes the rest).
PremiumShares premium_shares(double A_Q, double A_G, double G_G, double sum_G);

// r_G = 2A_G/(2A_G + √2·A_Q) (= λ_G/(1 − λ_GG), written directly to avoid 0/0; 0 when both are 0).
double ag_share(double A_G, double A_Q);

// KL29: R_λ = b·R·(Λ_GG + Λ_G + Λ_Q) = b·R·β (KL27: Λ_X = λ_X·β).
double premium(double b, double R, double beta);

}  // namespace stampede::klima2
