#pragma once
// The protocol skeleton (framework): everything a protocol does not own, written once. A
// protocol is a traits class P (its name, declarations, parameters) with a path class P::Path
// (its state and rules); make_protocol<P>() turns it into the engine's Protocol (schema, Model,
// paths). The step, as the engine runs it for every protocol (engine.md "Time"):
//   1. P::Path::begin_step: exogenous processes, then the protocol's start-of-step events;
//   2. signals of the step (the protocol's; herding shares from the engine);
//   3. the fused agent pass (agents/fused_pass.hpp): settle step t−1, decide step t;
//   4. P::Path::clear: intents against pools and books (scalar);
//   5. on steps that need the settled per-agent state (P::Path::needs_settled_state, e.g. the
//      KSN rebase) or under --check: a settle-only pass, then P::Path::after_settle;
//   6. P::Path::observe (events, trackers), and P::Path::check under --check.
// Settling in the next step's pass or in a settle-only pass applies the same operations in the
// same order, so `--check` never changes a result.
//
// What P provides:
//   static constexpr const char* kName, kSummary;  static constexpr int kTypes;
//   static const agents::BehaviourDecl& behaviour();  static const OutputDecl& outputs();
//   static void declare(config::Schema&);            // its own keys (the engine adds agents.*)
//   static std::int64_t main_period_seconds(const config::Values&);
//   struct Params;  static Params read(const Scenario&, const agents::Behaviour&);  // InputError on bad input
//   static std::size_t bytes_per_agent(const Params&);  // its own agent columns
//   class Path { Path(const Params&, const agents::Behaviour&, const PathContext&, agents::Population&);
//                begin_step, signals, begin_decide, the pass hooks, clear, needs_settled_state,
//                after_settle, observe, check, series, finals, events, set_branch };
//   optionally, for rare-event splitting: static std::vector<SplittingScore> scores(const Params&);
//                and Path::score(k) (docs/rare-events.md).
//   optionally, to start paths past launch: static std::int64_t warmup_steps(const Params&, dt)
//                and Path::end_warmup(steps) (reset the observers; docs/adding-a-protocol.md).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agents/behaviour.hpp"
#include "agents/fused_pass.hpp"
#include "agents/population.hpp"
#include "engine/driver/model.hpp"
#include "engine/driver/protocol.hpp"
#include "engine/driver/scenario.hpp"
#include "engine/framework/invariants.hpp"
#include "engine/framework/outputs.hpp"
#include "engine/random/stream.hpp"
#include "kernels/simd.hpp"

namespace stampede::framework {

// What a path knows about the run besides its parameters.
struct PathContext {
  rng::PathKey key;           // (seed, path, branch): every stream of the path derives from it
  std::int64_t dt_seconds = 3600;
  std::int64_t agents = 0;
  bool check = false;         // --check: invariants every step
  std::int64_t horizon_steps = 0;  // the engine's steps in the run (a splitting score may weigh the time left)
};

// One path of protocol P: the population, the protocol's state, the step loop.
template <class P>
class ProtocolPath final : public PathSimulation {
 public:
  ProtocolPath(const typename P::Params& params, const agents::Behaviour& behaviour, const PathContext& ctx)
      : behaviour_(behaviour),
        ctx_(ctx),
        pop_(behaviour, static_cast<std::size_t>(ctx.agents), ctx.key),
        proto_(params, behaviour, ctx, pop_) {
    for (int t = 0; t < P::kTypes; ++t) type_count_[t] = static_cast<double>(pop_.ranges[static_cast<std::size_t>(t)].size());
    // A protocol may start its paths past launch (P::warmup_steps, e.g. klima2.start_at): the path
    // is simulated from launch for that many steps, then the protocol resets its observers
    // (end_warmup) and the engine's step 0 is the protocol's step W. Streams stay keyed by the
    // protocol's own step, so a warmed-up path is one history, reproducible like any other.
    if constexpr (requires { P::warmup_steps(params, ctx.dt_seconds); }) {
      const std::int64_t w = P::warmup_steps(params, ctx.dt_seconds);
      for (std::int64_t t = 0; t < w; ++t) step_with<kernels::DefaultArch>(t);
      settle();
      proto_.end_warmup(w);
      offset_ = w;
    }
  }

