#include "engine/core/errors.hpp"

namespace stampede {

std::string Diagnostic::str() const {
  std::string s;
  if (!file.empty()) {
    s += file;
    if (line > 0) {
      s += ':' + std::to_string(line);
      if (column > 0) s += ':' + std::to_string(column);
    }
    s += ": ";
  }
  if (!key.empty()) s += key + ": ";
  s += message;
  return s;
}

static std::string join_diagnostics(const std::vector<Diagnostic>& d) {
  std::string s;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (i) s += '\n';
    s += d[i].str();
  }
  return s;
}

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_diagnostics(diagnostics)), diagnostics_(std::move(diagnostics)) {}

InputError::InputError(const std::string& message)
    : std::runtime_error(message), diagnostics_{Diagnostic{"", 0, 0, "", message}} {}

}  // namespace stampede
