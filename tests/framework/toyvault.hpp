#pragma once
// `toyvault`: the worked example of docs/adding-a-protocol.md, built and run by the tests.
//
// A token TOY trades against USD in a constant-product pool. Savers deposit TOY in a vault that
// pays `toyvault.yield` per step (new TOY, compounding: the rebase kernel); traders buy and sell.
//   types    trader: buy (spend f_i of usd), sell (exit: sell f_i of toy)
//            saver:  deposit (f_i of toy into the vault), withdraw (exit: f_i of the vault)
//   signals  mom = ln(p_t/p_{t−1}), mkt = 24h log return of the market factor, exit_frac (herding)
//   own      pnl = W_i/cost_i − 1 ∈ [−1, ∞)
//   outputs  series price, vault; final min_price; event crash (price < crash_level·p_0)
//   checks   TOY supply = Σ toy_i + Σ vault_i + pool + outside; USD only moves with outside flows
// Everything else (the population and its behaviour columns, the keys, the decision with its
// skip, the choice and exit rules, the step, the records, the Model) is the framework's.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "agents/fused_pass.hpp"
#include "engine/config/schema.hpp"
#include "engine/core/aligned.hpp"
#include "engine/core/errors.hpp"
#include "engine/framework/protocol_model.hpp"
#include "engine/market/exogenous.hpp"
#include "engine/market/market_config.hpp"
#include "engine/market/pool.hpp"
#include "kernels/accrue_rebase.hpp"

namespace toyvault {

using namespace stampede;

// 1. The declaration: types and actions (choice order), signals, own terms; outputs.
enum Type : int { trader, saver, kTypes };
enum Action : int { buy = 0, sell = 1, deposit = 0, withdraw = 1 };
enum Signal : int { sig_mom, sig_mkt, sig_exit_frac };
enum Own : int { own_pnl };

inline const agents::BehaviourDecl& behaviour_decl() {
  static const agents::BehaviourDecl d = [] {
    agents::BehaviourDecl b;
    b.signals = {{"mom", "ln(p_t/p_{t−1})"},
                 {"mkt", "24h log return of the market factor"},
                 {"exit_frac", "share of the type that chose its exit last step", agents::SignalKind::own_exit}};
    b.own = {{"pnl", "W_i/cost_i − 1", -1.0, std::numeric_limits<double>::infinity()}};
    const auto U = Distribution::uniform;
    b.types = {
        {"trader", 0.7, U(0.05, 0.25), Distribution::lognormal(0.0, 0.5), 1.0, true, 0.05,
         {{"buy", "spend f_i of usd on TOY", false, -5.0, U(0.1, 0.5), {{sig_mom, 20}, {sig_mkt, 4}}, {}},
          {"sell", "sell f_i of toy", true, -5.0, U(0.5, 1.0), {{sig_mom, -20}, {sig_mkt, -6}, {sig_exit_frac, 30}},
           {{own_pnl, -1}}}},
         {own_pnl}},
        {"saver", 0.3, U(0.02, 0.2), Distribution::lognormal(0.0, 0.5), 1.0, true, 0.02,
         {{"deposit", "put f_i of toy in the vault", false, -4.0, U(0.2, 0.8), {{sig_mom, 5}}, {}},
          {"withdraw", "take f_i of the vault back", true, -6.0, Distribution::constant(1.0),
           {{sig_mkt, -8}, {sig_exit_frac, 30}}, {{own_pnl, -2}}}},
         {own_pnl}},
    };
    return b;
  }();
  return d;
}

// 2. Parameters: a plain struct, its keys declared in one place, read back once.
struct Params {
  double yield = 1e-4;        // per step, on the vault
  double pool_toy = 1e6, pool_usd = 1e6, fee = 0.003;
  double agent_toy = 5e5, agent_usd = 5e5, outside_toy = 2e5;
  double crash_level = 0.5;   // metrics.toyvault.crash_level
  market::MarketParams market;
};

// 3. State and rules: the path class with the framework's hooks.
struct Holdings {
  AlignedArray<double> toy, usd, vault;
  AlignedArray<float> cost;
};

class Path {
 public:
  Path(const Params& p, const agents::Behaviour&, const framework::PathContext& ctx, agents::Population& pop)
      : p_(p), ctx_(ctx), pop_(pop), pool_(p.pool_toy, p.pool_usd, p.fee),
        exo_(p.market, ctx.dt_seconds, ctx.key.seed, std::max<std::int64_t>(86400 / ctx.dt_seconds, 1) * ctx.dt_seconds) {
    exo_.start_path(ctx.key);
    const std::size_t n = pop.size();
    a_.toy.resize(n);
    a_.usd.resize(n);
    a_.vault.resize(n);
    a_.cost.resize(n);
    std::vector<double> w(n);
    agents::sample_column(Distribution::lognormal(0.0, 1.0), ctx.key, agents::ColumnId::wealth, {0, n}, w.data());
    if (n) {
      agents::split_pro_rata(w.data(), {0, n}, p.agent_toy, a_.toy.data());
      agents::split_pro_rata(w.data(), {0, n}, p.agent_usd, a_.usd.data());
    }
    p0_ = last_p_ = min_p_ = pool_.spot();
    for (std::size_t i = 0; i < n; ++i) a_.cost[i] = static_cast<float>(a_.toy[i] * p0_ + a_.usd[i]);
    supply_ = p.agent_toy + p.pool_toy + p.outside_toy;
    outside_ = p.outside_toy;
    usd0_ = p.agent_usd + p.pool_usd;
  }

