#pragma once
// The smallest honest model the driver tests need (issue: "a test fixture, not a shipped
// protocol"): agents hold a token and panic-sell when the price, a random walk with price
// impact, falls below their own threshold. It uses the real streams (agent_init, decide,
// market), per-agent SoA state and events, so determinism tests exercise the real machinery.
#include <cmath>
#include <cstdint>
#include <memory>

#include "engine/core/aligned.hpp"
#include "engine/driver/model.hpp"
#include "engine/random/stream.hpp"

namespace stampede::testing {

struct PanicParams {
  std::int64_t agents = 1000;
  std::uint64_t seed = 1;
  double step_sigma = 0.03;  // log-price sd per step
  double impact = 0.5;       // ln-price drop per unit of supply sold
  double sell_prob = 0.5;    // per step, once below threshold
  double crash_level = 0.6;  // event `crash`: price below this
};

class PanicPath final : public PathSimulation {
 public:
  PanicPath(const PanicParams& p, std::uint64_t path) : p_(p), path_(path), hold_(p.agents), thr_(p.agents) {
    rng::Stream init(p.seed, path, rng::Purpose::agent_init, 0);
    for (std::int64_t i = 0; i < p.agents; ++i) {
      hold_[i] = 1.0 + init.uniform(static_cast<std::uint32_t>(i), 0);
      thr_[i] = static_cast<float>(0.6 + 0.35 * init.uniform(static_cast<std::uint32_t>(i), 1));
      total_ += hold_[i];
    }
  }
  void step(std::int64_t t, PathRecorder& rec) override {
    rng::Sequence market(p_.seed, path_, rng::Purpose::market, static_cast<std::uint64_t>(t));
    price_ *= std::exp(p_.step_sigma * market.normal());
    rng::Stream decide(p_.seed, path_, rng::Purpose::decide, static_cast<std::uint64_t>(t));
    double sold_now = 0.0;
    for (std::int64_t i = 0; i < p_.agents; ++i) {
      const bool sells = price_ < thr_[i] && decide.uniform(static_cast<std::uint32_t>(i)) < p_.sell_prob;
      const double q = sells ? hold_[i] : 0.0;
      hold_[i] -= q;
      sold_now += q;
    }
    sold_ += sold_now;
    price_ *= std::exp(-p_.impact * sold_now / total_);
    min_price_ = std::min(min_price_, price_);
    if (price_ < p_.crash_level) rec.mark_event(0, t);
    if (sold_ >= 0.5 * total_) rec.mark_event(1, t);
  }
  void record(std::int64_t r, PathRecorder& rec) override {
    rec.record(0, r, price_);
    rec.record(1, r, sold_ / total_);
  }
  void finish(PathRecorder& rec) override {
    rec.set_final(0, price_);
    rec.set_final(1, min_price_);
    rec.set_final(2, sold_ / total_);
  }
  double held() const {
    double s = 0;
    for (std::int64_t i = 0; i < p_.agents; ++i) s += hold_[i];
    return s;
  }
  double sold() const { return sold_; }
  double total() const { return total_; }

 private:
  PanicParams p_;
  std::uint64_t path_;
  AlignedArray<double> hold_;
  AlignedArray<float> thr_;
  double total_ = 0.0, sold_ = 0.0, price_ = 1.0, min_price_ = 1.0;
};

class PanicModel final : public Model {
 public:
  explicit PanicModel(PanicParams p) : p_(p) {
    schema_.finals = {"final_price", "min_price", "sold_fraction"};
    schema_.events = {"crash", "half_sold"};
    schema_.series = {"price", "sold_fraction"};
  }
  const OutputSchema& schema() const override { return schema_; }
  std::int64_t agents_per_path() const override { return p_.agents; }
  std::size_t bytes_per_agent() const override { return sizeof(double) + sizeof(float); }
  std::unique_ptr<PathSimulation> start_path(std::uint64_t path) const override {
    return std::make_unique<PanicPath>(p_, path);
  }

 private:
  PanicParams p_;
  OutputSchema schema_;
};

}  // namespace stampede::testing
