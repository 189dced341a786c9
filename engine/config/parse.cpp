// From text to one YAML mapping, refusing what is not a scenario: binary data, syntax errors
// (located by yaml-cpp's mark), an empty file, several documents, a top level that is not keys.
#include <cstdio>

#include "engine/config/detail.hpp"

namespace stampede::config::detail {

// The first byte that cannot be in a YAML text file: NUL, a control character other than
// tab/newline/CR, or a malformed UTF-8 sequence. npos if none.
static std::size_t first_binary_byte(const std::string& t) {
  std::size_t i = 0;
  while (i < t.size()) {
    const auto c = static_cast<unsigned char>(t[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return i;
      if (c == 0x7f) return i;
      ++i;
      continue;
    }
    std::size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
    if (len == 0 || i + len > t.size()) return i;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(t[i + k]) & 0xc0) != 0x80) return i;
    i += len;
  }
  return std::string::npos;
}

static Location position(const std::string& t, std::size_t at, const std::string& source) {
  int line = 1, col = 1;
  for (std::size_t i = 0; i < at; ++i) {
    if (t[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {source, line, col};
}

std::optional<YAML::Node> parse_document(const std::string& text, const std::string& source, Sink& sink) {
  // A UTF-8 byte order mark is text; skip it.
  const std::size_t bom = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  if (const auto b = first_binary_byte(text); b != std::string::npos) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(text[b]));
    sink.error(position(text, b, source), "",
               std::string("not a YAML text file (binary byte ") + hex + "); expected a scenario in YAML");
    return std::nullopt;
  }
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text.substr(bom));
  } catch (const YAML::Exception& e) {
    const int line = e.mark.line >= 0 ? e.mark.line + 1 : 0;
    const int col = e.mark.column >= 0 ? e.mark.column + 1 : 0;
    sink.error(Location{source, line, col}, "", "YAML syntax error: " + e.msg);
    return std::nullopt;
  }
  if (docs.empty() || (docs.size() == 1 && docs[0].IsNull())) {
    sink.error(Location{source, 1, 1}, "", "empty configuration; expected a mapping of keys (scenario, protocol, ...)");
    return std::nullopt;
  }
  if (docs.size() > 1) {
    sink.error(Origin{source}.at(docs[1], Location{source, 0, 0}), "",
               "several YAML documents; a scenario file holds exactly one");
    return std::nullopt;
  }
  if (!docs[0].IsMap()) {
    sink.error(Origin{source}.at(docs[0], Location{source, 1, 1}), "",
               "the top level must be a mapping of keys (scenario, protocol, ...), got " + describe_node(docs[0]));
    return std::nullopt;
  }
  return docs[0];
}

}  // namespace stampede::config::detail
