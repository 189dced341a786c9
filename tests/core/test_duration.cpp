#include <doctest/doctest.h>

#include "engine/core/duration.hpp"
#include "engine/core/errors.hpp"

using namespace stampede;

TEST_CASE("durations parse to whole seconds") {
  CHECK(parse_duration("30s") == 30);
  CHECK(parse_duration("15m") == 900);
  CHECK(parse_duration("1h") == 3600);
  CHECK(parse_duration("12h") == 43200);
  CHECK(parse_duration("1d") == 86400);
  CHECK(parse_duration("90d") == 90 * 86400);
  CHECK(parse_duration("1.5h") == 5400);
  CHECK(parse_duration("1w") == 7 * 86400);
  CHECK_FALSE(parse_duration("h").has_value());
  CHECK_FALSE(parse_duration("1").has_value());
  CHECK_FALSE(parse_duration("-1h").has_value());
  CHECK_FALSE(parse_duration("1x").has_value());
  CHECK_FALSE(parse_duration("0.3s").has_value());
  CHECK_FALSE(parse_duration("1e9d").has_value());
  CHECK_FALSE(parse_duration("").has_value());
}

TEST_CASE("durations format exactly") {
  CHECK(format_duration(3600) == "1h");
  CHECK(format_duration(5400) == "90m");
  CHECK(format_duration(90 * 86400) == "90d");
  CHECK(format_duration(45) == "45s");
  for (std::int64_t s : {1, 59, 60, 3599, 3600, 86399, 86400, 1234567})
    CHECK(parse_duration(format_duration(s)) == s);
}

TEST_CASE("diagnostics name file, line, column and key") {
  Diagnostic d{"configs/kai.yaml", 14, 7, "kai.expansion_threshold", "must be in (0, 2], got 5"};
  CHECK(d.str() == "configs/kai.yaml:14:7: kai.expansion_threshold: must be in (0, 2], got 5");
  InputError e({d, Diagnostic{"f.yaml", 2, 0, "", "bad"}});
  CHECK(e.diagnostics().size() == 2);
  CHECK(std::string(e.what()).find("f.yaml:2: bad") != std::string::npos);
}