  // The step's scalar phases.
  void begin_step(std::int64_t t) { exo_.advance(t, supply_); }
  void signals(std::int64_t, double* s, double*, double*) {
    s[sig_mom] = std::log(pool_.spot() / last_p_);
    s[sig_mkt] = exo_.log_return_24h();
  }
  void begin_decide(std::int64_t) {
    in_ = {};
    mtm_p_ = pool_.spot();
  }
  void clear(std::int64_t) {
    fill_ = {};
    const double D = exo_.demand(supply_ - vault_total_, p0_, pool_.spot());  // outside flow (market.md)
    if (in_.sell > 0) fill_.sell_ratio = pool_.swap_token_in(in_.sell) / in_.sell;
    if (D < 0) {
      const double q = std::min(outside_, -D / pool_.spot());
      outside_ -= q;
      usd_out_ += pool_.swap_token_in(q);
    }
    if (in_.buy > 0) fill_.buy_ratio = pool_.swap_quote_in(in_.buy) / in_.buy;
    if (D > 0) {
      usd_in_ += D;
      outside_ += pool_.swap_quote_in(D);
    }
    // The vault: deposits and withdrawals, then this step's yield, minted (settled per agent
    // by the rebase kernel in the next pass).
    vault_total_ += in_.deposit - in_.withdraw;
    const double minted = p_.yield * vault_total_;
    vault_total_ += minted;
    supply_ += minted;
  }
  bool needs_settled_state(std::int64_t) const { return false; }
  void after_settle(std::int64_t) {}
  void observe(std::int64_t t) {
    framework::require_finite(pool_.spot(), "price", t);
    last_p_ = mtm_p_;
    min_p_ = std::min(min_p_, pool_.spot());
    if (crash_ < 0 && pool_.spot() < p_.crash_level * p0_) crash_ = t;
    mtm_p_ = pool_.spot();
  }
  void check(const framework::Invariants& inv) const {
    double toy = 0, usd = 0, vault = 0;
    for (std::size_t i = 0; i < pop_.size(); ++i) {
      toy += a_.toy[i];
      usd += a_.usd[i];
      vault += a_.vault[i];
      inv.at_least("toy_i", a_.toy[i], 0.0, 1e-9);
    }
    inv.equal("vault: Σ vault_i vs the vault", vault, vault_total_, 1e-9);
    inv.equal("TOY: supply vs the holdings", supply_, toy + vault_total_ + pool_.token_reserve() + outside_, 1e-12);
    inv.equal("USD: agents + pool vs the outside flows", usd + pool_.quote_reserve(), usd0_ + usd_in_ - usd_out_, 1e-12);
  }
  void series(double* out) const {
    out[0] = pool_.spot();
    out[1] = vault_total_;
  }
  void finals(double* out) const { out[0] = min_p_; }
  void events(std::int64_t* first) const { first[0] = crash_; }

