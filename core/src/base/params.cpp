// SPDX-License-Identifier: GPL-3.0-or-later
// The parameter specs' checks and their texts, shared by every front end and the docs.
#include "fstack/params.hpp"

#include <cmath>
#include <sstream>

namespace fstack {
namespace {

// Whole numbers in full (a TOML integer, never "1e+06"), others as the stream writes them.
std::string number_text(double v) {
    if (v == std::floor(v) && std::abs(v) < 1e15) return std::to_string(static_cast<long long>(v));
    std::ostringstream s;
    s << v;
    return s.str();
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

std::string ParamSpec::dashed() const {
    std::string d = key;
    for (char& c : d)
        if (c == '_') c = '-';
    return d;
}

std::string ParamSpec::cli_flag() const {
    if (kind == ParamKind::Bool && default_value != 0) return "--no-" + dashed();
    return "--" + dashed();
}

std::string ParamSpec::cli_help() const {
    if (kind == ParamKind::Bool && default_value != 0) return "Turn off: " + help;
    return help;
}

std::string ParamSpec::check_integer(long long v) const {
    if (kind == ParamKind::Number || kind == ParamKind::Int) {
        // The bounds are small whole numbers or fractions: compare in long double, exact for
        // every 64-bit integer, and name the value as given.
        const long double x = static_cast<long double>(v);
        const bool low_ok = min_open ? x > min : x >= min;
        const bool high_ok = max_open ? x < max : x <= max;
        if (!low_ok || !high_ok) return "must be in " + range_text() + ", got " + std::to_string(v);
    }
    return check(static_cast<double>(v));
}

std::string ParamSpec::check(double v) const {
    if (!std::isfinite(v)) {
        std::ostringstream s;
        s << v;
        return "must be a finite number, got " + s.str();
    }
    switch (kind) {
    case ParamKind::Bool:
        return v == 0 || v == 1 ? std::string() : "must be true or false";
    case ParamKind::Choice:
        if (v != std::floor(v) || v < 0 || v >= static_cast<double>(choices.size()))
            return "must be one of " + range_text();
        return {};
    case ParamKind::Int:
        if (v != std::floor(v)) return "must be a whole number, got " + number_text(v);
        break;
    case ParamKind::Number:
        break;
    }
    const bool low_ok = min_open ? v > min : v >= min;
    const bool high_ok = max_open ? v < max : v <= max;
    if (!low_ok || !high_ok) return "must be in " + range_text() + ", got " + number_text(v);
    if (odd && static_cast<long long>(v) % 2 == 0) return "must be odd, got " + number_text(v);
    return {};
}

std::string ParamSpec::range_text() const {
    switch (kind) {
    case ParamKind::Bool:
        return "on|off";
    case ParamKind::Choice: {
        std::string s;
        for (const ParamChoice& c : choices) s += (s.empty() ? "" : "|") + c.id;
        return s;
    }
    default:
        break;
    }
    std::string r;
    if (min_open || max_open)
        r = std::string(min_open ? "(" : "[") + number_text(min) + ", " + number_text(max) + (max_open ? ")" : "]");
    else
        r = number_text(min) + ".." + number_text(max);
    return odd ? "odd, " + r : r;
}

std::string ParamSpec::default_text() const {
    switch (kind) {
    case ParamKind::Bool:
        return default_value != 0 ? "on" : "off";
    case ParamKind::Choice:
        return choices.at(static_cast<size_t>(default_value)).id;
    default:
        return number_text(default_value);
    }
}

int ParamSpec::choice_index(const std::string& name) const {
    for (size_t i = 0; i < choices.size(); ++i)
        if (name == choices[i].seed || lower(name) == lower(choices[i].id)) return static_cast<int>(i);
    return -1;
}

const ParamSpec* find_param(const std::vector<ParamSpec>& specs, const std::string& key) {
    for (const ParamSpec& s : specs)
        if (s.name() == key) return &s;
    return nullptr;
}

}  // namespace fstack
