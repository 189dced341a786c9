#include "engine/config/value.hpp"

#include <stdexcept>

namespace stampede::config {

const FieldValue* Record::find(std::string_view field) const {
  for (const auto& [name, v] : fields_)
    if (name == field && !std::holds_alternative<std::monostate>(v)) return &v;
  return nullptr;
}

template <class T>
static const T& get_field(const FieldValue* v, std::string_view field, const char* want) {
  if (!v) throw std::logic_error("config record: field '" + std::string(field) + "' is not set");
  if (const T* p = std::get_if<T>(v)) return *p;
  throw std::logic_error("config record: field '" + std::string(field) + "' is not " + want);
}

double Record::real(std::string_view f) const { return get_field<double>(find(f), f, "a real"); }
std::int64_t Record::integer(std::string_view f) const {
  return get_field<std::int64_t>(find(f), f, "an integer or duration");
}
bool Record::boolean(std::string_view f) const { return get_field<bool>(find(f), f, "a boolean"); }
const std::string& Record::text(std::string_view f) const {
  return get_field<std::string>(find(f), f, "text");
}

Location Record::where(std::string_view field) const {
  for (std::size_t i = 0; i < fields_.size(); ++i)
    if (fields_[i].first == field && (locs_[i].line > 0 || !locs_[i].file.empty())) return locs_[i];  // file or --set
  return at_;
}

void Record::set(std::string field, FieldValue v, Location loc) {
  for (std::size_t i = 0; i < fields_.size(); ++i)
    if (fields_[i].first == field) {
      fields_[i].second = std::move(v);
      locs_[i] = std::move(loc);
      return;
    }
  fields_.emplace_back(std::move(field), std::move(v));
  locs_.push_back(std::move(loc));
}

bool same_distribution(const Distribution& a, const Distribution& b) {
  return a.kind == b.kind && a.a == b.a && a.b == b.b && a.min == b.min && a.max == b.max;
}

}  // namespace stampede::config
