#pragma once
// Constant-product swap math (Uniswap v2; market.md "Constant-product pools").
namespace stampede::amm {

// Output of a swap of `amount_in` into a pool with reserves (reserve_in, reserve_out) and a fee
// taken on the input:  out = in·(1 − fee)·reserve_out / (reserve_in + in·(1 − fee)).
// Always < reserve_out for finite inputs, so a swap can never drain the pool.
inline double amount_out(double amount_in, double reserve_in, double reserve_out, double fee) noexcept {
  const double in_after_fee = amount_in * (1.0 - fee);
  return in_after_fee * reserve_out / (reserve_in + in_after_fee);
}

// Input needed to receive `amount_out` (inverse of amount_out); requires amount_out < reserve_out.
inline double amount_in(double amount_out, double reserve_in, double reserve_out, double fee) noexcept {
  return amount_out * reserve_in / ((reserve_out - amount_out) * (1.0 - fee));
}

}  // namespace stampede::amm
