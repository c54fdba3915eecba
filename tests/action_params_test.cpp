// SPDX-License-Identifier: GPL-3.0-or-later
// The frame actions' parameter tables (frame_action_registry.hpp) against the job-file reader
// and the docs: every key is probed at its range edges and just outside them, every choice by its
// seed name, and the table of the actions' keys in docs/job-files.md is made from the tables (as
// tests/params_test.cpp does for the stackers).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "fstack/error.hpp"
#include "fstack/frame_action_registry.hpp"
#include "fstack/job_file.hpp"
#include "param_probes.hpp"
#include "test_util.hpp"

namespace {

using namespace fstack;
namespace fs = std::filesystem;
using namespace fstack::test::params;

// One frame action's keys: "key = value" by section ("" for the action's own table).
using Keys = std::map<std::string, std::vector<std::string>>;

Keys with(Keys keys, const std::string& section, const std::string& assignment) {
    keys[section].push_back(assignment);
    return keys;
}
Keys with(const ParamSpec& p, const std::string& value, Keys keys = {}) {
    return with(std::move(keys), p.section, p.key + " = " + value);
}

// The keys that a choice needs besides itself, for the rules between keys the tables cannot
// express (checked by hand after the tables, align_frames.cpp).
Keys companions(const ParamChoice& c) {
    if (c.seed == "DESCRIPTOR_AKAZE") return {{"feature_config", {"detector = \"DETECTOR_AKAZE\""}}};
    if (c.seed == "MATCHING_NORM_HAMMING") return {{"feature_config", {"descriptor = \"DESCRIPTOR_ORB\""}}};
    return {};
}

// Loads a job whose one Actions runs the frame action `type` with `keys`; "" or the error's
// text. The default noise mask exists (MaskNoise needs it when the job is loaded).
class ActionJob {
public:
    ActionJob() {
        fs::create_directories(dir_ / "src");
        fs::create_directories(dir_ / "noise-map");
        std::ofstream(dir_ / "noise-map" / "hot-rgb.png") << "x";
    }
    std::string load(const std::string& type, const Keys& keys, ErrorKind* kind = nullptr) const {
        std::ostringstream t;
        t << "[job]\nname = \"t\"\nworking_path = \".\"\ninput_path = \"src\"\n"
             "[[action]]\ntype = \"Actions\"\nname = \"a\"\n[[action.actions]]\ntype = \"" << type << "\"\n";
        for (const auto& [section, list] : keys) {
            if (!section.empty()) continue;
            for (const std::string& a : list) t << a << "\n";
        }
        for (const auto& [section, list] : keys) {
            if (section.empty()) continue;
            t << section << " = {";
            for (size_t i = 0; i < list.size(); ++i) t << (i ? ", " : " ") << list[i];
            t << " }\n";
        }
        std::ofstream(dir_ / "job.toml") << t.str();
        try {
            load_job_file(dir_ / "job.toml");
        } catch (const Error& e) {
            if (kind) *kind = e.kind();
            return e.what();
        }
        return {};
    }
    const test::TempDir& dir() const { return dir_; }

private:
    test::TempDir dir_;
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(ActionParamTables, EveryFrameActionHasATableAndAFactory) {
    ASSERT_EQ(frame_action_registry().size(), 4u);
    for (const FrameActionInfo& a : frame_action_registry()) {
        ASSERT_NE(a.params, nullptr) << a.seed_name;
        EXPECT_FALSE(a.params->empty()) << a.seed_name;
        EXPECT_EQ(a.make({}, {})->name(), a.seed_name);
        EXPECT_EQ(&frame_action_info(a.seed_name), &a);
        for (const ParamSpec& p : *a.params) {
            EXPECT_EQ(p.check(p.default_value), "") << a.seed_name << " " << p.name();
            EXPECT_EQ(find_param(*a.params, p.name()), &p) << p.name();
            // CLI-style ids: lower case.
            for (const ParamChoice& c : p.choices) {
                std::string lower = c.id;
                for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                EXPECT_EQ(c.id, lower) << c.seed;
                EXPECT_EQ(p.choice_index(c.seed), p.choice_index(c.id)) << c.seed;
            }
        }
    }
    EXPECT_THROW(frame_action_info("NoSuchAction"), Error);
}

TEST(ActionParamTables, JobFilesReadEveryKeyWithItsRange) {
    const ActionJob job;
    for (const FrameActionInfo& a : frame_action_registry()) {
        EXPECT_EQ(job.load(a.seed_name, {}), "") << a.seed_name;
        // All keys at their defaults, written out: the documented table.
        Keys all;
        for (const ParamSpec& p : *a.params) all = with(p, toml_value(p, p.default_value), all);
        for (const ActionKey& k : a.keys) {
            const std::string v = k.kind == ActionKey::Kind::Numbers ? k.default_value : "\"" + k.default_value + "\"";
            all = with(all, k.section, k.key + " = " + v);
        }
        EXPECT_EQ(job.load(a.seed_name, all), "") << a.seed_name;

        for (const ParamSpec& p : *a.params) {
            for (const Probe& pr : probes(p)) {
                const std::string r = job.load(a.seed_name, with(p, toml_value(p, pr.value)));
                EXPECT_EQ(r.empty(), pr.valid) << a.seed_name << "." << p.name() << " = " << pr.value << ": " << r;
                if (!pr.valid) {
                    EXPECT_TRUE(contains(r, "key 'action[1].actions[1]." + p.name() + "'")) << r;
                    EXPECT_TRUE(contains(r, "line ")) << r;
                }
            }
            for (const ParamChoice& c : p.choices) {
                const std::string r = job.load(a.seed_name, with(p, "\"" + c.seed + "\"", companions(c)));
                // SURF is refused, by name, where OpenCV lacks the non-free module.
                if (c.seed == "DETECTOR_SURF" && contains(r, "not available")) continue;
                EXPECT_EQ(r, "") << p.name() << " = " << c.seed;
            }
            if (p.kind == ParamKind::Choice) {
                const std::string r = job.load(a.seed_name, with(p, "\"NOPE\""));
                EXPECT_TRUE(contains(r, p.choices[0].seed)) << r;
                EXPECT_TRUE(contains(r, "action[1].actions[1]." + p.name())) << r;
                // The CLI's id is not a job-file name.
                EXPECT_NE(job.load(a.seed_name, with(p, "\"" + p.choices[0].id + "\"")), "") << p.choices[0].id;
            }
            // A value of the wrong type is refused by name.
            const std::string wrong = job.load(a.seed_name, with(p, p.kind == ParamKind::Bool ? "1" : "true"));
            EXPECT_TRUE(contains(wrong, "action[1].actions[1]." + p.name())) << wrong;
            // An alias is read too, with the same range.
            if (!p.alias.empty()) {
                EXPECT_EQ(job.load(a.seed_name, {{"", {p.alias + " = " + toml_value(p, p.default_value)}}}), "");
                const std::string r = job.load(a.seed_name, {{"", {p.alias + " = " + toml_value(p, p.min - 1)}}});
                EXPECT_TRUE(contains(r, "key 'action[1].actions[1]." + p.alias + "'")) << r;
            }
        }
        // Every section refuses a key it does not have, by its full name.
        std::set<std::string> sections;
        for (const ParamSpec& p : *a.params)
            if (!p.section.empty()) sections.insert(p.section);
        for (const std::string& section : sections) {
            const std::string r = job.load(a.seed_name, with({}, section, "colour = 1"));
            EXPECT_TRUE(contains(r, "action[1].actions[1]." + section + ".colour")) << r;
            EXPECT_TRUE(contains(r, "unknown key")) << r;
        }
        EXPECT_TRUE(contains(job.load(a.seed_name, {{"", {"colour = 1"}}}), "action[1].actions[1].colour"));
    }
}

TEST(ActionParamTables, KeysThatAreNotScalars) {
    const ActionJob job;
    // BalanceFrames: the seed example's interval, and the rule between min and max.
    EXPECT_EQ(job.load("BalanceFrames", {{"", {"mask_size = 0.9", "i_min = 150", "i_max = 65385"}}}), "");
    EXPECT_TRUE(contains(job.load("BalanceFrames", {{"", {"i_min = 150", "i_max = 100"}}}), "key 'action[1].actions[1].i_max'"));
    EXPECT_TRUE(contains(job.load("BalanceFrames", {{"intensity_interval", {"min = 150", "max = 100"}}}),
                         "key 'action[1].actions[1].intensity_interval.max'"));
    // AlignFrames: border_value takes 1 to 4 numbers; plot_config.path a string.
    for (const char* ok : {"[1]", "[1, 2, 3, 4]"})
        EXPECT_EQ(job.load("AlignFrames", {{"alignment_config", {std::string("border_value = ") + ok}}}), "") << ok;
    for (const char* bad : {"[]", "[1, 2, 3, 4, 5]", "3", "[\"a\"]"})
        EXPECT_TRUE(contains(job.load("AlignFrames", {{"alignment_config", {std::string("border_value = ") + bad}}}),
                             "action[1].actions[1].alignment_config.border_value"))
            << bad;
    EXPECT_EQ(job.load("AlignFrames", {{"plot_config", {"enabled = true", "path = \"x\""}}}), "");
    EXPECT_TRUE(contains(job.load("AlignFrames", {{"plot_config", {"path = 1"}}}), "plot_config.path"));
    // MaskNoise: the mask must be there (or be written by an earlier action).
    EXPECT_EQ(job.load("MaskNoise", {{"", {"noise_mask = \"noise-map/hot-rgb.png\""}}}), "");
    ErrorKind kind = ErrorKind::Usage;
    const std::string r = job.load("MaskNoise", {{"", {"noise_mask = \"elsewhere.png\""}}}, &kind);
    EXPECT_EQ(kind, ErrorKind::Input);
    EXPECT_TRUE(contains(r, "action[1].actions[1].noise_mask")) << r;
    EXPECT_TRUE(contains(r, "NoiseDetection")) << r;
    // A frame action that does not exist.
    EXPECT_TRUE(contains(job.load("Sharpen", {}), "AlignFrames"));
}

// ---- the docs ---------------------------------------------------------------------------

std::string escaped(std::string s) {
    for (size_t i = 0; (i = s.find('|', i)) != std::string::npos; i += 2) s.replace(i, 1, "\\|");
    return s;
}

// docs/job-files.md's table of the frame actions' keys.
std::string action_key_table() {
    std::ostringstream t;
    t << "| `type` | key | default | range | meaning |\n|---|---|---|---|---|\n";
    for (const FrameActionInfo& a : frame_action_registry()) {
        const auto key_of = [&](const std::string& section, const std::string& key) {
            return std::string("`") + (section.empty() ? key : section + "." + key) + "`";
        };
        for (const ParamSpec& p : *a.params) {
            std::string range = p.range_text();
            if (p.kind == ParamKind::Bool) range = "true\\|false";
            if (p.kind == ParamKind::Choice) {
                range.clear();
                for (const ParamChoice& c : p.choices) range += (range.empty() ? "" : "\\|") + ("`\"" + c.seed + "\"`");
            }
            const std::string key = key_of(p.section, p.key) + (p.alias.empty() ? "" : " (or `" + p.alias + "`)");
            t << "| `" << a.seed_name << "` | " << key << " | `" << toml_value(p, p.default_value) << "` | " << range
              << " | " << escaped(p.help) << " |\n";
        }
        for (const ActionKey& k : a.keys) {
            std::string range = k.kind == ActionKey::Kind::Path ? "a path" : "a string";
            if (k.kind == ActionKey::Kind::Numbers)
                range = std::to_string(k.min_count) + " to " + std::to_string(k.max_count) + " numbers";
            const std::string v = k.kind == ActionKey::Kind::Numbers ? k.default_value : "\"" + k.default_value + "\"";
            t << "| `" << a.seed_name << "` | " << key_of(k.section, k.key) << " | `" << v << "` | " << range << " | "
              << escaped(k.help) << " |\n";
        }
    }
    return t.str();
}

TEST(ActionParamTables, DocsTableIsTheTables) { expect_doc_section("docs/job-files.md", "action-keys", "action_params_test", action_key_table()); }

}  // namespace
