#pragma once
// Whole-path helpers shared by the KSN scenario and engine tests: scenarios from configs/,
// runs through the driver, bit-for-bit comparison of results, and a step that reproduces
// framework::ProtocolPath<P>::step with a chosen architecture for the fused pass.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "agents/fused_pass.hpp"
#include "engine/driver/driver.hpp"
#include "engine/driver/scenario_loader.hpp"
#include "engine/framework/protocol_model.hpp"
#include "engine/protocols/ksn/ksn.hpp"
#include "engine/protocols/ksn/path.hpp"
#include "engine/random/stream.hpp"

namespace ksn_test {

using namespace stampede;

inline const ProtocolRegistry& registry() {
  static const ProtocolRegistry r = [] {
    ProtocolRegistry x;
    x.add(ksn::protocol());
    return x;
  }();
  return r;
}

inline std::string config(const std::string& name) { return std::string(STAMPEDE_SOURCE_DIR) + "/configs/" + name; }

inline Scenario scenario(const std::string& file, const std::vector<std::string>& sets) {
  return load_scenario(config(file), sets, registry());
}

inline std::unique_ptr<Model> build(const Scenario& sc, bool check) {
  ModelOptions o;
  o.check = check;
  return registry().find("ksn")->build(sc, o);
}

// Runs the given paths of the scenario through the driver.
inline DriverResult run_ids(const Scenario& sc, bool check, const std::vector<std::uint64_t>& ids, int threads,
                            std::int64_t store_paths = 16) {
  auto model = build(sc, check);
  DriverOptions d;
  d.threads = threads;
  d.path_ids = ids;
  d.store_paths = store_paths;
  return run_paths(*model, run_shape(sc), d);
}

inline std::vector<std::uint64_t> first_ids(std::int64_t n) {
  std::vector<std::uint64_t> ids;
  for (std::int64_t p = 0; p < n; ++p) ids.push_back(static_cast<std::uint64_t>(p));
  return ids;
}

inline DriverResult run(const std::string& file, const std::vector<std::string>& sets, bool check,
                        std::int64_t paths) {
  return run_ids(scenario(file, sets), check, first_ids(paths), 2);
}

template <class T>
bool same_bits(const T& a, const T& b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

// Two rows (finals, event steps or series) equal element by element, bit for bit.
template <class A, class B>
bool same_row(const A& a, const B& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (!same_bits(a[k], b[k])) return false;
  return true;
}

// Path `i` of `a` and path `j` of `b` are the same path with the same results, bit for bit.
template <class R>
void require_same_path(const R& a, std::size_t i, const R& b, std::size_t j) {
  const auto& p = a.paths[i];
  const auto& q = b.paths[j];
  INFO("path " << p.id);
  REQUIRE(p.id == q.id);
  CHECK(same_row(p.first_step, q.first_step));
  CHECK(same_row(p.finals, q.finals));
  CHECK(same_row(p.series, q.series));
}

inline void require_identical(const DriverResult& a, const DriverResult& b) {
  REQUIRE(a.paths.size() == b.paths.size());
  for (std::size_t i = 0; i < a.paths.size(); ++i) require_same_path(a, i, b, i);
  CHECK(a.bands == b.bands);
}

// framework::ProtocolPath<P>::step with the fused pass instantiated for architecture A, driving
// a path's protocol and population directly (the same calls in the same order: begin_step,
// signals, step_coefficients, begin_decide, the pass over the step's decide stream, clear, the
// settle-only pass when the protocol needs it or under check, after_settle, observe, check).
// The driver keeps its own herding shares and settled flag, as the engine path does.
template <class P>
class TwinStep {
 public:
  TwinStep(framework::ProtocolPath<P>& path, const agents::Behaviour& b, rng::PathKey key, bool check)
      : path_(path), b_(b), key_(key), check_(check) {
    for (int k = 0; k < P::kTypes; ++k)
      type_count_[k] = static_cast<double>(path.population().ranges[static_cast<std::size_t>(k)].size());
  }

  template <class A>
  agents::PassCounts step(std::int64_t t) {
    auto& proto = path_.protocol();
    proto.begin_step(t);
    double signals[agents::kMaxSignals] = {};
    double lo[agents::kMaxOwn] = {}, hi[agents::kMaxOwn] = {};
    for (int j = 0; j < b_.own; ++j) {
      lo[j] = b_.own_term[static_cast<std::size_t>(j)].lo;
      hi[j] = b_.own_term[static_cast<std::size_t>(j)].hi;
    }
    proto.signals(t, signals, lo, hi);
    agents::step_coefficients(b_, signals, exit_share_, lo, hi, co_);
    proto.begin_decide(t);
    const rng::Stream decide(key_, rng::Purpose::decide, static_cast<std::uint64_t>(t));
    const agents::PassCounts counts = agents::fused_pass<A, P::kTypes>(proto, path_.population(), b_, co_, decide,
                                                                       agents::PassWork{!settled_, true});
    for (int k = 0; k < P::kTypes; ++k)
      exit_share_[k] = type_count_[k] > 0 ? static_cast<double>(counts.exits[k]) / type_count_[k] : 0.0;
    for (std::size_t i = 0; i < path_.population().size(); ++i)  // this step's actions, before settling
      acted_ += (path_.population().status[i] & agents::kActionCodeMask) != 0;
    proto.clear(t);
    settled_ = false;
    if (check_ || proto.needs_settled_state(t)) {
      settle<A>();
      proto.after_settle(t);
    }
    proto.observe(t);
    if (check_) proto.check(framework::Invariants(t));
    return counts;
  }

  // Agents that chose an action, summed over the steps run (a diagnostic of the test's coverage).
  std::uint64_t acted() const { return acted_; }

  // The settle-only pass (a no-op when settled).
  template <class A>
  void settle() {
    if (settled_) return;
    const rng::Stream none(key_, rng::Purpose::decide, 0);
    agents::fused_pass<A, P::kTypes>(path_.protocol(), path_.population(), b_, co_, none, agents::PassWork{true, false});
    settled_ = true;
  }

 private:
  framework::ProtocolPath<P>& path_;
  const agents::Behaviour& b_;
  rng::PathKey key_;
  bool check_;
  agents::StepCoefficients co_{};
  double exit_share_[agents::kMaxTypes] = {};
  double type_count_[agents::kMaxTypes] = {};
  bool settled_ = true;
  std::uint64_t acted_ = 0;
};

// Two columns of the same length hold the same bits.
template <class Col>
bool same_column(const Col& a, const Col& b) {
  return a.size() == b.size() && (a.size() == 0 || std::memcmp(a.data(), b.data(), a.size() * sizeof(a[0])) == 0);
}

// Every KSN holdings column and the population's status bytes (action codes and the KS10
// withdrew flag), bit for bit.
inline void require_same_agents(const framework::ProtocolPath<ksn::Ksn>& x, const framework::ProtocolPath<ksn::Ksn>& y) {
  const ksn::KsnAgents &a = x.protocol().holdings(), &b = y.protocol().holdings();
  CHECK(same_column(a.liquid, b.liquid));
  CHECK(same_column(a.usdc, b.usdc));
  CHECK(same_column(a.stake, b.stake));
  CHECK(same_column(a.bond_rem, b.bond_rem));
  CHECK(same_column(a.bond_claim, b.bond_claim));
  CHECK(same_column(a.lp, b.lp));
  CHECK(same_column(a.cost, b.cost));
  CHECK(same_column(a.since, b.since));
  CHECK(same_column(a.bond_left, b.bond_left));
  CHECK(same_column(a.gov, b.gov));
  CHECK(same_column(a.loyalty, b.loyalty));
  CHECK(same_column(a.m, b.m));
  CHECK(same_column(a.d_req, b.d_req));
  CHECK(same_column(x.population().status, y.population().status));
}

// The protocol scalars the fills and the rebase feed, bit for bit.
inline void require_same_state(const framework::ProtocolPath<ksn::Ksn>& x, const framework::ProtocolPath<ksn::Ksn>& y) {
  const ksn::KsnState &a = x.protocol().state(), &b = y.protocol().state();
  CHECK(same_bits(a.pool.token_reserve(), b.pool.token_reserve()));
  CHECK(same_bits(a.pool.quote_reserve(), b.pool.quote_reserve()));
  CHECK(same_bits(a.pool.shares(), b.pool.shares()));
  CHECK(same_bits(a.S, b.S));
  CHECK(same_bits(a.DCP, b.DCP));
  CHECK(same_bits(a.T_usdc, b.T_usdc));
  CHECK(same_bits(a.T_lp, b.T_lp));
  CHECK(same_bits(a.debt.debt(), b.debt.debt()));
  CHECK(same_bits(a.r_eff, b.r_eff));
  CHECK(same_bits(a.Q, b.Q));
  CHECK(same_bits(a.W, b.W));
  CHECK(same_bits(x.protocol().stake_total(), y.protocol().stake_total()));
}

}  // namespace ksn_test
