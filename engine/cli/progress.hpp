#pragma once
// Progress bar on stderr (only when stderr is a terminal): paths done/total, agent-steps/s, ETA.
#include <cstdio>

#include "engine/driver/driver.hpp"

namespace stampede {

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled) {}
  bool enabled() const { return enabled_; }
  void update(const Progress& p) {
    if (!enabled_ || p.paths_total <= 0) return;
    const double f = static_cast<double>(p.paths_done) / static_cast<double>(p.paths_total);
    const int width = 30, filled = static_cast<int>(f * width);
    char bar[width + 1];
    for (int i = 0; i < width; ++i) bar[i] = i < filled ? '#' : '.';
    bar[width] = 0;
    const double eta = p.paths_done > 0 ? p.elapsed_seconds * (1.0 / f - 1.0) : 0.0;
    std::fprintf(stderr, "\r[%s] %lld/%lld paths  %.3g agent-steps/s  ETA %.0fs   ", bar,
                 static_cast<long long>(p.paths_done), static_cast<long long>(p.paths_total),
                 p.agent_steps_per_second, eta);
    std::fflush(stderr);
    shown_ = true;
  }
  void finish() {
    if (shown_) std::fprintf(stderr, "\n");
  }

 private:
  bool enabled_;
  bool shown_ = false;
};

}  // namespace stampede
