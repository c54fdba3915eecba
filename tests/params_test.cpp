// SPDX-License-Identifier: GPL-3.0-or-later
// The stackers' parameter tables against every front end made from them: the CLI's options
// (the same code as the executable's), the job-file reader and the docs' option tables. (The GIMP
// argument lists are checked the same way by tests/gimp/params_test.cpp.) Each range is probed
// at its edges and just outside them, so a front end that drifts from its table fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "fstack/error.hpp"
#include "fstack/job_file.hpp"
#include "fstack/stacker_registry.hpp"
#include "param_probes.hpp"
#include "stacker_options.hpp"
#include "test_util.hpp"

namespace {

using namespace fstack;
namespace fs = std::filesystem;
using namespace fstack::test::params;

// ---- the CLI ---------------------------------------------------------------------------

// Parses `args` after "fstack" with the stacker options only; "" or the error's text.
std::string parse_cli(std::vector<std::string> args) {
    CLI::App app("t");
    cli::StackerOptions o;
    cli::add_stacker_options(app, o);
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
        app.parse(reversed);
        cli::check_stacker_options(o);
    } catch (const CLI::ParseError& e) {
        return std::string("parse: ") + e.what();
    } catch (const Error& e) {
        return std::string("usage: ") + e.what();
    }
    return {};
}

const CLI::Option* cli_option(const CLI::App& app, const std::string& flag) {
    for (const CLI::Option* o : app.get_options())
        for (const std::string& n : o->get_lnames())
            if ("--" + n == flag) return o;
    return nullptr;
}

TEST(ParamTables, EveryStackerHasATableAndAFactory) {
    ASSERT_EQ(stacker_registry().size(), 3u);
    for (const StackerInfo& s : stacker_registry()) {
        ASSERT_NE(s.params, nullptr) << s.seed_name;
        EXPECT_FALSE(s.params->empty()) << s.seed_name;
        EXPECT_EQ(s.make({})->name(), s.id) << s.seed_name;
        EXPECT_EQ(&stacker_info(s.seed_name), &s);
        EXPECT_EQ(&stacker_info(s.id), &s);
        // The defaults pass the table's own check.
        for (const ParamSpec& p : *s.params) EXPECT_EQ(p.check(p.default_value), "") << p.key;
    }
    EXPECT_THROW(stacker_info("NoSuchStack"), Error);
}

TEST(ParamTables, CliOffersEveryTableRangeDefaultAndChoice) {
    CLI::App app("t");
    cli::StackerOptions o;
    cli::add_stacker_options(app, o);
    for (const StackerInfo& s : stacker_registry()) {
        for (const ParamSpec& p : *s.params) {
            const CLI::Option* opt = cli_option(app, p.cli_flag());
            ASSERT_NE(opt, nullptr) << p.cli_flag();
            // The help shows the default (for a shared option, each stacker's).
            if (p.kind != ParamKind::Bool) {
                const std::string shown = opt->get_default_str() + opt->get_description();
                EXPECT_NE(shown.find(p.default_text()), std::string::npos) << p.cli_flag() << ": " << shown;
            }
            const std::vector<std::string> pick = {"--stacker", s.id};
            const auto with = [&](std::vector<std::string> extra) {
                std::vector<std::string> a = pick;
                a.insert(a.end(), extra.begin(), extra.end());
                return parse_cli(a);
            };
            for (const Probe& pr : probes(p)) {
                const std::string r = with({p.cli_flag(), number(pr.value)});
                EXPECT_EQ(r.empty(), pr.valid) << s.id << " " << p.cli_flag() << " " << pr.value << ": " << r;
            }
            if (p.kind == ParamKind::Choice) {
                for (size_t i = 0; i < p.choices.size(); ++i) {
                    EXPECT_EQ(with({p.cli_flag(), p.choices[i].id}), "") << p.choices[i].id;
                    cli::StackerOptions got;
                    CLI::App a2("t");
                    cli::add_stacker_options(a2, got);
                    std::vector<std::string> args = {p.choices[i].id, p.cli_flag(), s.id, "--stacker"};
                    a2.parse(args);
                    cli::check_stacker_options(got);
                    EXPECT_EQ(got.value(p.key), double(i));
                }
                EXPECT_NE(with({p.cli_flag(), "no-such-choice"}), "");
            }
            if (p.kind == ParamKind::Bool) {
                cli::StackerOptions got;
                CLI::App a2("t");
                cli::add_stacker_options(a2, got);
                std::vector<std::string> args = {p.cli_flag(), s.id, "--stacker"};
                a2.parse(args);
                cli::check_stacker_options(got);
                EXPECT_EQ(got.value(p.key), p.default_value != 0 ? 0.0 : 1.0) << p.cli_flag();
            }
            // Every other stacker refuses it, unless it has a parameter of that flag too.
            for (const StackerInfo& other : stacker_registry()) {
                if (find_param(*other.params, p.key)) continue;
                std::vector<std::string> a = {"--stacker", other.id, p.cli_flag()};
                if (p.kind != ParamKind::Bool) a.push_back(p.kind == ParamKind::Choice ? p.choices[0].id : number(p.default_value));
                EXPECT_NE(parse_cli(a).find("does not apply"), std::string::npos) << other.id << " " << p.cli_flag();
            }
        }
    }
    // And the CLI has no stacker option that no table declares.
    int stacker_flags = 0;
    for (const CLI::Option* opt : app.get_options()) {
        const std::string g = opt->get_group();
        if (g.find("stacker") == std::string::npos || opt->get_lnames().empty() || opt->get_lnames()[0] == "stacker") continue;
        ++stacker_flags;
        bool declared = false;
        for (const StackerInfo& s : stacker_registry())
            for (const ParamSpec& p : *s.params) declared |= p.cli_flag() == "--" + opt->get_lnames()[0];
        EXPECT_TRUE(declared) << opt->get_lnames()[0];
    }
    EXPECT_EQ(stacker_flags, 12);
}

