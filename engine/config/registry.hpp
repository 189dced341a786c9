#pragma once
// Protocols and their keys. A scenario's `protocol:` picks which protocol's keys join the common
// ones (common_schema.hpp); the same composed schema validates, fills defaults and is listed.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/load.hpp"
#include "engine/config/schema.hpp"
#include "engine/config/values.hpp"

namespace stampede::config {

// Wiring a protocol (e.g. in engine/protocols/kai):
//   registry.add("kai", [](Schema& s) {
//     s.duration("kai.round", "1h", "step").doc("round period");
//     s.real("kai.expansion_threshold", 0.995, Bounds::open_closed(0, 2)).doc("...");  // kai.md §3
//     s.param("market.demand.mean_per_circ").set_default(4.5e-4);                     // kai.md §7
//     s.param("market.shocks").field("kind").choices = {"crash", "demand", "whale_exit", "liquidity_drain"};
//     s.check([](const Values& v, Reporter& r) { ... r.error("kai.initial.board_staked", "..."); });
//   }, "hourly seigniorage stabilisation");
class Registry {
 public:
  // Adds the protocol's keys (its section, agents.*, metrics.<name>.*) to a schema that already
  // holds the common keys; it may also change common defaults and restrict shock kinds.
  using AddKeys = std::function<void(Schema&)>;
  void add(std::string protocol, AddKeys add_keys, std::string doc = "");

  std::vector<std::string> names() const;  // in registration order
  bool has(std::string_view protocol) const;
  const std::string& doc(std::string_view protocol) const;
  Schema common() const;                             // the common keys only
  Schema schema_for(std::string_view protocol) const;  // common + protocol (std::logic_error if unknown)

 private:
  struct Entry {
    std::string name;
    AddKeys add_keys;
    std::string doc;
  };
  std::vector<Entry> entries_;
};

// Reads `protocol` (a --set override wins), then validates the whole scenario against common +
// that protocol's keys. An unknown or missing protocol is an error with a did-you-mean; the common
// keys are still checked so all errors come at once.
// `options.point_overrides` (a sweep point's) apply after `overrides`.
Values load(const std::string& file, const std::vector<std::string>& overrides, const Registry& registry,
            const LoadOptions& options = {});
Values load_text(const std::string& yaml_text, std::string source_name, const std::vector<std::string>& overrides,
                 const Registry& registry, const LoadOptions& options = {});

// `stampede list`: the common keys, then each protocol's own keys and the common defaults it
// changes; each with its default, allowed range, unit and doc, generated from the schema.
std::string describe(const Registry& registry);

}  // namespace stampede::config
