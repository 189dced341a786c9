#include "engine/protocols/hokusai/access.hpp"

#include <cmath>
#include <limits>

namespace stampede::hokusai {
namespace {
constexpr double kDay = 86400.0;
constexpr double kThirtyDays = 30.0 * kDay;
}  // namespace

double access_tokens(double demand_per_day, double dt_seconds, double token_share, double batch_share,
                     double batch_discount, double p_init, double p, double elasticity) {  // H13
  const double price_term =
      elasticity != 0.0 && p_init > 0.0 && p > 0.0 ? std::pow(p_init / p, elasticity) : 1.0;
  return demand_per_day * (dt_seconds / kDay) * token_share * (1.0 - batch_share * batch_discount) *
         price_term;
}

double enterprise_fees(double demand_per_day, double dt_seconds, double token_share,
                       double enterprise_price) {  // H14
  return demand_per_day * (dt_seconds / kDay) * (1.0 - token_share) * enterprise_price;
}

FeeRouting route_fees(double fees_pending, double infra_share) {  // H7
  FeeRouting r;
  r.infra = infra_share * fees_pending;
  r.reserve = fees_pending - r.infra;
  return r;
}

AccessDemand::AccessDemand(double d0, double growth_per_30d, double noise_time_seconds, double noise_sd,
                           double dt_seconds) {  // H20
  constexpr double kInf = std::numeric_limits<double>::infinity();
  log_d0_ = d0 > 0.0 ? std::log(d0) : -kInf;
  log_growth_per_second_ = growth_per_30d > -1.0 ? std::log1p(growth_per_30d) / kThirtyDays : -kInf;
  // τ → 0 is white noise with sd σ; the schema keeps τ > 0.
  const double steps = noise_time_seconds > 0.0 ? dt_seconds / noise_time_seconds : kInf;
  decay_ = std::exp(-steps);
  step_sd_ = noise_sd * std::sqrt(-std::expm1(-2.0 * steps));
}

double AccessDemand::level(double t_seconds, double shock_multiplier) const {  // H20
  const double trend = t_seconds > 0.0 ? log_growth_per_second_ * t_seconds : 0.0;
  return std::exp(log_d0_ + trend + noise_) * shock_multiplier;
}

bool redemption_run(double paid_24h, double reserve_24h_ago, double fraction) {  // §8
  return paid_24h > 0.0 && paid_24h >= fraction * reserve_24h_ago;
}

}  // namespace stampede::hokusai
