#pragma once
// The frozen, validated scenario of one run: the engine-level keys as typed fields, and the
// resolved values of every key (protocol sections included) for the protocol's own reader.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "engine/config/values.hpp"

namespace stampede {

struct Scenario {
  std::string file;         // as given on the command line
  std::string name;         // `scenario`
  std::string protocol;     // `protocol`
  std::uint64_t seed = 1;
  std::int64_t paths = 100;
  std::int64_t horizon_seconds = 0;
  std::int64_t step_seconds = 0;
  std::int64_t n_steps = 0;
  std::int64_t record_every_seconds = 0;  // resolved: the protocol's main period when not given
  std::int64_t store_paths = 16;
  std::int64_t agents = 0;
  std::optional<double> ci_half_width;  // stop.ci_half_width: a precision target when set
  std::int64_t stop_batch = 100, stop_max_paths = 100000;
  // method.splitting.*: replicas 0 = plain Monte Carlo.
  std::int64_t splitting_replicas = 0, splitting_kill = 1, splitting_runs = 20;
  std::string splitting_event;
  std::shared_ptr<const config::Values> values;  // every key, defaults filled in
  std::string resolved_yaml;                      // values->to_yaml()
  std::string config_sha256;                      // of resolved_yaml
};

}  // namespace stampede
