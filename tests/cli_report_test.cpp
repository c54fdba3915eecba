// SPDX-License-Identifier: GPL-3.0-or-later
// `--report FILE.jsonl` of `fstack batch` and `fstack stack`: every line parsed back with
// nlohmann-json, one object per stack, the failed stack's error exactly as the terminal printed
// it, and the alignment transforms and gains of a stack whose frames moved by known amounts.
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "hostile_files.hpp"
#include "synthetic/synthetic.hpp"
#include "json_lines.hpp"
#include "test_util.hpp"

namespace {
namespace fs = std::filesystem;
using fstack::test::CommandResult;
using fstack::test::fstack_cli;
using fstack::test::TempDir;
using nlohmann::json;

// The text after `prefix` on the line of `output` that starts with it.
std::string line_after(const std::string& output, const std::string& prefix) {
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
    return "";
}

std::string write_bytes(const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
}

// 4 stacks of 3 frames, scan_1.jpg .. scan_12.jpg; the scan data of scan_5.jpg (stack scan_4) is
// damaged, which is found when that frame is decoded, in the middle of its stack.
class BatchReport : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(fstack::test::write_scan_run(in(), 4, 3, 96, 72));
        std::ifstream good(in() / "scan_5.jpg", std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(good)), std::istreambuf_iterator<char>());
        write_bytes(in() / "scan_5.jpg", fstack::test::hostile::jpeg_with_corrupt_scan(bytes));
    }
    fs::path in() const { return tmp_ / "scan"; }
    fs::path out() const { return tmp_ / "stacked"; }
    fs::path report() const { return tmp_ / "run.jsonl"; }
    CommandResult batch() {
        return fstack_cli({"batch", in().string(), "-o", out().string(), "--stack-size", "3", "-j", "2",
                           "--report", report().string()});
    }
    TempDir tmp_{"fstack-report"};
};

TEST_F(BatchReport, OneObjectPerStackAndTheFailureAsPrinted) {
    const CommandResult r = batch();
    ASSERT_EQ(r.exit_code, 3) << r.output;
    const std::vector<json> lines = fstack::test::read_json_lines(report());
    ASSERT_EQ(lines.size(), 4u) << r.output;
    std::set<std::string> stacks;
    for (const json& j : lines) {
        const std::string name = j.at("stack");
        EXPECT_TRUE(stacks.insert(name).second) << "stack reported twice: " << name;
        EXPECT_EQ(j.at("command"), "batch");
        EXPECT_EQ(j.at("inputs").size(), 3u);
        EXPECT_EQ(j.at("frames").size(), 3u);
        EXPECT_GT(j.at("seconds").get<double>(), 0.0);
        EXPECT_GT(j.at("peak_memory_bytes").get<double>(), 1e6);
        const int first = std::stoi(name.substr(5));
        for (int k = 0; k < 3; ++k)
            EXPECT_EQ(j.at("inputs")[size_t(k)], (in() / ("scan_" + std::to_string(first + k) + ".jpg")).string());
        EXPECT_EQ(j.at("output"), (out() / (name + ".jpg")).string());
        if (name == "scan_4") {
            EXPECT_EQ(j.at("status"), "failed");
            EXPECT_EQ(j.at("exit_code"), 3);
            EXPECT_EQ(j.at("exit_class"), "input");
            // The summary line "  scan_4 (3 frames): <message>" and the report say the same.
            const std::string printed = line_after(r.output, "  scan_4 (3 frames): ");
            ASSERT_FALSE(printed.empty()) << r.output;
            EXPECT_EQ(j.at("error").get<std::string>(), printed);
            EXPECT_NE(printed.find("scan_5.jpg"), std::string::npos) << printed;
            EXPECT_TRUE(j.at("size").is_null());
        } else {
            EXPECT_EQ(j.at("status"), "ok") << j.dump();
            EXPECT_TRUE(j.at("error").is_null());
            EXPECT_EQ(j.at("exit_code"), 0);
            EXPECT_EQ(j.at("size"), json({96, 72}));
            for (const json& f : j.at("frames")) {
                ASSERT_TRUE(f.at("to_reference").is_array()) << f.dump();  // the default --align auto ran
                EXPECT_EQ(f.at("to_reference").size(), 3u);
            }
            EXPECT_FALSE(cv::imread(j.at("output").get<std::string>()).empty());
        }
    }
    EXPECT_EQ(stacks, (std::set<std::string>{"scan_1", "scan_4", "scan_7", "scan_10"}));
}

