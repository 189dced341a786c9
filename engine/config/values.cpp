#include "engine/config/values.hpp"

#include <stdexcept>

namespace stampede::config {

Values::Values(std::shared_ptr<const Schema> schema, std::string source)
    : schema_(std::move(schema)), source_(std::move(source)) {
  const auto& ps = schema_->params();
  entries_.resize(ps.size());
  for (std::size_t i = 0; i < ps.size(); ++i) {
    entries_[i].value = ps[i]->default_value();
    index_.emplace(ps[i]->path(), i);
  }
}

Values::Entry& Values::entry(std::string_view path) {
  return const_cast<Entry&>(static_cast<const Values&>(*this).entry(path));
}

const Values::Entry& Values::entry(std::string_view path) const {
  const auto it = index_.find(path);
  if (it == index_.end()) throw std::logic_error("config: no key " + std::string(path) + " in the schema");
  return entries_[it->second];
}

const Value& Values::get(std::string_view path, Kind k1, Kind k2) const {
  const auto it = index_.find(path);
  if (it == index_.end()) throw std::logic_error("config: no key " + std::string(path) + " in the schema");
  const Param& p = *schema_->params()[it->second];
  if (p.kind() != k1 && p.kind() != k2)
    throw std::logic_error("config: " + p.path() + " is a " + to_string(p.kind()) + ", read as " + to_string(k1));
  const Entry& e = entries_[it->second];
  if (e.failed) throw detail::InvalidKey{p.path()};
  return e.value;
}

double Values::real(std::string_view path) const {
  const Value& v = get(path, Kind::real, Kind::real);
  if (const auto* x = std::get_if<double>(&v)) return *x;
  throw std::logic_error("config: " + std::string(path) + " is null; read it with optional_real");
}
std::int64_t Values::integer(std::string_view path) const {
  return std::get<std::int64_t>(get(path, Kind::integer, Kind::integer));
}
std::uint64_t Values::uint64(std::string_view path) const {
  return static_cast<std::uint64_t>(integer(path));  // full_uint64 keys hold the bit pattern
}
bool Values::boolean(std::string_view path) const { return std::get<bool>(get(path, Kind::boolean, Kind::boolean)); }
const std::string& Values::text(std::string_view path) const {
  return std::get<std::string>(get(path, Kind::text, Kind::choice));
}
std::int64_t Values::duration_s(std::string_view path) const {
  const Value& v = get(path, Kind::duration, Kind::duration);
  return std::holds_alternative<std::int64_t>(v) ? std::get<std::int64_t>(v) : 0;
}
std::optional<double> Values::optional_real(std::string_view path) const {
  const Value& v = get(path, Kind::real, Kind::real);
  if (const auto* x = std::get_if<double>(&v)) return *x;
  return std::nullopt;
}
bool Values::is_set(std::string_view path) const {
  return !std::holds_alternative<std::monostate>(entry(path).value);
}
const Distribution& Values::distribution(std::string_view path) const {
  return std::get<Distribution>(get(path, Kind::distribution, Kind::distribution));
}
const Table& Values::table(std::string_view path) const {
  return std::get<Table>(get(path, Kind::table, Kind::table));
}
const std::vector<Record>& Values::records(std::string_view path) const {
  return std::get<std::vector<Record>>(get(path, Kind::records, Kind::records));
}

bool Values::given(std::string_view path) const { return entry(path).given; }

Location Values::where(std::string_view path) const {
  const Entry& e = entry(path);
  if (e.given) return e.key_loc;
  // Not written: the nearest enclosing mapping that was, else the top of the file.
  std::string_view p = path;
  for (auto dot = p.rfind('.'); dot != std::string_view::npos; dot = p.rfind('.')) {
    p = p.substr(0, dot);
    const auto it = sections_.find(p);
    if (it != sections_.end()) return it->second;
  }
  return Location{source_, 1, 1};
}

static bool same_value(const Value& a, const Value& b) {
  if (a.index() != b.index()) return false;
  if (const auto* da = std::get_if<Distribution>(&a)) return same_distribution(*da, std::get<Distribution>(b));
  return std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Distribution>) return false;  // handled above
        else return x == std::get<T>(b);
      },
      a);
}

bool Values::same_as(const Values& o) const {
  const auto& pa = schema_->params();
  const auto& pb = o.schema_->params();
  if (pa.size() != pb.size()) return false;
  for (std::size_t i = 0; i < pa.size(); ++i)
    if (pa[i]->path() != pb[i]->path() || !same_value(entries_[i].value, o.entries_[i].value)) return false;
  return true;
}

}  // namespace stampede::config
