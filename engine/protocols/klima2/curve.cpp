#include "engine/protocols/klima2/curve.hpp"

#include <algorithm>
#include <cmath>

namespace stampede::klima2 {

PositionArray label_expiries(double years_per_position) {
  PositionArray E;
  for (int t = 0; t < kPositions; ++t) E[t] = years_per_position * (t + 1);
  return E;
}

YieldCurve yield_curve(const PositionArray& S_t, const PositionArray& E) {
  YieldCurve c;
  c.S = S_t.sum();
  if (!(c.S > 0)) return c;  // §11: no curve without stakes
  c.D = (S_t * E).sum() / c.S;                                 // KL1
  c.M = (S_t * E.square()).sum() / c.S;                        // KL2
  c.gamma = (E / c.D - E.square() / (2 * c.M)).max(0.0);      // KL3
  c.gamma_hat = c.gamma / c.gamma.sum();                       // KL4: γ_1 > 0 when S > 0 (E_1 < 2M/D)
  double cum = 0;
  // KL5. Γ_40 is 1 by construction; the sum of 40 rounded shares need not be: a partial sum may
  // round above 1 before the last position (then Γ_40 = 1 would make B_40 > B_39), and KL6 at the
  // last positions (γ_t = 0 past 2M/D) reads it. So Γ is capped at 1, which keeps it non-decreasing.
  for (int t = 0; t < kPositions; ++t) c.Gamma[t] = std::min(1.0, cum += c.gamma_hat[t]);
  for (int t = kPositions - 1; t >= 0 && c.gamma[t] == 0; --t) c.Gamma[t] = 1;
  c.Gamma[kPositions - 1] = 1;
  c.Z = (1 - c.S) * c.Gamma / E;                               // KL6
  // KL7: Z_t·E_t = (1 − S)·Γ_t (KL6), so B_t = exp(−(1 − S)·Γ_t): the same value, written so that B
  // is non-increasing in t to the last bit (§9) where Γ_t = 1 at several positions.
  c.B = (-(1 - c.S) * c.Gamma).exp();
  c.Y = (c.Z / 365.0).unaryExpr([](double z) { return std::expm1(z); });  // KL8
  return c;
}

double bond_yield(const YieldCurve& c, const PositionArray& A_t) { return (A_t * c.Y).sum(); }

double premium_discount(const YieldCurve& c, const PositionArray& S_t) {
  const double den = (c.Z * S_t).sum();
  return den > 0 ? (c.Z * S_t * c.B).sum() / den : 0.0;
}

PositionArray bond_weights(const YieldCurve& c, const PositionArray& S_t) {
  const PositionArray v = c.Z * S_t;
  const double sum = v.sum();
  return sum > 0 ? PositionArray(v / sum) : PositionArray(PositionArray::Zero());
}

GovernanceWeights governance_weights(const YieldCurve& c, const PositionArray& S_t, const PositionArray& A_Gt) {
  GovernanceWeights g;
  const PositionArray v = c.Z * S_t;   // KL11
  const PositionArray w = c.Z * A_Gt;  // KL12
  const double sv = v.sum(), sw = w.sum();
  if (!(sv + sw > 0)) return g;
  g.V = v / (sv + 2 * sw);        // KL13
  g.W = w / (0.5 * sv + sw);      // KL14
  return g;
}

PositionArray lp_weights(const YieldCurve& c, const PositionArray& L_t) {
  const PositionArray x = c.Z * L_t * c.B;
  const double sum = x.sum();
  return sum > 0 ? PositionArray(x / sum) : PositionArray(PositionArray::Zero());
}

double carbon_yield_rate(double a_cls) { return a_cls * (1 - a_cls) / 90.0; }

PositionArray position_cdf(const YieldCurve& c, double kappa) {
  const double zmax = c.Z.maxCoeff();
  PositionArray w = zmax > 0 ? PositionArray((kappa * c.Z / zmax).exp()) : PositionArray(PositionArray::Ones());
  double cum = 0;
  const double sum = w.sum();
  for (int t = 0; t < kPositions; ++t) w[t] = (cum += w[t]) / sum;
  w[kPositions - 1] = 1;
  return w;
}

}  // namespace stampede::klima2
