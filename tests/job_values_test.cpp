// SPDX-License-Identifier: GPL-3.0-or-later
// Job-file values are checked as the command line checks them (issue 13, item 8): every numeric
// key of every parameter table (stackers, frame actions) and the job actions' own numeric keys
// are tried just outside their range, at 2^63 - 1 and -2^63 (never narrowed to int first), and
// with nan and inf; each is refused (exit 2 class, Error(Usage)) naming the key and the value.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fstack/error.hpp"
#include "fstack/frame_action_registry.hpp"
#include "fstack/job_file.hpp"
#include "fstack/stacker_registry.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack;
namespace fs = std::filesystem;

// A whole or fractional bound as TOML writes it.
std::string toml_number(double v, bool integer) {
    std::ostringstream s;
    if (integer) s << static_cast<long long>(v);
    else s << v;
    return s.str();
}

// The values every numeric key must refuse: (TOML text, what the message names).
std::vector<std::pair<std::string, std::string>> hostile_values(const ParamSpec& p) {
    const bool integer = p.kind == ParamKind::Int;
    std::vector<std::pair<std::string, std::string>> v = {
        {"9223372036854775807", "9223372036854775807"},
        {"-9223372036854775808", "-9223372036854775808"},
        {"nan", "nan"},
        {"inf", "inf"},
        {"-inf", "-inf"},
    };
    const double step = integer ? 1 : 0.5;
    const std::string below = toml_number(p.min - (p.min_open ? 0 : step), integer);
    const std::string above = toml_number(p.max + (p.max_open ? 0 : step), integer);
    v.emplace_back(below, below);
    v.emplace_back(above, above);
    return v;
}

class JobValues : public ::testing::Test {
protected:
    void SetUp() override {
        fs::create_directories(dir_ / "src");
        fs::create_directories(dir_ / "noise-map");
        std::ofstream(dir_ / "noise-map" / "hot-rgb.png") << "x";
    }
    // The message of loading `text` after the [job] table, or "" if it loads.
    std::string load(const std::string& text, ErrorKind* kind) {
        std::ofstream(dir_ / "job.toml") << "[job]\ninput_path = \"src\"\n" << text;
        try {
            load_job_file(dir_ / "job.toml");
        } catch (const Error& e) {
            *kind = e.kind();
            return e.what();
        }
        return {};
    }
    void expect_refused(const std::string& text, const std::string& key, const std::string& value) {
        ErrorKind kind = ErrorKind::Internal;
        const std::string message = load(text, &kind);
        EXPECT_EQ(kind, ErrorKind::Usage) << text << "\n" << message;
        EXPECT_NE(message.find(key + "'"), std::string::npos) << "key " << key << ": " << message;
        EXPECT_NE(message.find(value), std::string::npos) << "value " << value << ": " << message;
        ++probes_;
    }
    test::TempDir dir_;
    int probes_ = 0;
};

TEST_F(JobValues, EveryStackerKeyRefusesHostileNumbers) {
    for (const StackerInfo& s : stacker_registry())
        for (const ParamSpec& p : *s.params) {
            if (p.kind != ParamKind::Int && p.kind != ParamKind::Number) continue;
            for (const auto& [text, named] : hostile_values(p))
                expect_refused("[[action]]\ntype = \"FocusStack\"\nname = \"s\"\nstacker = { type = \"" + s.seed_name +
                                   "\", " + p.key + " = " + text + " }\n",
                               "action[1].stacker." + p.key, named);
        }
    EXPECT_GE(probes_, 7 * 9);
}

TEST_F(JobValues, EveryFrameActionKeyRefusesHostileNumbers) {
    for (const FrameActionInfo& a : frame_action_registry())
        for (const ParamSpec& p : *a.params) {
            if (p.kind != ParamKind::Int && p.kind != ParamKind::Number) continue;
            for (const auto& [text, named] : hostile_values(p)) {
                const std::string assignment =
                    p.section.empty() ? p.key + " = " + text + "\n" : p.section + " = { " + p.key + " = " + text + " }\n";
                expect_refused("[[action]]\ntype = \"Actions\"\nname = \"a\"\n[[action.actions]]\ntype = \"" + a.seed_name +
                                   "\"\n" + assignment,
                               "action[1].actions[1]." + p.name(), named);
            }
        }
    EXPECT_GE(probes_, 15 * 7);
}

