#include "engine/protocols/klima2/incentives.hpp"

#include <algorithm>
#include <cmath>

namespace stampede::klima2 {

double IncentiveCurve::x0() const { return std::log(p0 / (1 - p0)); }  // KL32

double IncentiveCurve::P(double tau) const {
  const double x = x0() * (1 - tau / t_half);  // KL33
  return 1 / (1 + std::exp(-x));               // KL34
}

double IncentiveCurve::slope(double tau) const {
  const double p = P(tau);
  return -(x0() / t_half) * p * (1 - p);
}

double IncentiveCurve::issued(double pool, double tau, double dtau) const {
  return pool * (P(tau) - P(tau - dtau));  // KL44
}

double IncentiveCurve::vested(double tau, double tau_s, double tau_e) const {
  const double v = (P(tau) - P(tau_s)) / (P(tau_e) - P(tau_s));  // KL45
  return std::clamp(v, 0.0, 1.0);
}

IncentiveSplit incentive_split(double G, double L, double S, double r_G) {
  IncentiveSplit s;
  const double g2 = G * G, l2 = L * L, sq = g2 + l2;
  if (!(sq > 0)) {
    s.bonds = S;
    s.g = 1 - S;
    return s;
  }
  s.upsilon = std::pow(2 * G * L / sq, 2);                     // KL35
  const double den = G * (1 - G) + L * (1 - L);
  s.eta = den > 0 ? 2 * G * L / den : 0.0;                      // KL36
  s.treasury = std::max(0.0, 1 - s.upsilon * s.eta);            // KL37
  s.bonds = S * l2 / sq;                                        // KL38
  s.g = (1 - S) * l2 / sq;                                      // KL39
  s.ag = r_G * g2 / sq;                                         // KL40
  s.aq = (1 - r_G) * g2 / sq;                                   // KL41
  return s;
}

}  // namespace stampede::klima2
