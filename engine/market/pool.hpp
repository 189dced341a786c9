#pragma once
// Constant-product pool (Uniswap v2; market.md "Constant-product pools"): reserves x (the
// protocol's token) and y (the quote asset), LP share supply L, fee f on the input, fees stay in
// the pool. Scalar, one per path; every call is O(1) (O(pieces) for split swaps), no allocation.
#include <cstdint>

namespace stampede::market {

struct LiquidityAdded {
  double token = 0.0;   // tokens taken from the provider
  double quote = 0.0;   // quote taken from the provider
  double shares = 0.0;  // LP shares minted
};

struct LiquidityRemoved {
  double token = 0.0;   // tokens paid out
  double quote = 0.0;   // quote paid out
  double shares = 0.0;  // LP shares burned (after the cap)
};

// Single-sided add (ksn.md KS16): swap part of the input, add the rest with what it bought.
struct Zap {
  double swapped = 0.0;  // s: input swapped to the other side
  double bought = 0.0;   // output of that swap
  LiquidityAdded added;  // the pair added (unused dust, if any, stays with the provider)
};

class ConstantProductPool {
 public:
  // Creation: L = sqrt(x·y). Throws RuntimeFailure unless x, y > 0 and 0 <= fee < 1.
  ConstantProductPool(double token_reserve, double quote_reserve, double fee);

  double token_reserve() const noexcept { return x_; }
  double quote_reserve() const noexcept { return y_; }
  double shares() const noexcept { return shares_; }
  double fee() const noexcept { return fee_; }
  double spot() const noexcept { return y_ / x_; }  // quote per token
  double k() const noexcept { return x_ * y_; }

  // Cumulative fees taken on inputs, in each token (they stay in the reserves); for lp_apr
  // signals the caller differences these over its window.
  double fees_token() const noexcept { return fees_token_; }
  double fees_quote() const noexcept { return fees_quote_; }
  // All fees in quote units, a token-in fee valued at the spot before its swap (kai.md lp_apr,
  // ksn.md `fee`): the pool's fee income as the signals read it.
  double fees_value() const noexcept { return fees_value_; }

  // Swaps with the fee on the input; return the output. amount <= 0 is a no-op returning 0;
  // a non-finite amount throws RuntimeFailure. Both reserves stay > 0 for any finite input.
  double swap_token_in(double tokens);
  double swap_quote_in(double quote);
  // One aggregate split into `pieces` equal swaps (market.sub_swaps); returns the total output.
  double swap_token_in(double tokens, int pieces);
  double swap_quote_in(double quote, int pieces);

  // Input that moves the spot to `target` (kai.md K18 arbitrage; 0 if the spot is already on
  // the other side): quote in d = (sqrt(k·p*) − y)/(1 − f) when p < p*, tokens in
  // q = (sqrt(k/p*) − x)/(1 − f) when p > p*. The fee makes the result overshoot p* by the
  // factor 1 + f·d/(y + d·(1 − f)) (kai.md K18 keeps it).
  double quote_in_to_reach(double target) const noexcept;
  double token_in_to_reach(double target) const noexcept;

  // Proportional add at the current ratio (kai.md K21): quote = min(quote_max, token_max·p),
  // token = quote/p, shares = L·quote/y. The unused side stays with the provider.
  LiquidityAdded add_liquidity(double token_max, double quote_max);
  // Pro-rata removal (kai.md K17): (Δx, Δy) = (x·s/L, y·s/L), L -= s, with s capped by
  // `shares_held` and so that a tiny locked residue (kLockedShareFraction of the creation
  // supply, as Uniswap's MINIMUM_LIQUIDITY) keeps both reserves positive.
  LiquidityRemoved remove_liquidity(double shares, double shares_held);

  // ksn.md KS16 zap of u quote: s = [sqrt(((2−f)·y)² + 4(1−f)·y·u) − (2−f)·y] / (2(1−f)),
  // swap s → tokens, add (u − s, tokens bought) at the post-swap ratio.
  Zap zap_quote(double quote);
  // The same with the roles of the reserves exchanged (u tokens in).
  Zap zap_token(double tokens);

  static constexpr double kLockedShareFraction = 1e-12;

 private:
  // Shared swap core: reserve_in grows by the whole input (fee included), reserve_out falls.
  static double swap(double amount, double fee, double& reserve_in, double& reserve_out, double& fees_in);

  double x_;
  double y_;
  double shares_;
  double locked_shares_;
  double fee_;
  double fees_token_ = 0.0;
  double fees_quote_ = 0.0;
  double fees_value_ = 0.0;
};

// Optimal single-sided swap amount of KS16 for an input on the side with reserve r_in.
double zap_swap_amount(double amount, double reserve_in, double fee) noexcept;

}  // namespace stampede::market
