// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the parameter-table tests share (tests/params_test.cpp for the stackers,
// tests/action_params_test.cpp for the frame actions): values at and just beyond each range's
// edges, a value as a job file writes it, and the docs' generated sections.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fstack/params.hpp"

namespace fstack::test::params {

// A number as the CLI and TOML read it back: whole numbers in full (1000000, never 1e+06).
inline std::string number(double v) {
    if (v == std::floor(v) && std::abs(v) < 1e15) return std::to_string(static_cast<long long>(v));
    std::ostringstream s;
    s << v;
    return s.str();
}

// Values just inside and just outside a spec's range (ints step by 1; open ends by a hair).
struct Probe {
    double value;
    bool valid;
};
inline std::vector<Probe> probes(const ParamSpec& s) {
    std::vector<Probe> p;
    if (s.kind == ParamKind::Int) {
        const double lo = s.odd && std::fmod(s.min, 2) == 0 ? s.min + 1 : s.min;
        const double hi = s.odd && std::fmod(s.max, 2) == 0 ? s.max - 1 : s.max;
        p = {{lo, true}, {hi, true}, {s.min - 1, false}, {s.max + 1, false}};
        if (s.odd) p.push_back({lo + 1, false});
    } else if (s.kind == ParamKind::Number) {
        const double eps = (s.max - s.min) * 1e-3;
        p = {{s.min_open ? s.min + eps : s.min, true}, {s.max_open ? s.max - eps : s.max, true},
             {s.min_open ? s.min : s.min - eps, false}, {s.max_open ? s.max : s.max + eps, false}};
    }
    return p;
}

// `v` of `p` as a job file writes it: true, "MAP_MAX", 5, 0.4.
inline std::string toml_value(const ParamSpec& p, double v) {
    switch (p.kind) {
    case ParamKind::Bool: return v != 0 ? "true" : "false";
    case ParamKind::Choice: return "\"" + p.choices.at(size_t(v)).seed + "\"";
    case ParamKind::Int: return number(v);
    case ParamKind::Number: {
        std::string s = number(v);
        return s.find_first_of(".e") == std::string::npos ? s + ".0" : s;
    }
    }
    return {};
}

// The text between "<!-- NAME:begin (made by tests/MAKER) -->" and "<!-- NAME:end -->" of
// `file` (relative to the source tree) must be `expected`; FSTACK_UPDATE_DOCS=1 writes it instead.
inline void expect_doc_section(const std::string& file, const std::string& name, const std::string& maker,
                               const std::string& expected) {
    // FSTACK_TEST_DATA is <source>/tests/data.
    const std::filesystem::path path = std::filesystem::path(FSTACK_TEST_DATA).parent_path().parent_path() / file;
    std::ifstream in(path);
    std::stringstream buf;
    buf << in.rdbuf();
    std::string text = buf.str();
    const std::string begin = "<!-- " + name + ":begin (made by tests/" + maker + ".cpp) -->\n";
    const std::string end = "<!-- " + name + ":end -->";
    const size_t a = text.find(begin), b = text.find(end);
    ASSERT_NE(a, std::string::npos) << file << " has no " << begin;
    ASSERT_NE(b, std::string::npos) << file << " has no " << end;
    const std::string current = text.substr(a + begin.size(), b - a - begin.size());
    if (current != expected && std::getenv("FSTACK_UPDATE_DOCS")) {
        text.replace(a + begin.size(), b - a - begin.size(), expected);
        std::ofstream(path) << text;
        return;
    }
    EXPECT_EQ(current, expected) << file << " is stale: run FSTACK_UPDATE_DOCS=1 build/tests/" << maker;
}

}  // namespace fstack::test::params
