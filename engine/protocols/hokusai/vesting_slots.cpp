#include "engine/protocols/hokusai/vesting_slots.hpp"

#include "kernels/accrue_vesting_schedule.hpp"

#include <algorithm>

namespace stampede::hokusai {

double released_at(const Slot& slot, double t) {  // H17, the kernel's arithmetic
  return kernels::detail::scheduled(slot.amount, slot.start, slot.cliff, slot.duration, t);
}

double release(Slot& slot, double t1) {  // H17
  if (!slot.used()) return 0.0;
  const double due = released_at(slot, t1);
  if (due >= slot.amount) {
    const double rest = std::max(0.0, slot.amount - slot.released);
    slot = Slot{};
    return rest;
  }
  const double delta = std::max(0.0, due - slot.released);
  slot.released += delta;
  return delta;
}

Grant grant(Slot* slots, int n_slots, double reward, double t, const VestingTerms& terms) {  // H6, H17
  Grant g;
  if (!(reward > 0.0)) return g;
  if (n_slots < 1) {
    g.liquid = reward;
    return g;
  }
  g.liquid = terms.immediate * reward;
  g.vesting = reward - g.liquid;
  if (!(g.vesting > 0.0)) return g;
  Slot* target = nullptr;
  for (int k = 0; k < n_slots && !target; ++k)
    if (!slots[k].used()) target = &slots[k];
  if (target) {
    *target = Slot{g.vesting, 0.0, t, terms.cliff, terms.duration};
    return g;
  }
  target = &slots[0];
  for (int k = 1; k < n_slots; ++k)
    if (slots[k].start + slots[k].duration > target->start + target->duration) target = &slots[k];
  const double remaining = std::max(0.0, target->amount - target->released);
  const double end = target->start + target->duration;
  *target = Slot{remaining + g.vesting, 0.0, t, terms.cliff, std::max(end - t, terms.duration)};
  g.merged = true;
  return g;
}

EarlyWithdrawal withdraw_early(Slot* slots, int n_slots, double penalty) {  // H9
  EarlyWithdrawal w;
  for (int k = 0; k < n_slots; ++k) {
    if (!slots[k].used()) continue;
    const double remaining = std::max(0.0, slots[k].amount - slots[k].released);
    const double burned = penalty * remaining;
    w.burned += burned;
    w.paid += remaining - burned;
    slots[k] = Slot{};
  }
  return w;
}

}  // namespace stampede::hokusai
