#pragma once
// Small builders shared by the KAI tests.
#include "engine/market/pool.hpp"
#include "engine/protocols/kai/params.hpp"
#include "engine/protocols/kai/state.hpp"

namespace kai_test {

// The KUSDT-KAI pool with x KAI and y KUSDT at the default fee (L = sqrt(x·y), fees at 0).
inline stampede::market::ConstantProductPool make_pool(double x, double y) {
  return stampede::market::ConstantProductPool(x, y, stampede::kai::KaiParams{}.pool.fee);
}

// A state with supply S, treasury A, bKAI B and Σst staked; pool 3e6/3e6 (L = 3e6).
inline stampede::kai::KaiState make_state(double S, double A = 0.0, double B = 0.0, double staked = 1000.0) {
  stampede::kai::KaiState s;
  s.S = S;
  s.A = A;
  s.B = B;
  s.staked = staked;
  s.pool = make_pool(3e6, 3e6);
  return s;
}

// Relative tolerance for results the spec calls "exact up to double rounding" (kai.md §10).
inline constexpr double kExact = 1e-12;

}  // namespace kai_test
