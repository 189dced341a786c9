#pragma once
// Loading a scenario against a schema: parse, validate every key, apply `--set key.path=value`
// overrides (validated the same way, located as "--set"), fill defaults, run cross-key checks.
// Every problem of the input is reported in one InputError (exit status 2), each as
// `file:line:column: key.path: message` (engine.md "Configuration").
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "engine/config/schema.hpp"
#include "engine/config/values.hpp"

namespace stampede::config {

Values load(const std::string& file, const std::vector<std::string>& overrides, const Schema& schema);
Values load_text(const std::string& yaml_text, std::string source_name, const std::vector<std::string>& overrides,
                 const Schema& schema);

// An override written in the scenario file itself (a sweep point's `set:`): applied after the
// `--set` ones, checked the same way, and located where it was written.
struct NodeOverride {
  std::string key;
  YAML::Node value;
  Location at;
};

struct LoadOptions {
  // Leave unknown top-level sections (mappings) unreported (used while the protocol is unknown, so its
  // section does not drown the real error).
  bool ignore_unknown_sections = false;
  // Leave the top-level `sweep:` and `sensitivity:` blocks to their parsers (sweep_spec.hpp,
  // sensitivity_spec.hpp).
  bool skip_sweep = true;
  std::vector<NodeOverride> point_overrides;
};
Values load_text(const std::string& yaml_text, std::string source_name, const std::vector<std::string>& overrides,
                 const Schema& schema, const LoadOptions& options);

// The text of a file, or InputError naming it ("cannot read configs/x.yaml: No such file").
std::string read_file(const std::string& file);

}  // namespace stampede::config