  // The per-agent hooks of the fused pass.
  static constexpr int actions(int) { return 2; }
  static constexpr agents::Accrual accrual(int type) {
    return type == saver ? agents::Accrual::after_fills : agents::Accrual::none;
  }
  template <int T, class A>
  void accrue(std::size_t i) {  // the vault's yield: vault_i ← vault_i·(1 + yield)
    if constexpr (T == saver) kernels::detail::rebase_batch<A, false, false>({a_.vault.data()}, i, p_.yield);
  }
  template <int T>
  void accrue_one(std::size_t i) {
    if constexpr (T == saver) kernels::detail::rebase_one({a_.vault.data()}, i, p_.yield);
  }
  static constexpr bool own_terms_in_simd(int) { return true; }
  template <int T, class A>  // own terms and masks for the skip (the same values as own_terms_one)
  void own_terms(std::size_t i, xsimd::batch<double, A>* x, xsimd::batch_bool<double, A>* allowed) {
    using D = xsimd::batch<double, A>;
    const D toy = D::load_aligned(a_.toy.data() + i), usd = D::load_aligned(a_.usd.data() + i);
    const D vault = D::load_aligned(a_.vault.data() + i);
    const D W = (toy + vault) * D(mtm_p_) + usd;
    const D cost = kernels::load_widened<A>(a_.cost.data() + i);
    x[own_pnl] = xsimd::select(cost > D(0.0), W / cost - D(1.0), D(0.0));
    allowed[0] = (T == trader ? usd : toy) > D(0.0);    // buy / deposit
    allowed[1] = (T == trader ? toy : vault) > D(0.0);  // sell / withdraw
  }
  template <int T>
  void own_terms_one(std::size_t i, double* x, bool* allowed) const {
    const double cost = a_.cost[i];
    x[own_pnl] = cost > 0 ? ((a_.toy[i] + a_.vault[i]) * mtm_p_ + a_.usd[i]) / cost - 1.0 : 0.0;
    allowed[0] = (T == trader ? a_.usd[i] : a_.toy[i]) > 0;
    allowed[1] = (T == trader ? a_.toy[i] : a_.vault[i]) > 0;
  }
  template <int T>
  static void prefetch_decision(const Path&, std::size_t, std::size_t) {}
  template <int T>
  void prepare(std::size_t i, bool reentered, agents::Decision& d) {
    own_terms_one<T>(i, d.own, d.allowed);
    if (reentered) {  // agents.md: the cost basis restarts at the current value
      a_.cost[i] = static_cast<float>((a_.toy[i] + a_.vault[i]) * mtm_p_ + a_.usd[i]);
      d.own[own_pnl] = 0;
    }
  }
  template <int T>
  void intent(std::size_t i, int action, double f, const agents::Decision&) {
    if constexpr (T == trader) (action == buy ? in_.buy : in_.sell) += f * (action == buy ? a_.usd[i] : a_.toy[i]);
    else (action == deposit ? in_.deposit : in_.withdraw) += f * (action == deposit ? a_.toy[i] : a_.vault[i]);
  }
  template <int T>
  void settle(std::size_t i, int action, double f) {
    if constexpr (T == trader) {
      if (action == buy) {
        const double u = f * a_.usd[i];
        a_.usd[i] -= u;
        a_.toy[i] += fill_.buy_ratio * u;
      } else {
        const double q = f * a_.toy[i];
        a_.toy[i] -= q;
        a_.usd[i] += fill_.sell_ratio * q;
      }
    } else {
      const double q = f * (action == deposit ? a_.toy[i] : a_.vault[i]);
      (action == deposit ? a_.toy[i] : a_.vault[i]) -= q;
      (action == deposit ? a_.vault[i] : a_.toy[i]) += q;
    }
  }

  Holdings& holdings() { return a_; }
  const Holdings& holdings() const { return a_; }

 private:
  struct Intents {
    double buy = 0, sell = 0, deposit = 0, withdraw = 0;
  };
  struct Fills {
    double buy_ratio = 0, sell_ratio = 0;
  };
  const Params& p_;
  framework::PathContext ctx_;
  agents::Population& pop_;
  Holdings a_;
  market::ConstantProductPool pool_;
  market::ExogenousProcesses exo_;
  Intents in_;
  Fills fill_;
  double p0_ = 1, last_p_ = 1, min_p_ = 1, mtm_p_ = 1;
  double supply_ = 0, outside_ = 0, vault_total_ = 0, usd0_ = 0, usd_in_ = 0, usd_out_ = 0;
  std::int64_t crash_ = -1;
};

// 4. The traits the framework reads.
struct ToyVault {
  static constexpr const char* kName = "toyvault";
  static constexpr const char* kSummary = "worked example: a yield vault and a pool";
  static constexpr int kTypes = toyvault::kTypes;
  using Params = toyvault::Params;
  using Path = toyvault::Path;
  static const agents::BehaviourDecl& behaviour() { return behaviour_decl(); }
  static const framework::OutputDecl& outputs() {
    static const framework::OutputDecl d{{{"price", "USD per TOY"}, {"vault", "TOY in the vault"}},
                                         {{"min_price", "USD per TOY"}},
                                         {{"crash", "price < metrics.toyvault.crash_level × p_0"}},
                                         false};
    return d;
  }
  static void declare(config::Schema& s) {
    const Params d;
    s.real("toyvault.yield", d.yield, config::Bounds::closed(0, 0.01)).unit("per step").doc("vault yield");
    s.real("metrics.toyvault.crash_level", d.crash_level, config::Bounds::open(0, 1)).doc("crash: price below this × p_0");
  }
  static std::int64_t main_period_seconds(const config::Values& v) { return v.duration_s("step"); }
  static Params read(const Scenario& sc, const agents::Behaviour&) {
    Params p;
    p.yield = sc.values->real("toyvault.yield");
    p.crash_level = sc.values->real("metrics.toyvault.crash_level");
    p.market = market::read_market(*sc.values);
    return p;
  }
  static std::size_t bytes_per_agent(const Params&) { return 3 * sizeof(double) + sizeof(float); }
};

}  // namespace toyvault