TEST_F(BatchReport, AResumedRunAppendsSkippedStacks) {
    ASSERT_EQ(batch().exit_code, 3);
    std::ifstream first_in(report());
    const std::string first((std::istreambuf_iterator<char>(first_in)), std::istreambuf_iterator<char>());
    const CommandResult again = batch();
    ASSERT_EQ(again.exit_code, 3) << again.output;
    const std::vector<json> lines = fstack::test::read_json_lines(report());
    ASSERT_EQ(lines.size(), 8u);
    std::ifstream all_in(report());
    const std::string all((std::istreambuf_iterator<char>(all_in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(all.substr(0, first.size()), first) << "the first run's lines were changed";
    int skipped = 0, failed = 0;
    for (size_t i = 4; i < 8; ++i) {
        skipped += lines[i].at("status") == "skipped";
        failed += lines[i].at("status") == "failed";
        if (lines[i].at("status") == "skipped") EXPECT_EQ(lines[i].at("exit_code"), 0);
    }
    EXPECT_EQ(skipped, 3);
    EXPECT_EQ(failed, 1);
}

TEST_F(BatchReport, AReportThatCannotBeOpenedStopsBeforeAnyWork) {
    const CommandResult r = fstack_cli({"batch", in().string(), "-o", out().string(), "--stack-size", "3", "--report",
                                        (tmp_ / "missing" / "run.jsonl").string()});
    EXPECT_EQ(r.exit_code, 4) << r.output;
    EXPECT_NE(r.output.find("run.jsonl: cannot open the report file: No such file or directory"), std::string::npos)
        << r.output;
    EXPECT_FALSE(fs::exists(out()));
}

TEST_F(BatchReport, AnInputFrameIsNeverTheReport) {
    const std::string frame = (in() / "scan_1.jpg").string();
    const auto before = fs::file_size(frame);
    for (const std::string command : {"batch", "stack"}) {
        const CommandResult r =
            command == "batch"
                ? fstack_cli({"batch", in().string(), "-o", out().string(), "--stack-size", "3", "--report", frame})
                : fstack_cli({"stack", in().string(), "-o", (tmp_ / "out.jpg").string(), "--report", frame});
        EXPECT_EQ(r.exit_code, 2) << r.output;
        EXPECT_NE(r.output.find(frame + ": the report file is one of the input frames"), std::string::npos) << r.output;
        EXPECT_EQ(fs::file_size(frame), before) << command;
    }
}

// 5 frames of one scene, frame k shifted by (2k, k) pixels: the report's transforms map each
// frame onto the middle one. The same frames again with frame 0 darkened to 90%: its reported
// gain is 1/0.9 times the first run's (the frames' own means differ a little, as their focus
// does), the others' unchanged. Both runs append to one report.
TEST(StackReport, CarriesTheTransformsAndGains) {
    TempDir tmp("fstack-report");
    fstack::synth::SceneOptions o;
    o.width = 480;
    o.height = 360;
    o.frames = 5;
    o.noise = 0.5;
    const auto frames = fstack::synth::render_all(fstack::synth::make_scene(o));
    const fs::path report = tmp / "stack.jsonl";
    std::vector<std::vector<std::string>> inputs;
    for (const double darken : {1.0, 0.9}) {
        const fs::path dir = tmp / (darken == 1.0 ? "plain" : "dark");
        fs::create_directories(dir);
        std::vector<std::string> args = {"stack"};
        for (int k = 0; k < 5; ++k) {
            cv::Mat shifted;
            const cv::Matx23d m(1, 0, 2.0 * k, 0, 1, 1.0 * k);
            cv::warpAffine(frames[size_t(k)], shifted, m, frames[size_t(k)].size(), cv::INTER_LINEAR,
                           cv::BORDER_REFLECT);
            if (k == 0) shifted.convertTo(shifted, -1, darken);
            const fs::path p = dir / ("f" + std::to_string(k) + ".png");
            ASSERT_TRUE(cv::imwrite(p.string(), shifted));
            args.push_back(p.string());
        }
        inputs.emplace_back(args.begin() + 1, args.end());
        args.insert(args.end(), {"-o", (dir / "out.png").string(), "--align", "rigid", "--balance", "lumi",
                                 "--report", report.string()});
        const CommandResult r = fstack_cli(args);
        ASSERT_EQ(r.exit_code, 0) << r.output;
    }
    const std::vector<json> lines = fstack::test::read_json_lines(report);
    ASSERT_EQ(lines.size(), 2u);
    for (size_t run = 0; run < 2; ++run) {
        const json& j = lines[run];
        EXPECT_EQ(j.at("command"), "stack");
        EXPECT_EQ(j.at("status"), "ok");
        EXPECT_EQ(j.at("output"), (fs::path(inputs[run][0]).parent_path() / "out.png").string());
        ASSERT_EQ(j.at("frames").size(), 5u);
        for (int k = 0; k < 5; ++k) {
            const json& f = j.at("frames")[size_t(k)];
            EXPECT_EQ(f.at("file"), inputs[run][size_t(k)]);
            EXPECT_TRUE(f.at("aligned").get<bool>());
            const json& t = f.at("to_reference");
            // Frame k's content sits (2k, k) px from where the original scene has it; the middle
            // frame's at (4, 2): frame k maps onto it by (4 - 2k, 2 - k).
            EXPECT_NEAR(t[0][2].get<double>(), 4.0 - 2 * k, 0.3) << f.dump();
            EXPECT_NEAR(t[1][2].get<double>(), 2.0 - k, 0.3) << f.dump();
            EXPECT_NEAR(t[0][0].get<double>(), 1.0, 0.01);
            EXPECT_NEAR(t[2][2].get<double>(), 1.0, 1e-9);
            ASSERT_TRUE(f.at("gain").is_array()) << f.dump();
            ASSERT_EQ(f.at("gain").size(), 1u);  // lumi: one gain for every channel
            EXPECT_NEAR(f.at("gain")[0].get<double>(), 1.0, k == 0 && run == 1 ? 0.2 : 0.05) << f.dump();
        }
    }
    const auto gain = [&](size_t run, int k) { return lines[run].at("frames")[size_t(k)].at("gain")[0].get<double>(); };
    EXPECT_NEAR(gain(1, 0) / gain(0, 0), 1 / 0.9, 0.005);
    for (int k = 1; k < 5; ++k) EXPECT_NEAR(gain(1, k), gain(0, k), 0.002) << "frame " << k;
    EXPECT_EQ(gain(0, 2), 1.0);  // the reference
}

TEST(StackReport, AFailedRunReportsWhatItPrinted) {
    TempDir tmp("fstack-report");
    std::vector<std::string> args = {"stack"};
    for (int k = 0; k < 3; ++k) {
        std::string bytes = fstack::test::hostile::encode(fstack::test::hostile::picture(64, 48, k + 1), ".jpg");
        if (k == 1) bytes = bytes.substr(0, bytes.size() / 2);  // truncated
        args.push_back(write_bytes(tmp / ("f" + std::to_string(k) + ".jpg"), bytes));
    }
    const fs::path report = tmp / "stack.jsonl";
    args.insert(args.end(), {"-o", (tmp / "out.jpg").string(), "--report", report.string()});
    const CommandResult r = fstack_cli(args);
    ASSERT_EQ(r.exit_code, 3) << r.output;
    const std::vector<json> lines = fstack::test::read_json_lines(report);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].at("status"), "failed");
    EXPECT_EQ(lines[0].at("exit_class"), "input");
    const std::string printed = line_after(r.output, "fstack: error: ");
    ASSERT_FALSE(printed.empty()) << r.output;
    EXPECT_EQ(lines[0].at("error").get<std::string>(), printed);
    EXPECT_NE(printed.find("f1.jpg"), std::string::npos);
    EXPECT_FALSE(fs::exists(tmp / "out.jpg"));
}

}  // namespace
