#pragma once
// Scalar samplers on a Sequence (stream.hpp), for agent initialisation and the per-path market
// processes (agents.md "Population", market.md). Every sampler consumes a variable number of
// draws from the one Sequence, so use one Sequence per (purpose, step, agent) as stream.hpp says.
// Preconditions (checked by engine/config before a run): sd, sigma, rate, shape, scale, alpha,
// x_m > 0; low <= high.
#include <cstdint>

#include "engine/core/distribution.hpp"
#include "engine/random/stream.hpp"

namespace stampede::rng {

double uniform_real(Sequence& q, double low, double high) noexcept;             // U(low, high)
std::int64_t uniform_int(Sequence& q, std::int64_t low, std::int64_t high) noexcept;  // inclusive, unbiased
double normal(Sequence& q, double mean, double sd) noexcept;
double lognormal(Sequence& q, double mu, double sigma) noexcept;  // exp(N(mu, sigma^2))
double exponential(Sequence& q, double rate) noexcept;            // mean 1/rate
std::uint64_t poisson(Sequence& q, double mean) noexcept;         // mean <= 0 gives 0
double gamma(Sequence& q, double shape, double scale = 1.0) noexcept;  // mean shape·scale
double beta(Sequence& q, double a, double b) noexcept;                 // on (0, 1)
double pareto(Sequence& q, double alpha, double x_m) noexcept;         // x_m·U^(-1/alpha) >= x_m

// A scenario's Distribution (engine/core/distribution.hpp). A draw outside [d.min, d.max] is
// redrawn, at most kMaxRedraws times; if all fall outside (a truncation the distribution almost
// never reaches) the last draw is clamped into the bounds, so a run never stalls.
inline constexpr int kMaxRedraws = 64;
double sample(const Distribution& d, Sequence& q) noexcept;

}  // namespace stampede::rng
