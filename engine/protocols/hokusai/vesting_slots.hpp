#pragma once
// One agent's vesting slots (hokusai.md H6, H9, H17): linear vesting with a cliff, claimed
// automatically each step, a fixed number of slots per agent with a merge when all are used.
// Times are seconds from t0 (the path may store cliff and duration compactly).
namespace stampede::hokusai {

struct VestingTerms {       // hokusai.reward_vesting.* (or team_vesting.*)
  double immediate = 0.10;  // share of a grant paid liquid at once
  double cliff = 0;         // seconds after the start before anything is released
  double duration = 365 * 86400.0;
};

struct Slot {
  double amount = 0, released = 0, start = 0;  // A_k, rel_k, s_k
  double cliff = 0, duration = 0;              // c_k, D_k
  bool used() const { return amount > 0.0; }
};

// H17's A·g(t): 0 before s + c, else A·clamp((t − s)/D, 0, 1) (all of A when D ≤ 0).
double released_at(const Slot& slot, double t);

// H17 over a step ending at t1: Δ = A·g(t1) − rel (never negative); rel += Δ; returns Δ (the
// caller adds it to the agent's tokens and takes it from V). A fully released slot is freed
// (reset to Slot{}). A free slot releases 0.
double release(Slot& slot, double t1);

struct Grant {
  double liquid = 0;    // immediate·reward, to the agent's tokens
  double vesting = 0;   // reward − liquid, into the vault (V += vesting)
  bool merged = false;  // no free slot: merged into the slot with the latest end (vesting_merges)
};

// H6 split and H17 placement of a reward granted at t: the vesting part goes to the first free slot
// (start t, the terms' cliff and duration); with none free it merges into the slot with the latest
// end s_k + D_k (the first such): A = A_k − rel_k + new, rel = 0, s = t,
// D = max(s_k + D_k − t, duration), c = cliff. With n_slots < 1 the whole reward is liquid.
Grant grant(Slot* slots, int n_slots, double reward, double t, const VestingTerms& terms);

struct EarlyWithdrawal {
  double paid = 0;    // (1 − penalty)·Σ rem, to the agent's tokens
  double burned = 0;  // penalty·Σ rem; V −= paid + burned
};

// H9 on every used slot: rem = A − rel; pays rem − penalty·rem, burns penalty·rem; frees the slots.
EarlyWithdrawal withdraw_early(Slot* slots, int n_slots, double penalty);

}  // namespace stampede::hokusai
