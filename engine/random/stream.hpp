#pragma once
// Counter-based random streams keyed by what is simulated (engine.md "Paths, randomness,
// determinism"): (seed, path, purpose, step, agent). Philox4x32-10 (Salmon et al., SC'11).
//
// Layout of one Philox call:  key     = {seed lo32, seed hi32}
//                             counter = {(purpose << 24) | block, agent, step, path}
// so no two (seed, path, purpose, step, agent, block) share a counter, and adding draws of a new
// purpose never shifts another's. `block` counts 4-word blocks of one agent in one step
// (up to 2^24 blocks = 2^25 doubles per agent per step).
//
// Uniform doubles take two words (lo, hi) of a block: u = ((hi·2^32 + lo) >> 11 + 0.5)·2^-53,
// strictly inside (0, 1); the k-th double of an agent is block k/2, words 2(k%2), 2(k%2)+1
// (capped at the largest value below 1: see u01_from_words). The decision uniform of the choice
// rule has its own layout (decide_uniform, below).
#include <array>
#include <cstddef>
#include <cstdint>

namespace stampede::rng {

enum class Purpose : std::uint32_t {
  agent_init = 1,  // per-agent holdings and behaviour parameters at path start
  decide = 2,      // the one uniform per agent per step of the choice rule (agents.md)
  market = 3,      // exogenous processes: market factor, OU demand (market.md)
  shocks = 4,      // random shock arrivals
  arrivals = 5,    // order-process arrivals (klima2)
  protocol = 6,    // protocol events (KAI buyback trade K14, ...)
  splitting = 7,   // rare-event splitting: which survivor a killed replica is resampled from
};

using Words = std::array<std::uint32_t, 4>;

// Which simulated history a draw belongs to (framework: streams keyed by what is simulated).
// `branch` is 0 for an ordinary path; a path cloned at a step boundary continues on a new branch
// (rare-event splitting), and a clone continued on its parent's branch reproduces the parent.
struct PathKey {
  std::uint64_t seed = 1;
  std::uint64_t path = 0;
  std::uint64_t branch = 0;
};

// The Philox key of a path key: the seed itself on branch 0 (so ordinary paths draw exactly
// what they always drew), else Philox(seed) of (branch, a tag): a different, unrelated key per
// branch.
std::array<std::uint32_t, 2> philox_key(std::uint64_t seed, std::uint64_t branch) noexcept;

// The bare Philox4x32-10 bijection (10 rounds), checked against Random123's known answers.
Words philox4x32_10(Words counter, std::array<std::uint32_t, 2> key) noexcept;

// The conversion of two words to a uniform double.
// x + 0.5 needs one bit more than the mantissa has, so the top value x = 2^53-1 rounds to
// exactly 1; the min() keeps the promised open interval (only that one value
// changes) so log(1 - u) and U^(-1/alpha) samplers never see u = 1.
inline constexpr double kU01Max = 0x1.fffffffffffffp-1;  // 1 - 2^-53, largest double < 1
inline double u01_from_words(std::uint32_t lo, std::uint32_t hi) noexcept {
  const std::uint64_t x = ((static_cast<std::uint64_t>(hi) << 32) | lo) >> 11;
  const double u = (static_cast<double>(x) + 0.5) * 0x1.0p-53;
  return u < kU01Max ? u : kU01Max;
}

// All draws of one (seed, path, purpose, step), addressed by agent and index.
class Stream {
 public:
  Stream(std::uint64_t seed, std::uint64_t path, Purpose purpose, std::uint64_t step) noexcept;
  Stream(const PathKey& key, Purpose purpose, std::uint64_t step) noexcept;

  Words block(std::uint32_t agent, std::uint32_t block) const noexcept;
  double uniform(std::uint32_t agent, std::uint32_t k = 0) const noexcept;       // k-th double

  std::array<std::uint32_t, 2> key() const noexcept { return key_; }
  std::uint32_t purpose_word() const noexcept { return purpose_word_; }  // purpose << 24
  std::uint32_t step_word() const noexcept { return step_; }
  std::uint32_t path_word() const noexcept { return path_; }

 private:
  std::array<std::uint32_t, 2> key_;
  std::uint32_t purpose_word_;
  std::uint32_t step_;
  std::uint32_t path_;
};

// A sequence of draws for scalar code that needs a variable number of them (market processes,
// rejection samplers): the draws of (seed, path, purpose, step, agent = `lane`) in order.
class Sequence {
 public:
  Sequence(std::uint64_t seed, std::uint64_t path, Purpose purpose, std::uint64_t step,
           std::uint32_t lane = 0) noexcept;
  Sequence(const PathKey& key, Purpose purpose, std::uint64_t step, std::uint32_t lane = 0) noexcept;
  std::uint32_t next_u32() noexcept;
  double uniform() noexcept;  // (0, 1), two words as above
  double normal() noexcept;   // standard normal (Box-Muller on two uniforms; caches the pair)

 private:
  Stream stream_;
  std::uint32_t lane_;
  std::uint32_t block_ = 0;
  Words words_{};
  int used_ = 4;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

// The decision uniform of the choice rule (agents.md: one uniform per agent per step), laid out
// so one 16-instance Philox batch serves 64 consecutive agents with no shuffling: agent i uses
//   counter = {purpose<<24, 16·(i / 64) + i % 16, step, path},  word (i % 64) / 16,
//   u = (word + 0.5)·2^-32, strictly inside (0, 1), exact in a double.
// Scalar reference; the fused agent pass draws the same values with decide_uniform_group.
double decide_uniform(const Stream& decide_stream, std::uint32_t agent) noexcept;
inline double u01_from_word32(std::uint32_t w) noexcept { return (static_cast<double>(w) + 0.5) * 0x1.0p-32; }

}  // namespace stampede::rng
