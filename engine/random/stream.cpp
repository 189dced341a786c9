// Scalar Philox streams (stream.hpp; engine.md "Paths, randomness,
// determinism").
#include "engine/random/stream.hpp"

#include <cassert>
#include <cmath>
#include <numbers>

#include "engine/random/philox.hpp"

namespace stampede::rng {

Words philox4x32_10(Words counter, std::array<std::uint32_t, 2> key) noexcept {
  return philox::philox4x32_10(counter, key);
}

std::array<std::uint32_t, 2> philox_key(std::uint64_t seed, std::uint64_t branch) noexcept {
  const std::array<std::uint32_t, 2> base{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
  if (branch == 0) return base;
  constexpr std::uint32_t kBranchTag = 0x6272616eu;  // "bran"
  const Words w = philox::philox4x32_10(
      Words{static_cast<std::uint32_t>(branch), static_cast<std::uint32_t>(branch >> 32), kBranchTag, 0u}, base);
  return {w[0], w[1]};
}

Stream::Stream(std::uint64_t seed, std::uint64_t path, Purpose purpose, std::uint64_t step) noexcept
    : Stream(PathKey{seed, path, 0}, purpose, step) {}

Stream::Stream(const PathKey& key, Purpose purpose, std::uint64_t step) noexcept
    : key_{philox_key(key.seed, key.branch)},
      purpose_word_{static_cast<std::uint32_t>(purpose) << 24},
      step_{static_cast<std::uint32_t>(step)},
      path_{static_cast<std::uint32_t>(key.path)} {}

double decide_uniform(const Stream& s, std::uint32_t agent) noexcept {
  const std::uint32_t instance = 16u * (agent / 64u) + agent % 16u;
  return u01_from_word32(s.block(instance, 0)[(agent % 64u) / 16u]);
}

Words Stream::block(std::uint32_t agent, std::uint32_t block) const noexcept {
  assert(block < (1u << 24) && "block index overflows into the purpose byte");
  return philox::philox4x32_10(Words{purpose_word_ | block, agent, step_, path_}, key_);
}

double Stream::uniform(std::uint32_t agent, std::uint32_t k) const noexcept {
  const Words w = block(agent, k >> 1);
  const unsigned i = 2 * (k & 1u);
  return u01_from_words(w[i], w[i + 1]);
}

Sequence::Sequence(std::uint64_t seed, std::uint64_t path, Purpose purpose, std::uint64_t step,
                   std::uint32_t lane) noexcept
    : stream_(seed, path, purpose, step), lane_(lane) {}

Sequence::Sequence(const PathKey& key, Purpose purpose, std::uint64_t step, std::uint32_t lane) noexcept
    : stream_(key, purpose, step), lane_(lane) {}

std::uint32_t Sequence::next_u32() noexcept {
  if (used_ == 4) {
    words_ = stream_.block(lane_, block_++);
    used_ = 0;
  }
  return words_[used_++];
}

// Two consecutive words (lo, hi): from a fresh Sequence the k-th call equals Stream::uniform(lane, k).
double Sequence::uniform() noexcept {
  const std::uint32_t lo = next_u32();
  const std::uint32_t hi = next_u32();
  return u01_from_words(lo, hi);
}

// Box-Muller: z0 = r cos(2πu2), z1 = r sin(2πu2), r = sqrt(-2 ln u1); z1 is kept for the next call.
double Sequence::normal() noexcept {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  const double u1 = uniform();
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * std::numbers::pi * u2;
  spare_ = r * std::sin(theta);
  has_spare_ = true;
  return r * std::cos(theta);
}

}  // namespace stampede::rng
