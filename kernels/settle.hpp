#pragma once
// Generic fill application (agents.md settle): agent i chose action a_i (0 = hold) with intent
// amount_i; the protocol cleared action a at fill fraction fill_a and rate rate_a (a price or a
// conversion), so
//   moved_i = fill_a·amount_i;  src_a[i] −= moved_i;  dst_a[i] += rate_a·moved_i.
// Protocols with extra bookkeeping (cost basis, timers) write their own fused settle; this is the
// plain form. Most agents hold on most steps, so the SIMD form scans the action codes a batch of
// bytes at a time and applies the scalar rule only where some agent acted: the arithmetic is the
// scalar reference's, hence bitwise equal, and a calm step reads 1 byte per agent.
#include <array>
#include <cstddef>
#include <cstdint>

#include <xsimd/xsimd.hpp>

namespace stampede::kernels {

inline constexpr std::size_t kMaxActions = 8;  // action codes 1..7; code 0 is hold

struct SettleAction {
  double* src = nullptr;   // column paid from (nullptr: outside the agent's state)
  double* dst = nullptr;   // column credited (nullptr: outside the agent's state)
  double fill = 0.0;       // filled fraction of the intents, in [0, 1]
  double rate = 1.0;       // units of dst per unit of src
};

// Indexed by action code. Entry 0 is never used. Codes ≥ kMaxActions are a caller bug; they are
// treated as hold rather than read out of bounds.
struct SettleTable {
  std::array<SettleAction, kMaxActions> action{};
};

struct SettleColumns {
  const std::uint8_t* action;   // chosen action per agent
  const double* amount;         // intent amount per agent (units of the action's src)
};

namespace detail {
inline void settle_one(const SettleColumns& c, const SettleTable& t, std::size_t i) {
  const std::uint8_t a = c.action[i];
  if (a == 0 || a >= kMaxActions) return;
  const SettleAction& act = t.action[a];
  const double moved = act.fill * c.amount[i];
  if (act.src) act.src[i] -= moved;
  if (act.dst) act.dst[i] += act.rate * moved;
}
}  // namespace detail

inline void settle_reference(const SettleColumns& c, const SettleTable& t, std::size_t begin, std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) detail::settle_one(c, t, i);
}

template <class A>
void settle_simd(const SettleColumns& c, const SettleTable& t, std::size_t begin, std::size_t end) {
  using Codes = xsimd::batch<std::uint8_t, A>;
  constexpr std::size_t W = Codes::size;
  std::size_t i = begin;
  for (; i + W <= end; i += W) {
    if (xsimd::any(Codes::load_unaligned(c.action + i) != Codes(0))) {
      for (std::size_t k = i; k < i + W; ++k) detail::settle_one(c, t, k);
    }
  }
  for (; i < end; ++i) detail::settle_one(c, t, i);
}

// Agents [begin, end).
void settle(const SettleColumns& c, const SettleTable& t, std::size_t begin, std::size_t end);

}  // namespace stampede::kernels