// ---- job files --------------------------------------------------------------------------

// Loads a job whose one FocusStack has the stacker table `stacker`; "" or the error's text.
std::string load_job(const std::string& stacker) {
    test::TempDir dir;
    fs::create_directories(dir / "src");
    std::ofstream(dir / "job.toml") << "[job]\nname = \"t\"\nworking_path = \".\"\ninput_path = \"src\"\n"
                                       "[[action]]\ntype = \"FocusStack\"\nname = \"out\"\nstacker = { "
                                    << stacker << " }\n";
    try {
        load_job_file(dir / "job.toml");
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

TEST(ParamTables, JobFilesReadEveryTableKeyWithItsRange) {
    for (const StackerInfo& s : stacker_registry()) {
        const std::string type = "type = \"" + s.seed_name + "\"";
        EXPECT_EQ(load_job(type), "") << s.seed_name;
        // All keys at their defaults, written out: the documented table.
        std::string all = type;
        for (const ParamSpec& p : *s.params) all += ", " + p.key + " = " + toml_value(p, p.default_value);
        EXPECT_EQ(load_job(all), "") << all;
        for (const ParamSpec& p : *s.params) {
            for (const Probe& pr : probes(p)) {
                const std::string r = load_job(type + ", " + p.key + " = " + toml_value(p, pr.value));
                EXPECT_EQ(r.empty(), pr.valid) << s.seed_name << "." << p.key << " = " << pr.value << ": " << r;
                if (!pr.valid) EXPECT_NE(r.find(p.key), std::string::npos) << r;
            }
            for (const ParamChoice& c : p.choices)
                EXPECT_EQ(load_job(type + ", " + p.key + " = \"" + c.seed + "\""), "") << c.seed;
            if (p.kind == ParamKind::Choice)
                EXPECT_NE(load_job(type + ", " + p.key + " = \"NOPE\"").find(p.choices[0].seed), std::string::npos);
        }
    }
    // A key of another stacker is refused, by name.
    EXPECT_NE(load_job("type = \"FocusStacker\", gen_kernel = 0.3").find("gen_kernel"), std::string::npos);
}

// ---- the docs ---------------------------------------------------------------------------

// The README's stacker-option table, as the tables make it.
std::string readme_table() {
    std::ostringstream t;
    t << "| option | stacker | default | range | meaning |\n|---|---|---|---|---|\n";
    std::string ids;
    for (const StackerInfo& s : stacker_registry()) ids += (ids.empty() ? "" : "\\|") + s.id;
    t << "| `--stacker " << ids << "` | | `" << stacker_registry().front().id << "` | | fusion method |\n";
    std::vector<std::string> done;
    for (const StackerInfo& s : stacker_registry()) {
        for (const ParamSpec& p : *s.params) {
            if (std::find(done.begin(), done.end(), p.cli_flag()) != done.end()) continue;
            done.push_back(p.cli_flag());
            std::vector<std::pair<const StackerInfo*, const ParamSpec*>> users;
            for (const StackerInfo& u : stacker_registry())
                if (const ParamSpec* q = find_param(*u.params, p.key)) users.push_back({&u, q});
            std::string ids, defaults, ranges, help;
            for (const auto& [u, q] : users) {
                const std::string pre = users.size() > 1 ? u->id + ": " : "";
                const auto add = [](std::string& to, const std::string& sep, const std::string& what) {
                    to += (to.empty() ? "" : sep) + what;
                };
                add(ids, ", ", u->id);
                // A Bool is a flag that turns its default over: say what is on without it.
                const bool flag = q->kind == ParamKind::Bool;
                add(defaults, ", ", pre + (flag ? "`" + q->key + "` " + q->default_text() : q->default_text()));
                add(ranges, "; ", pre + (flag ? std::string("flag") : q->range_text()));
                add(help, "; ", pre + q->cli_help());
            }
            std::string range = ranges;
            for (size_t i = 0; (i = range.find('|', i)) != std::string::npos; i += 2) range.replace(i, 1, "\\|");
            t << "| `" << p.cli_flag() << "` | " << ids << " | " << defaults << " | " << range << " | " << help
              << " |\n";
        }
    }
    return t.str();
}

// docs/job-files.md's table of stacker keys.
std::string job_file_table() {
    std::ostringstream t;
    t << "| `type` | key | default | range | meaning |\n|---|---|---|---|---|\n";
    for (const StackerInfo& s : stacker_registry()) {
        for (const ParamSpec& p : *s.params) {
            std::string range = p.range_text();
            if (p.kind == ParamKind::Bool) range = "true\\|false";
            if (p.kind == ParamKind::Choice) {
                range.clear();
                for (const ParamChoice& c : p.choices) range += (range.empty() ? "" : "\\|") + ("`\"" + c.seed + "\"`");
            }
            t << "| `" << s.seed_name << "` | `" << p.key << "` | `" << toml_value(p, p.default_value) << "` | "
              << range << " | " << p.help << " |\n";
        }
    }
    return t.str();
}

TEST(ParamTables, DocsTablesAreTheTables) {
    expect_doc_section("README.md", "stacker-options", "params_test", readme_table());
    expect_doc_section("docs/job-files.md", "stacker-keys", "params_test", job_file_table());
}

}  // namespace
