#include "engine/protocols/ksn/schedule.hpp"

#include <string>

#include "engine/core/duration.hpp"

namespace stampede::ksn {

namespace {

void require_multiple(std::vector<Diagnostic>& out, const char* key, std::int64_t value, const char* unit_key,
                      std::int64_t unit) {
  if (unit > 0 && value > 0 && value % unit == 0) return;
  Diagnostic d;
  d.key = key;
  d.message = "must be a positive multiple of " + std::string(unit_key) + " (" + format_duration(unit) +
              "), got " + (value > 0 ? format_duration(value) : std::to_string(value) + "s");
  out.push_back(std::move(d));
}

}  // namespace

std::vector<Diagnostic> check_schedule(const KsnParams& p, std::int64_t dt) {
  std::vector<Diagnostic> out;
  require_multiple(out, "ksn.rebase.period", p.rebase.period, "dt", dt);
  require_multiple(out, "ksn.potp.update_period", p.potp.update_period, "dt", dt);
  require_multiple(out, "ksn.bond.vesting", p.bond.vesting, "dt", dt);
  require_multiple(out, "ksn.bond.claim_period", p.bond.claim_period, "dt", dt);
  require_multiple(out, "ksn.policy.window", p.policy.window, "ksn.rebase.period", p.rebase.period);
  require_multiple(out, "metrics.ksn.bank_run.window", p.metrics.bank_run_window, "dt", dt);
  require_multiple(out, "metrics.ksn.below_backing.duration", p.metrics.below_backing_duration, "dt", dt);
  if (p.dcp.penalty_period < dt) {
    Diagnostic d;
    d.key = "ksn.dcp.penalty_period";
    d.message = "must be at least dt (" + format_duration(dt) + ")";
    out.push_back(std::move(d));
  }
  return out;
}

KsnSchedule make_schedule(const KsnParams& p, std::int64_t dt) {
  if (std::vector<Diagnostic> problems = check_schedule(p, dt); !problems.empty())
    throw InputError(std::move(problems));
  KsnSchedule s;
  s.dt = dt;
  s.rebase_steps = p.rebase.period / dt;
  s.potp_update_steps = p.potp.update_period / dt;
  s.claim_steps = p.bond.claim_period / dt;
  s.vesting_steps = p.bond.vesting / dt;
  s.window_steps = p.policy.window / dt;
  s.window_rebases = p.policy.window / p.rebase.period;
  s.bank_run_steps = p.metrics.bank_run_window / dt;
  s.below_backing_steps = p.metrics.below_backing_duration / dt;
  return s;
}

}  // namespace stampede::ksn
