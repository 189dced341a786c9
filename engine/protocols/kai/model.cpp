#include "engine/protocols/kai/model.hpp"

#include "engine/core/errors.hpp"
#include "engine/protocols/kai/config.hpp"
#include "engine/protocols/kai/path.hpp"

namespace stampede::kai {
namespace {

class KaiModel final : public Model {
 public:
  KaiModel(const Scenario& sc, const ModelOptions& opt) {
    cfg_.scenario = read_kai(*sc.values);
    cfg_.seed = sc.seed;
    cfg_.agents = sc.agents;
    cfg_.dt_seconds = sc.step_seconds;
    cfg_.check = opt.check;
    cfg_.wealth = sc.values->distribution("agents.init.wealth");
    const auto& in = cfg_.scenario.params.initial;
    const auto& mix = cfg_.scenario.behaviour.mix;
    const auto where = [&](const char* key) { return sc.values->where(key); };
    auto refuse = [&](const char* key, const std::string& msg) {
      const auto w = where(key);
      throw InputError({Diagnostic{w.file, w.line, w.column, key, msg}});
    };
    if (in.bkai_supply > 0 && mix[bond_buyer] * static_cast<double>(sc.agents) < 1.0)
      refuse("kai.initial.bkai_supply", "initial bKAI needs bond_buyer agents to hold it (agents.mix.bond_buyer is 0)");
    schema_.finals = {"min_twap", "hours_below_099", "depeg_first_round", "max_debt_ratio", "final_debt_ratio",
                      "kai_minted_total", "kai_burned_total", "bb_kusdt_final"};
    schema_.events = {"depeg", "bank_run_boardroom", "bank_run_liquidity", "bank_run", "debt_cap_hit", "treasury_short"};
    schema_.series = {"twap", "price", "kai_supply", "circulation", "treasury_kai", "bkai_supply", "debt_ratio",
                      "board_staked", "issuance", "buyback_mint", "bb_kai", "bb_kusdt", "pool_kai", "pool_kusdt",
                      "earn_rate", "phase"};
    // Bytes per agent: ten doubles, the timer word, h, ρ, a bias per action slot and the
    // non-constant fraction columns (kai.md §6: 112 B at the defaults).
    int frac_cols = 0;
    for (const auto& tb : cfg_.scenario.behaviour.types) {
      int c = 0;
      for (const auto& a : tb.actions) c += a.fraction.is_constant() ? 0 : 1;
      frac_cols = std::max(frac_cols, c);
    }
    bytes_per_agent_ = KaiAgents::token_bytes + (2 + kMaxActions + static_cast<std::size_t>(frac_cols)) * sizeof(float);
  }
  const OutputSchema& schema() const override { return schema_; }
  std::int64_t agents_per_path() const override { return cfg_.agents; }
  std::size_t bytes_per_agent() const override { return bytes_per_agent_; }
  std::unique_ptr<PathSimulation> start_path(std::uint64_t path) const override {
    return std::make_unique<KaiPath>(cfg_, path);
  }

 private:
  KaiRunConfig cfg_;
  OutputSchema schema_;
  std::size_t bytes_per_agent_ = 0;
};

}  // namespace

Protocol protocol() {
  Protocol p;
  p.name = "kai";
  p.summary = "KAI algorithmic stablecoin: hourly TWAP rounds, expansion/contraction, bKAI, boardroom, buyback fund";
  p.declare = declare_kai;
  p.main_period_seconds = [](const config::Values& v) { return v.duration_s("kai.round"); };
  p.build = [](const Scenario& s, const ModelOptions& o) -> std::unique_ptr<Model> {
    return std::make_unique<KaiModel>(s, o);
  };
  return p;
}

}  // namespace stampede::kai