  void step(std::int64_t t, PathRecorder& rec) override {
    (void)rec;  // events are marked at the end (finish), from the protocol's observers
    step_with<kernels::DefaultArch>(t);
  }

  // The step with the fused pass built for architecture A (agents::Scalar: the scalar twin the
  // tests compare with). Returns the pass's counts.
  template <class A>
  agents::PassCounts step_with(std::int64_t step) {
    const std::int64_t t = step + offset_;  // the protocol's step (past its warm-up)
    proto_.begin_step(t);
    double signals[agents::kMaxSignals] = {};
    double lo[agents::kMaxOwn], hi[agents::kMaxOwn];
    for (int j = 0; j < behaviour_.own; ++j) {
      lo[j] = behaviour_.own_term[static_cast<std::size_t>(j)].lo;
      hi[j] = behaviour_.own_term[static_cast<std::size_t>(j)].hi;
    }
    proto_.signals(t, signals, lo, hi);
    agents::step_coefficients(behaviour_, signals, exit_share_, lo, hi, coefficients_);
    proto_.begin_decide(t);
    const rng::Stream decide(ctx_.key, rng::Purpose::decide, static_cast<std::uint64_t>(t));
    const agents::PassCounts counts =
        agents::fused_pass<A, P::kTypes>(proto_, pop_, behaviour_, coefficients_, decide, agents::PassWork{!settled_, true});
    evaluated_ += counts.evaluated;
    for (int k = 0; k < P::kTypes; ++k)
      exit_share_[k] = type_count_[k] > 0 ? static_cast<double>(counts.exits[k]) / type_count_[k] : 0.0;
    proto_.clear(t);
    settled_ = false;
    if (ctx_.check || proto_.needs_settled_state(t)) {
      settle_with<A>();
      proto_.after_settle(t);
    }
    proto_.observe(t);
    if (ctx_.check) proto_.check(Invariants(step));
    return counts;
  }

  void record(std::int64_t r, PathRecorder& rec) override {
    double v[kMaxOutputs];
    proto_.series(v);
    for (std::size_t k = 0; k < P::outputs().series.size(); ++k) rec.record(k, r, v[k]);
  }

  void finish(PathRecorder& rec) override {
    settle();  // the last step's fills, so the final state is the settled one
    const OutputDecl& o = P::outputs();
    double v[kMaxOutputs];
    std::size_t f = 0;
    if (o.series_are_finals) {
      proto_.series(v);
      for (std::size_t k = 0; k < o.series.size(); ++k) rec.set_final(f++, v[k]);
    }
    proto_.finals(v);
    for (std::size_t k = 0; k < o.finals.size(); ++k) rec.set_final(f++, v[k]);
    std::int64_t first[kMaxOutputs];
    std::fill(first, first + kMaxOutputs, std::int64_t{-1});
    proto_.events(first);
    for (std::size_t k = 0; k < o.events.size(); ++k)
      if (first[k] >= offset_) rec.mark_event(k, first[k] - offset_);
  }

  // Splitting (docs/rare-events.md): the streams of the steps after this one come from `branch`.
  void set_branch(std::uint64_t branch) override {
    if constexpr (requires { proto_.set_branch(branch); }) {
      ctx_.key.branch = branch;
      proto_.set_branch(branch);
    } else {
      PathSimulation::set_branch(branch);  // a protocol whose path keeps no branchable streams
    }
  }
  double score(std::size_t k) const override {
    if constexpr (requires(const typename P::Params& p) { P::scores(p); }) return proto_.score(k);
    else return PathSimulation::score(k);
  }
  // Splitting: the whole state copied member by member (the population's columns deep-copied),
  // the protocol's state pointed at the copy's own population.
  std::unique_ptr<PathSimulation> clone() const override {
    if constexpr (requires(typename P::Path& p, agents::Population& pop) { p.rebind(pop); }) {
      std::unique_ptr<ProtocolPath> copy(new ProtocolPath(*this));
      copy->proto_.rebind(copy->pop_);
      return copy;
    } else {
      return nullptr;
    }
  }

