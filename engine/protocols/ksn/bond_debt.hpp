#pragma once
// Bond debt D with its vintage ring (ksn.md KS17–KS18) and the per-position linear vesting of
// KS19–KS20. Debt is in KSN: the outstanding, linearly decaying bond payouts.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace stampede::ksn {

// KS18: D(t) = Σ_j payout_j·max(0, 1 − (t − t_j)/T_v), t_j = start of the purchase step.
// Exactly linear per vintage (Olympus v1.1 decays D·Δt/T_v, a proxy). One slot per step of
// the vesting period: a vintage bought in step k decays on steps k … k + n − 1 (n = T_v/dt),
// so the slot it occupies is free again when step k + n begins.
class BondDebt {
 public:
  BondDebt() = default;
  // n = T_v/dt steps (the caller checks T_v is a multiple of dt).
  explicit BondDebt(std::int64_t vesting_steps);

  // KS17: payouts of the current step (may be called several times in one step).
  void deposit(double payout);
  // KS18, after the step's deposits: D −= dt·Σ_{live j} payout_j/T_v; then the step advances.
  void end_step();

  double debt() const { return debt_; }
  std::int64_t vesting_steps() const { return n_; }
  // KS18 evaluated directly from the ring (invariant 7; equals debt() to rounding).
  double recomputed() const;

 private:
  std::int64_t n_ = 1;
  std::vector<double> vintage_;     // payout by purchase step, slot = step mod n
  std::vector<std::int64_t> left_;  // decay steps left per slot (0 = empty or expired)
  std::size_t slot_ = 0;            // slot of the current step
  double debt_ = 0.0;
};

// KS19 on one position, once per step: v = bond_rem·min(1, dt/bond_left) (all if bond_left ≤ 0);
// bond_rem −= v; bond_claim += v; bond_left ← max(0, bond_left − dt). Returns v. With no
// rebase in between, vested after τ = payout·min(1, τ/T_v) exactly (invariant 7).
inline double vest_bond(double& bond_rem, double& bond_claim, double& bond_left, double dt) {
  const double v = bond_left <= 0.0 || dt >= bond_left ? bond_rem : bond_rem * (dt / bond_left);
  bond_rem -= v;
  bond_claim += v;
  bond_left = bond_left - dt > 0.0 ? bond_left - dt : 0.0;
  return v;
}

// KS20 on one position, on a claim step: vested KSN moves to liquid. Returns the amount.
inline double claim_bond(double& liquid, double& bond_claim) {
  const double c = bond_claim;
  liquid += c;
  bond_claim = 0.0;
  return c;
}

}  // namespace stampede::ksn
