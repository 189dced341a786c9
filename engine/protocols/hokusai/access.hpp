#pragma once
// Hokusai's access demand and its two payment channels (hokusai.md H7, H13, H14, H20) and the
// redemption-run test of §8.
namespace stampede::hokusai {

// H13: tokens bought on the curve and burned for access over a step of dt seconds,
// D·(dt/1d)·token_share·(1 − batch_share·batch_discount)·(P_init/P)^ε. The price term is 1 when
// ε = 0 or when a price is not positive (spot never is, H2).
double access_tokens(double demand_per_day, double dt_seconds, double token_share, double batch_share,
                     double batch_discount, double p_init, double p, double elasticity);

// H14: USDC fees of the enterprise channel over a step, D·(dt/1d)·(1 − token_share)·enterprise_price.
double enterprise_fees(double demand_per_day, double dt_seconds, double token_share, double enterprise_price);

struct FeeRouting {
  double reserve = 0;  // into R: fees − infra
  double infra = 0;    // infra_share·fees, to infra_usdc (leaves the token economy)
};

// H7 on a fee deposit of fees_pending USDC.
FeeRouting route_fees(double fees_pending, double infra_share);

// H20: ln D_t = ln D_0 + ln(1 + g)·t/30d + X_t, X an Ornstein–Uhlenbeck log-noise with time τ
// and stationary sd σ, started at X_0 = 0 and moved exactly over each step of dt:
// X ← X·e^{−dt/τ} + σ·sqrt(1 − e^{−2dt/τ})·Z. The trend is a function of t (no accumulated drift).
class AccessDemand {
 public:
  AccessDemand(double d0, double growth_per_30d, double noise_time_seconds, double noise_sd,
               double dt_seconds);

  // One step of the noise with the standard normal draw Z.
  void advance(double normal_draw) { noise_ = noise_ * decay_ + step_sd_ * normal_draw; }

  // D_t in requests per day, times the active `demand` shocks' product (1 + size).
  double level(double t_seconds, double shock_multiplier) const;

  double noise() const { return noise_; }  // X_t

 private:
  double log_d0_;
  double log_growth_per_second_;
  double decay_;
  double step_sd_;
  double noise_ = 0.0;
};

// §8 redemption_run: USDC paid by sells over the trailing 24h (gross F) ≥ fraction × R at the
// window start. A window with nothing paid is never a run (R = 0 would otherwise fire it).
bool redemption_run(double paid_24h, double reserve_24h_ago, double fraction);

}  // namespace stampede::hokusai