// The job actions' own numbers: FocusStack's denoise, FocusStackBunch's frames and overlap,
// Actions' resample and ref_idx, NoiseDetection's blur_size and channel_thresholds.
TEST_F(JobValues, TheJobActionsOwnNumbersAreCheckedToo) {
    const std::string stack = "[[action]]\ntype = \"FocusStack\"\nname = \"s\"\nstacker = { type = \"PyramidStack\" }\n";
    const std::string bunch = "[[action]]\ntype = \"FocusStackBunch\"\nname = \"b\"\nstacker = { type = \"PyramidStack\" }\n";
    const std::string actions = "[[action]]\ntype = \"Actions\"\nname = \"a\"\n[[action.actions]]\ntype = \"Vignetting\"\n";
    const std::string noise = "[[action]]\ntype = \"NoiseDetection\"\n";
    struct Case {
        std::string table, key;
        std::vector<std::string> values;
    };
    const std::vector<Case> cases = {
        {stack, "denoise", {"nan", "inf", "-inf", "-0.5", "100.5", "9223372036854775807", "-9223372036854775808"}},
        {bunch, "frames", {"0", "9223372036854775807", "-9223372036854775808", "4294967297", "1000001"}},
        {bunch, "overlap", {"-1", "9223372036854775807", "-9223372036854775808", "4294967296"}},
        {actions, "resample", {"0", "9223372036854775807", "-9223372036854775808", "4294967297"}},
        {actions, "ref_idx", {"-1", "9223372036854775807", "-9223372036854775808"}},
        {noise, "blur_size", {"1", "4", "257", "9223372036854775807", "-9223372036854775808"}},
    };
    for (const Case& c : cases)
        for (const std::string& v : c.values) {
            // The key goes into the action's own table: before any sub-table (Actions').
            std::string text = c.table;
            const size_t sub = text.find("[[action.actions]]");
            const std::string line = c.key + " = " + v + "\n";
            if (sub == std::string::npos) text += line;
            else text.insert(sub, line);
            expect_refused(text, "action[1]." + c.key, v);
        }
    for (const std::string v : {"nan", "inf", "0", "256", "1e30"})
        expect_refused(noise + "channel_thresholds = [13, " + v + ", 13]\n", "action[1].channel_thresholds",
                       v == "1e30" ? "1e+30" : v);
    // Whole-number keys given a fraction or nan name it too.
    expect_refused(bunch + "frames = 2.5\n", "action[1].frames", "2.5");
    expect_refused(bunch + "frames = nan\n", "action[1].frames", "nan");
}

// The values at the edges of the ranges still load (the probes above are not refusing
// everything).
TEST_F(JobValues, TheRangeEdgesLoad) {
    ErrorKind kind = ErrorKind::Internal;
    EXPECT_EQ(load("[[action]]\ntype = \"FocusStackBunch\"\nname = \"b\"\nframes = 1000000\noverlap = 0\ndenoise = 100\n"
                   "stacker = { type = \"DepthMapStack\", blur_size = 4096, smooth_size = 0, kernel_size = 31 }\n",
                   &kind),
              "");
    EXPECT_EQ(load("[[action]]\ntype = \"NoiseDetection\"\nblur_size = 255\nchannel_thresholds = [1, 255, 13]\n", &kind), "");
    EXPECT_EQ(load("[[action]]\ntype = \"Actions\"\nname = \"a\"\nresample = 1000000\nref_idx = 0\n"
                   "[[action.actions]]\ntype = \"MaskNoise\"\nkernel_size = 99\n",
                   &kind),
              "");
}

}  // namespace
