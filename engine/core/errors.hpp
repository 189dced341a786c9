#pragma once
// Error kinds and their exit statuses (engine.md "Command line"): bad input -> 2, runtime -> 1.
#include <stdexcept>
#include <string>
#include <vector>

namespace stampede {

// One problem in a user input, located as precisely as the input allows:
// "configs/kai.yaml:14:7: kai.expansion_threshold: must be in (0, 2], got 5".
struct Diagnostic {
  std::string file;     // path as the user gave it ("" when the input is not a file)
  int line = 0;         // 1-based; 0 = unknown
  int column = 0;       // 1-based; 0 = unknown
  std::string key;      // dotted key path ("" when not about one key)
  std::string message;  // what is wrong and, where possible, what would be right

  std::string str() const;
};

// Bad input of any kind: config, command-line arguments, unreadable or foreign files.
// Carries every problem found, not only the first. Exit status 2.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  explicit InputError(const std::string& message);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// Failure while running (NaN in state, broken invariant, I/O error). Exit status 1.
class RuntimeFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;
inline constexpr int kExitBadInput = 2;

}  // namespace stampede
