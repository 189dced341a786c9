#pragma once
// A protocol as the engine sees it: its name, its config keys (declared into the schema the
// validator and `stampede list` share) and a factory for its Model.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/driver/model.hpp"
#include "engine/driver/scenario.hpp"

namespace stampede {

namespace config {
class Schema;
class Registry;
}  // namespace config

struct ModelOptions {
  bool check = false;  // verify conservation invariants every step (`stampede run --check`)
};

struct Protocol {
  std::string name;
  std::string summary;                                  // one line for `stampede list`
  std::function<void(config::Schema&)> declare;         // adds the protocol's keys
  std::function<std::int64_t(const config::Values&)> main_period_seconds;  // default record_every
  std::function<std::unique_ptr<Model>(const Scenario&, const ModelOptions&)> build;
};

class ProtocolRegistry {
 public:
  void add(Protocol p) { protocols_.push_back(std::move(p)); }
  const Protocol* find(std::string_view name) const {
    for (const auto& p : protocols_)
      if (p.name == name) return &p;
    return nullptr;
  }
  const std::vector<Protocol>& all() const { return protocols_; }
  config::Registry config_registry() const;  // the schemas, for the loader and `list`

 private:
  std::vector<Protocol> protocols_;
};

}  // namespace stampede
