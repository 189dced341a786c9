#pragma once
// KSN periods and windows in steps (ksn.md §4): every period, window and bond.vesting must be a
// whole number of steps dt ("config error naming both"); the policy window a whole number of
// rebases. The derived counts size the rings once per path.
#include <cstdint>
#include <vector>

#include "engine/core/errors.hpp"
#include "engine/protocols/ksn/params.hpp"

namespace stampede::ksn {

struct KsnSchedule {
  std::int64_t dt = 3600;               // seconds per step
  std::int64_t rebase_steps = 12;       // rebase.period/dt
  std::int64_t potp_update_steps = 24;  // potp.update_period/dt
  std::int64_t claim_steps = 24;        // bond.claim_period/dt
  std::int64_t vesting_steps = 120;     // bond.vesting/dt (debt ring slots)
  std::int64_t window_steps = 168;      // policy.window/dt (KS6 returns)
  std::int64_t window_rebases = 14;     // policy.window/rebase.period (g_TVL lag)
  std::int64_t bank_run_steps = 72;     // metrics.ksn.bank_run.window/dt
  std::int64_t below_backing_steps = 24;

  // Events of period p steps run at the end of step t when (t + 1)·dt is a multiple of p·dt.
  static bool due(std::int64_t step, std::int64_t period_steps) { return (step + 1) % period_steps == 0; }
};

// The problems of the timing keys (empty when all divide exactly).
std::vector<Diagnostic> check_schedule(const KsnParams& params, std::int64_t dt_seconds);
// The step counts; throws InputError with every problem of check_schedule.
KsnSchedule make_schedule(const KsnParams& params, std::int64_t dt_seconds);

}  // namespace stampede::ksn
