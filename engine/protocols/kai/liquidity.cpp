#include "engine/protocols/kai/liquidity.hpp"

namespace stampede::kai {

LpAdd plan_lp_add(double x, double y, double L, double sum_dy, double sum_dx) noexcept {
  LpAdd a;
  if (!(sum_dy > 0.0) || !(sum_dx > 0.0) || !(x > 0.0) || !(y > 0.0)) return a;
  const double p = y / x;
  const double dy_by_kai = sum_dx * p;
  a.dy = sum_dy < dy_by_kai ? sum_dy : dy_by_kai;
  a.dx = a.dy / p;
  a.shares = L * a.dy / y;
  a.fill_kusdt = a.dy / sum_dy;
  a.fill_kai = a.dx / sum_dx;
  if (a.fill_kai > 1.0) a.fill_kai = 1.0;  // Δy/p/ΣΔx can exceed 1 by one rounding
  a.share_per_kusdt = a.shares / sum_dy;
  return a;
}

LpRemove plan_lp_remove(double x, double y, double L, double s) noexcept {
  LpRemove r;
  if (!(s > 0.0) || !(L > 0.0)) return r;
  r.shares = s < L ? s : L;
  r.dx = x * r.shares / L;
  r.dy = y * r.shares / L;
  return r;
}

}  // namespace stampede::kai
