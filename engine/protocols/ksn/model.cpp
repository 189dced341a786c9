#include "engine/protocols/ksn/model.hpp"

#include "engine/core/errors.hpp"
#include "engine/protocols/ksn/config.hpp"
#include "engine/protocols/ksn/path.hpp"
#include "engine/protocols/ksn/schedule.hpp"

namespace stampede::ksn {
namespace {

class KsnModel final : public Model {
 public:
  KsnModel(const Scenario& sc, const ModelOptions& opt) {
    cfg_.scenario = read_ksn(*sc.values);
    cfg_.seed = sc.seed;
    cfg_.agents = sc.agents;
    cfg_.dt_seconds = sc.step_seconds;
    cfg_.check = opt.check;
    (void)make_schedule(cfg_.scenario.params, cfg_.dt_seconds);  // §4: periods must be whole steps
    for (int k = 0; k < kNumSeries; ++k) {
      schema_.series.emplace_back(kSeriesNames[k]);
      schema_.finals.emplace_back(kSeriesNames[k]);
    }
    schema_.finals.insert(schema_.finals.end(), {"apy_realised", "premium_min", "runway_rebases_min"});
    for (int e = 0; e < kNumEvents; ++e) schema_.events.emplace_back(kEventNames[e]);
    // Bytes per agent: 73 B of ksn.md §2 plus h, ρ, d_req, a bias per action slot and the
    // non-constant fraction columns (109 B at the defaults).
    int frac_cols = 0;
    for (const auto& tb : cfg_.scenario.behaviour.types) {
      int c = 0;
      for (const auto& a : tb.actions) c += a.fraction.is_constant() ? 0 : 1;
      frac_cols = std::max(frac_cols, c);
    }
    bytes_per_agent_ = KsnAgents::bytes_for(std::min(frac_cols, kFracColumns));
  }
  const OutputSchema& schema() const override { return schema_; }
  std::int64_t agents_per_path() const override { return cfg_.agents; }
  std::size_t bytes_per_agent() const override { return bytes_per_agent_; }
  std::unique_ptr<PathSimulation> start_path(std::uint64_t path) const override {
    return std::make_unique<KsnPath>(cfg_, path);
  }

 private:
  KsnRunConfig cfg_;
  OutputSchema schema_;
  std::size_t bytes_per_agent_ = 0;
};

}  // namespace

Protocol protocol() {
  Protocol p;
  p.name = "ksn";
  p.summary = "KSN treasury token: PoTP-weighted 12h rebase from the DCP, discount bonds, policy-set rate";
  p.declare = declare_ksn;
  p.main_period_seconds = [](const config::Values& v) { return v.duration_s("ksn.rebase.period"); };
  p.build = [](const Scenario& s, const ModelOptions& o) -> std::unique_ptr<Model> {
    return std::make_unique<KsnModel>(s, o);
  };
  return p;
}

}  // namespace stampede::ksn
