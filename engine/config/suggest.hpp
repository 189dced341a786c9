#pragma once
// "did you mean ...?" for misspelt keys and choices: the closest candidate by edit distance.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::config {

// Optimal-string-alignment distance (insert, delete, substitute, swap adjacent): "pahts" ~ "paths" = 1.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate if close enough to be a likely typo (distance <= max(2, |word|/3);
// 1 for words of up to 3 letters).
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace stampede::config
