// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// One typed parameter table per operation (DESIGN.md, "One table per operation"). Each stacker
// and action declares its parameters once, beside its options struct; the job-file reader, the
// CLI options, the GIMP arguments and dialogs and the docs' option tables are made from it, and
// the constructor's check() is the one validation. Defaults are read from the options struct
// itself, so they are never written twice.
#include <functional>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include "fstack/error.hpp"

namespace fstack {

enum class ParamKind { Int, Number, Bool, Choice };

struct ParamChoice {
    std::string seed;   // job-file value, the seed's name: "MAP_MAX"
    std::string id;     // CLI value and GIMP 3 id: "max"
    std::string label;  // GIMP dialog label: "Max"
};

struct ParamSpec {
    std::string key;         // the seed's snake_case name: the job-file key, "gen_kernel"
    std::string gimp_label;  // dialog label with a mnemonic, "_Generating kernel"
    std::string help;        // one sentence: CLI help, PDB blurb, tooltip, docs
    ParamKind kind = ParamKind::Int;
    double min = 0, max = 0;               // the range (Int, Number); closed unless *_open
    bool min_open = false, max_open = false;
    bool odd = false;                      // Int: odd values only
    std::vector<ParamChoice> choices = {}; // Choice: the value is the index
    double default_value = 0;              // read from the options struct by the table
    // The sub-table the key sits in ("feature_config" for AlignFrames' feature_config.detector);
    // empty for a top-level key. Set by ParamTable::member_of.
    std::string section{};
    // A second, top-level job-file name for the key (the seed's example spells BalanceFrames'
    // intensity_interval.min as i_min); empty if none. It wins over the sectioned key.
    std::string alias{};

    // "feature_config.detector": the section and the key, the name of its ParamValues entry
    // and of its errors; the key alone when there is no section.
    std::string name() const { return section.empty() ? key : section + "." + key; }

    // "gen-kernel": the key with dashes (GIMP's argument name, the CLI flag's stem).
    std::string dashed() const;
    // "--gen-kernel"; a Bool that is on by default is offered as "--no-cross-scale".
    std::string cli_flag() const;
    // The help of cli_flag(): a "--no-..." flag says that it turns the feature off.
    std::string cli_help() const;
    // "" when `v` is acceptable, else why not ("must be odd, got 4"; "must be a finite number,
    // got nan").
    std::string check(double v) const;
    // The same for a whole number as the file or command line gave it, 64-bit, compared and
    // named exactly ("must be in 1..99, got 9223372036854775807"), never narrowed first.
    std::string check_integer(long long v) const;
    // "1..99", "(0, 0.5)", "odd, 1..31", "max|average", "on|off".
    std::string range_text() const;
    // The default as the CLI and the docs write it: "5", "0.4", "max", "on".
    std::string default_text() const;
    // Index of the choice whose seed name or id is `name` (case-insensitive for ids), or -1.
    int choice_index(const std::string& name) const;
};

// Values by key; a Choice holds its index, a Bool 0 or 1. A key that is absent keeps its default.
using ParamValues = std::map<std::string, double>;

// The table of one options struct: the specs and, for each, how to read and set the member.
template <class Options>
class ParamTable {
public:
    struct Entry {
        ParamSpec spec;
        std::function<double(const Options&)> get;
        std::function<void(Options&, double)> set;
    };

    // One entry per member; the member's type gives the kind unless the spec has choices.
    template <class T>
    static Entry member(T Options::*m, ParamSpec spec) {
        return entry<T>(std::move(spec), [m](const Options& o) -> const T& { return o.*m; },
                        [m](Options& o) -> T& { return o.*m; });
    }

    // A member `m` of the member `s` (AlignFramesOptions::feature_config.detector), in the
    // sub-table `section` of the job file.
    template <class S, class T>
    static Entry member_of(S Options::*s, T S::*m, std::string section, ParamSpec spec) {
        spec.section = std::move(section);
        return entry<T>(std::move(spec), [s, m](const Options& o) -> const T& { return o.*s.*m; },
                        [s, m](Options& o) -> T& { return o.*s.*m; });
    }

    explicit ParamTable(std::vector<Entry> entries) : entries_(std::move(entries)) {
        const Options defaults{};
        for (Entry& e : entries_) {
            e.spec.default_value = e.get(defaults);
            specs_.push_back(e.spec);
        }
    }

    const std::vector<ParamSpec>& specs() const { return specs_; }

    // The options with `values` applied over the defaults (not checked: the constructor does).
    Options options(const ParamValues& values) const {
        Options o{};
        for (const Entry& e : entries_) {
            auto it = values.find(e.spec.name());
            if (it != values.end()) e.set(o, it->second);
        }
        return o;
    }

    ParamValues values(const Options& o) const {
        ParamValues v;
        for (const Entry& e : entries_) v[e.spec.name()] = e.get(o);
        return v;
    }

    // The constructor's validation: throws Error(Usage) "kernel_size must be odd, got 4"
    // ("matching_config.threshold must be in (0, 1], got 2" for a key in a section).
    void check(const Options& o) const {
        for (const Entry& e : entries_) {
            const std::string why = e.spec.check(e.get(o));
            if (!why.empty()) throw Error(ErrorKind::Usage, e.spec.name() + " " + why);
        }
    }

private:
    template <class T, class Get, class Ref>
    static Entry entry(ParamSpec spec, Get get, Ref ref) {
        if constexpr (std::is_same_v<T, bool>) spec.kind = ParamKind::Bool;
        else if constexpr (std::is_enum_v<T>) spec.kind = ParamKind::Choice;
        else if constexpr (std::is_integral_v<T>) spec.kind = ParamKind::Int;
        else spec.kind = ParamKind::Number;
        return Entry{std::move(spec), [get](const Options& o) { return static_cast<double>(get(o)); },
                     [ref](Options& o, double v) {
                         if constexpr (std::is_same_v<T, bool>) ref(o) = v != 0;
                         else if constexpr (std::is_enum_v<T>) ref(o) = static_cast<T>(static_cast<int>(v));
                         else ref(o) = static_cast<T>(v);
                     }};
    }

    std::vector<Entry> entries_;
    std::vector<ParamSpec> specs_;
};

// The spec named `key` in `specs` (its name(): "feature_config.detector" for a key in a
// section), or nullptr.
const ParamSpec* find_param(const std::vector<ParamSpec>& specs, const std::string& key);

// The entry of a registry (stackers, frame actions) that answers to `name`, as the entry's
// named_as(entry, name) says (its seed name, a stacker also by its id); nullptr when none.
template <class Info>
const Info* find_named(const std::vector<Info>& registry, const std::string& name) {
    for (const Info& i : registry)
        if (named_as(i, name)) return &i;
    return nullptr;
}

// The same, or Error(Usage) listing the registry's seed names.
template <class Info>
const Info& named(const std::vector<Info>& registry, const std::string& name, const std::string& what) {
    if (const Info* i = find_named(registry, name)) return *i;
    std::string known;
    for (const Info& i : registry) known += (known.empty() ? "" : ", ") + i.seed_name;
    throw Error(ErrorKind::Usage, "unknown " + what + " '" + name + "' (known: " + known + ")");
}

}  // namespace fstack
