#include "engine/protocols/klima2/portfolio.hpp"

#include <cmath>
#include <limits>

namespace stampede::klima2 {

Quote quote(double A_i, double G_i) {
  const double h = 0.5 * A_i * A_i * (1 - G_i) * (1 - G_i);
  return {A_i - h, A_i + h};
}

double bid(const Quote& q, double n_a, double c_bar) {
  return c_bar > 0 ? q.k_b * n_a / c_bar : std::numeric_limits<double>::infinity();
}

double ask(const Quote& q, double n_a, double c_liquid) {
  return c_liquid > 0 ? q.k_s * n_a / c_liquid : std::numeric_limits<double>::infinity();
}

double purchase_fraction(const Quote& q, double c_bar, double dC) {
  if (!(dC > 0)) return 0.0;
  if (!(c_bar > 0)) return dC / (1 + dC) * q.k_b * q.k_b;  // KL20
  return std::expm1(q.k_b * std::log1p(dC / c_bar));      // KL18–KL19
}

double retire_fraction(const Quote& q, double dA) {
  if (!(dA > 0) || !(q.k_s > 0)) return 0.0;
  const double a = dA >= 1 ? 1.0 : dA;  // KL47
  return std::expm1(-std::log1p(a) / q.k_s);  // KL21–KL22
}

double offset_cost(const Quote& q, double n_a, double c_liquid, double D) {
  if (!(D > 0) || !(c_liquid > 0)) return 0.0;
  if (D >= c_liquid) return std::numeric_limits<double>::infinity();
  return n_a * std::expm1(-q.k_s * std::log1p(-D / c_liquid));  // KL43
}

}  // namespace stampede::klima2
