#include "engine/market/pool.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/core/errors.hpp"
#include "engine/market/amm.hpp"

namespace stampede::market {

ConstantProductPool::ConstantProductPool(double token_reserve, double quote_reserve, double fee)
    : x_(token_reserve), y_(quote_reserve), fee_(fee) {
  if (!(x_ > 0.0) || !(y_ > 0.0) || !std::isfinite(x_) || !std::isfinite(y_))
    throw RuntimeFailure("pool: initial reserves must be positive and finite");
  if (!(fee_ >= 0.0 && fee_ < 1.0)) throw RuntimeFailure("pool: fee must be in [0, 1)");
  shares_ = std::sqrt(x_ * y_);  // market.md: LP shares sqrt(x·y) at creation
  locked_shares_ = kLockedShareFraction * shares_;
}

double ConstantProductPool::swap(double amount, double fee, double& reserve_in, double& reserve_out,
                                 double& fees_in) {
  if (!std::isfinite(amount)) throw RuntimeFailure("pool: non-finite swap amount");
  if (amount <= 0.0) return 0.0;
  // market.md: out = in·(1−f)·y / (x + in·(1−f))
  double out = amm::amount_out(amount, reserve_in, reserve_out, fee);
  double new_out = reserve_out - out;
  if (!(new_out > 0.0)) {
    // The output rounded to the whole reserve (input ~1e16 times the reserve). The exact new
    // reserve y·x/(x + in·(1−f)) is positive; keep it so the pool is never drained.
    new_out = reserve_out * (reserve_in / (reserve_in + amount * (1.0 - fee)));
    new_out = std::max(new_out, std::numeric_limits<double>::min());
    out = reserve_out - new_out;
  }
  reserve_in += amount;  // the fee stays in the pool
  reserve_out = new_out;
  fees_in += amount * fee;
  return out;
}

double ConstantProductPool::swap_token_in(double tokens) {
  if (tokens > 0.0) fees_value_ += fee_ * tokens * spot();
  return swap(tokens, fee_, x_, y_, fees_token_);
}
double ConstantProductPool::swap_quote_in(double quote) {
  if (quote > 0.0) fees_value_ += fee_ * quote;
  return swap(quote, fee_, y_, x_, fees_quote_);
}

double ConstantProductPool::swap_token_in(double tokens, int pieces) {
  if (pieces <= 1) return swap_token_in(tokens);
  const double piece = tokens / pieces;
  double out = 0.0;
  for (int i = 0; i < pieces; ++i) out += swap_token_in(piece);
  return out;
}

double ConstantProductPool::swap_quote_in(double quote, int pieces) {
  if (pieces <= 1) return swap_quote_in(quote);
  const double piece = quote / pieces;
  double out = 0.0;
  for (int i = 0; i < pieces; ++i) out += swap_quote_in(piece);
  return out;
}

double ConstantProductPool::quote_in_to_reach(double target) const noexcept {
  // kai.md K18: d = (sqrt(k·(peg − band)) − y)/(1 − fee)
  return std::max(0.0, (std::sqrt(k() * target) - y_) / (1.0 - fee_));
}

double ConstantProductPool::token_in_to_reach(double target) const noexcept {
  // kai.md K18: q = (sqrt(k/(peg + band)) − x)/(1 − fee)
  return std::max(0.0, (std::sqrt(k() / target) - x_) / (1.0 - fee_));
}

LiquidityAdded ConstantProductPool::add_liquidity(double token_max, double quote_max) {
  if (!std::isfinite(token_max) || !std::isfinite(quote_max))
    throw RuntimeFailure("pool: non-finite liquidity amount");
  LiquidityAdded a;
  if (token_max <= 0.0 || quote_max <= 0.0) return a;
  // kai.md K21: Δy = min(ΣΔy, ΣΔx·p), Δx = Δy/p, shares = L·Δy/y
  const double p = spot();
  a.quote = std::min(quote_max, token_max * p);
  a.token = std::min(token_max, a.quote * x_ / y_);  // = Δy/p, capped against rounding
  a.shares = shares_ * a.quote / y_;
  x_ += a.token;
  y_ += a.quote;
  shares_ += a.shares;
  return a;
}

LiquidityRemoved ConstantProductPool::remove_liquidity(double shares, double shares_held) {
  if (!std::isfinite(shares) || !std::isfinite(shares_held))
    throw RuntimeFailure("pool: non-finite share amount");
  LiquidityRemoved r;
  const double s = std::min({shares, shares_held, shares_ - locked_shares_});
  if (!(s > 0.0)) return r;
  // kai.md K17: (Δx, Δy) = (x·s/L, y·s/L); L −= s
  const double frac = s / shares_;
  r.token = x_ * frac;
  r.quote = y_ * frac;
  r.shares = s;
  x_ -= r.token;
  y_ -= r.quote;
  shares_ -= s;
  return r;
}

double zap_swap_amount(double amount, double reserve_in, double fee) noexcept {
  // ksn.md KS16: s = [sqrt(((2−f)·r)² + 4(1−f)·r·u) − (2−f)·r] / (2(1−f)). The root is the
  // swap after which the remainder and the output are in the post-swap reserve ratio.
  // Written as 4(1−f)·r·u / (sqrt(...) + (2−f)·r) / (2(1−f)) to avoid cancellation for small u.
  const double b = (2.0 - fee) * reserve_in;
  const double c = 4.0 * (1.0 - fee) * reserve_in * amount;
  return c / (std::sqrt(b * b + c) + b) / (2.0 * (1.0 - fee));
}

Zap ConstantProductPool::zap_quote(double quote) {
  Zap z;
  if (!(quote > 0.0)) return z;
  z.swapped = zap_swap_amount(quote, y_, fee_);
  z.bought = swap_quote_in(z.swapped);
  z.added = add_liquidity(z.bought, quote - z.swapped);
  return z;
}

Zap ConstantProductPool::zap_token(double tokens) {
  Zap z;
  if (!(tokens > 0.0)) return z;
  z.swapped = zap_swap_amount(tokens, x_, fee_);
  z.bought = swap_token_in(z.swapped);
  z.added = add_liquidity(tokens - z.swapped, z.bought);
  return z;
}

}  // namespace stampede::market