  // Applies the pending fills and accruals now (a settle-only pass); a no-op when settled.
  void settle() { settle_with<kernels::DefaultArch>(); }
  template <class A>
  void settle_with() {
    if (settled_) return;
    const rng::Stream none(ctx_.key, rng::Purpose::decide, 0);
    agents::fused_pass<A, P::kTypes>(proto_, pop_, behaviour_, coefficients_, none, agents::PassWork{true, false});
    settled_ = true;
  }

  typename P::Path& protocol() { return proto_; }
  const typename P::Path& protocol() const { return proto_; }
  agents::Population& population() { return pop_; }
  const agents::Population& population() const { return pop_; }
  std::uint64_t full_evaluations() const { return evaluated_; }

  static constexpr std::size_t kMaxOutputs = 64;

 private:
  ProtocolPath(const ProtocolPath&) = default;  // clone() only: the copy must be rebound
  const agents::Behaviour& behaviour_;
  PathContext ctx_;
  agents::Population pop_;
  typename P::Path proto_;
  agents::StepCoefficients coefficients_{};
  double exit_share_[agents::kMaxTypes] = {};
  double type_count_[agents::kMaxTypes] = {};
  bool settled_ = true;  // nothing to settle before the first step
  std::uint64_t evaluated_ = 0;
  std::int64_t offset_ = 0;  // warm-up steps run before the engine's step 0
};

// The Model of protocol P for one scenario: frozen parameters, path factory, memory estimate.
template <class P>
class ProtocolModel final : public Model {
 public:
  ProtocolModel(const Scenario& sc, const ModelOptions& opt)
      : behaviour_(agents::read_behaviour(*sc.values, P::behaviour())),
        params_(P::read(sc, behaviour_)),
        schema_(P::outputs().schema()),
        seed_(sc.seed),
        dt_(sc.step_seconds),
        agents_(sc.agents),
        n_steps_(sc.n_steps),
        check_(opt.check) {
    static_assert(P::kTypes <= static_cast<int>(agents::kMaxTypes));
  }
  const OutputSchema& schema() const override { return schema_; }
  std::int64_t agents_per_path() const override { return agents_; }
  std::size_t bytes_per_agent() const override {
    return agents::Population::bytes_per_agent(behaviour_) + P::bytes_per_agent(params_);
  }
  std::unique_ptr<PathSimulation> start_path(std::uint64_t path) const override { return make_path(path); }
  // P may declare scores (`static std::vector<ScoreDecl> scores()`, levels read from params).
  std::vector<SplittingScore> splitting_scores() const override {
    if constexpr (requires { P::scores(params_); }) return P::scores(params_);
    else return {};
  }

  std::unique_ptr<ProtocolPath<P>> make_path(std::uint64_t path, std::uint64_t branch = 0) const {
    PathContext ctx{rng::PathKey{seed_, path, branch}, dt_, agents_, check_, n_steps_};
    return std::make_unique<ProtocolPath<P>>(params_, behaviour_, ctx);
  }
  const typename P::Params& params() const { return params_; }
  const agents::Behaviour& behaviour() const { return behaviour_; }

 private:
  agents::Behaviour behaviour_;
  typename P::Params params_;
  OutputSchema schema_;
  std::uint64_t seed_;
  std::int64_t dt_, agents_, n_steps_;
  bool check_;
};

// The engine's view of protocol P: its name, keys (its own and the behaviour keys from its
// declaration), main period and Model factory. One line registers it (engine/protocols/builtin.cpp).
template <class P>
Protocol make_protocol() {
  Protocol p;
  p.name = P::kName;
  p.summary = P::kSummary;
  p.declare = [](config::Schema& s) {
    P::declare(s);
    agents::declare_behaviour(s, P::behaviour());
  };
  p.main_period_seconds = [](const config::Values& v) { return P::main_period_seconds(v); };
  p.build = [](const Scenario& s, const ModelOptions& o) -> std::unique_ptr<Model> {
    return std::make_unique<ProtocolModel<P>>(s, o);
  };
  return p;
}

}  // namespace stampede::framework
