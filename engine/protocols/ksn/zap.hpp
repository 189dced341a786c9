#pragma once
// Single-sided liquidity add (ksn.md KS16, Uniswap v2 "zap"): swap the share s of u USDC that
// leaves the rest in the post-swap pool ratio, then add both sides.
#include "engine/protocols/ksn/state.hpp"

namespace stampede::ksn {

struct ZapResult {
  double usdc_swapped = 0.0;  // s
  double ksn_out = 0.0;       // KSN received for s (added back with u − s)
  double usdc_added = 0.0;    // u − s
  double lp_minted = 0.0;     // ℓ
};

// KS16  s = [sqrt(((2−f)·y)² + 4(1−f)·y·u) − (2−f)·y] / (2(1−f)); quote only, pool unchanged.
ZapResult zap_quote(const Pool& pool, double u);

// Applies a quote to the pool: the swap (y += s, x −= out), then the add (x += out,
// y += u − s, L += ℓ). Net: x unchanged, y += u, L += ℓ.
void apply_zap(Pool& pool, const ZapResult& z);

}  // namespace stampede::ksn
