#include "engine/config/registry.hpp"

#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "engine/config/common_schema.hpp"
#include "engine/config/load.hpp"

namespace stampede::config {

void Registry::add(std::string protocol, AddKeys add_keys, std::string doc) {
  if (has(protocol)) throw std::logic_error("config registry: protocol " + protocol + " registered twice");
  entries_.push_back(Entry{std::move(protocol), std::move(add_keys), std::move(doc)});
}

std::vector<std::string> Registry::names() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) out.push_back(e.name);
  return out;
}

bool Registry::has(std::string_view protocol) const {
  for (const auto& e : entries_)
    if (e.name == protocol) return true;
  return false;
}

const std::string& Registry::doc(std::string_view protocol) const {
  for (const auto& e : entries_)
    if (e.name == protocol) return e.doc;
  throw std::logic_error("config registry: no protocol " + std::string(protocol));
}

Schema Registry::common() const {
  Schema s;
  add_common_keys(s, names());
  return s;
}

Schema Registry::schema_for(std::string_view protocol) const {
  Schema s = common();
  for (const auto& e : entries_)
    if (e.name == protocol) {
      e.add_keys(s);
      return s;
    }
  throw std::logic_error("config registry: no protocol " + std::string(protocol));
}

// The protocol a scenario names: the last --set protocol=..., else the file's top-level key.
static std::string protocol_of(const std::string& text, const std::vector<std::string>& overrides) {
  for (auto it = overrides.rbegin(); it != overrides.rend(); ++it) {
    const auto eq = it->find('=');
    if (eq == std::string::npos) continue;
    std::string key = it->substr(0, eq);
    key.erase(0, key.find_first_not_of(" \t"));
    key.erase(key.find_last_not_of(" \t") + 1);
    if (key != "protocol") continue;
    try {
      const YAML::Node n = YAML::Load(it->substr(eq + 1));
      return n.IsScalar() ? n.Scalar() : "";
    } catch (const YAML::Exception&) {
      return "";
    }
  }
  try {
    const YAML::Node root = YAML::Load(text);
    if (root.IsMap() && root["protocol"].IsScalar()) return root["protocol"].Scalar();
  } catch (const YAML::Exception&) {
  }
  return "";
}

Values load_text(const std::string& text, std::string source, const std::vector<std::string>& overrides,
                 const Registry& registry, const LoadOptions& options) {
  const std::string protocol = protocol_of(text, overrides);
  if (registry.has(protocol))
    return load_text(text, std::move(source), overrides, registry.schema_for(protocol), options);
  // Unknown or missing protocol: this throws (protocol is a required choice among the registered
  // names) with every error of the common keys; the protocol's own section is not judged.
  LoadOptions common_only;
  common_only.ignore_unknown_sections = true;
  return load_text(text, std::move(source), overrides, registry.common(), common_only);
}

Values load(const std::string& file, const std::vector<std::string>& overrides, const Registry& registry,
            const LoadOptions& options) {
  return load_text(read_file(file), file, overrides, registry, options);
}

}  // namespace stampede::config
