#pragma once
// Small builders shared by the KAI tests.
#include "engine/protocols/kai/params.hpp"
#include "engine/protocols/kai/state.hpp"

namespace kai_test {

// A state with supply S, treasury A, bKAI B and Σst staked; pool 3e6/3e6.
inline stampede::kai::KaiState make_state(double S, double A = 0.0, double B = 0.0, double staked = 1000.0) {
  stampede::kai::KaiState s;
  s.S = S;
  s.A = A;
  s.B = B;
  s.staked = staked;
  s.x = 3e6;
  s.y = 3e6;
  s.L = 3e6;
  return s;
}

// Relative tolerance for results the spec calls "exact up to double rounding" (kai.md §10).
inline constexpr double kExact = 1e-12;

}  // namespace kai_test
