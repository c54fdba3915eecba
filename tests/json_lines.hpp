// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Reads a JSON Lines file (fstack's --report) back with nlohmann-json, for the report tests.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fstack::test {

// Every line of `file`, parsed; a line that is not one JSON object, or a last line without its
// newline (half written), fails the test.
inline std::vector<nlohmann::json> read_json_lines(const std::filesystem::path& file) {
    std::ifstream in(file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_TRUE(text.empty() || text.back() == '\n') << file << ": the last line is not complete";
    std::vector<nlohmann::json> lines;
    std::istringstream split(text);
    for (std::string line; std::getline(split, line);) {
        try {
            lines.push_back(nlohmann::json::parse(line));
            EXPECT_TRUE(lines.back().is_object()) << line;
        } catch (const nlohmann::json::parse_error& e) {
            ADD_FAILURE() << file << ": not JSON: " << line << ": " << e.what();
        }
    }
    return lines;
}

}  // namespace fstack::test
