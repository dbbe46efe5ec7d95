#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace osbuild {

std::string join(const std::vector<std::string>& parts, std::string_view separator);
std::vector<std::string> split(std::string_view text, char separator);
std::string_view trim(std::string_view text);
std::string to_lower(std::string_view text);

// Levenshtein distance, for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `name`, if it is close enough to be a plausible typo.
std::optional<std::string> nearest_match(std::string_view name,
                                         const std::vector<std::string>& candidates);
// ", did you mean 'x'?" or the empty string.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace osbuild
