#include "engine/protocols/ksn/zap.hpp"

#include <algorithm>
#include <cmath>

#include "engine/market/amm.hpp"

namespace stampede::ksn {

ZapResult zap_quote(const Pool& pool, double u) {
  ZapResult z;
  if (u <= 0.0) return z;
  const double f = pool.fee;
  const double b = (2.0 - f) * pool.y;
  // KS16; written as 2c/(sqrt(b² + 4ac) + b) (same root, no cancellation for u ≪ y):
  // a = 1 − f, c = y·u.
  const double a = 1.0 - f;
  const double c = pool.y * u;
  z.usdc_swapped = 2.0 * c / (std::sqrt(b * b + 4.0 * a * c) + b);
  z.ksn_out = amm::amount_out(z.usdc_swapped, pool.y, pool.x, f);
  z.usdc_added = u - z.usdc_swapped;
  const double x1 = pool.x - z.ksn_out;
  const double y1 = pool.y + z.usdc_swapped;
  // Uniswap v2 mint: min over the two sides (equal here up to rounding: the exact ratio).
  z.lp_minted = std::min(z.ksn_out * pool.L / x1, z.usdc_added * pool.L / y1);
  return z;
}

void apply_zap(Pool& pool, const ZapResult& z) {
  // The KSN bought by the swap goes straight back in, so x is left exactly as it was.
  pool.y += z.usdc_swapped + z.usdc_added;
  pool.L += z.lp_minted;
}

}  // namespace stampede::ksn
