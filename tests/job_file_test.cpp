// SPDX-License-Identifier: GPL-3.0-or-later
// Job files: a valid file becomes a StackJob that runs; every mistake (syntax, unknown key, wrong
// type or value, missing folder or mask) names the file, the line and the key before any work.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "fstack/job_file.hpp"
#include "synthetic/synthetic.hpp"
#include "test_util.hpp"

namespace {

using namespace fstack;
namespace fs = std::filesystem;
using test::TempDir;

// A working folder with src/ holding a small synthetic stack.
void make_stack(const fs::path& dir) {
    fs::create_directories(dir / "src");
    synth::SceneOptions o;
    o.width = 320;
    o.height = 240;
    o.frames = 4;
    const auto frames = synth::render_all(synth::make_scene(o));
    for (size_t i = 0; i < frames.size(); ++i) write_image(dir / "src" / ("f" + std::to_string(i) + ".png"), frames[i]);
}

fs::path write_job(const TempDir& dir, const std::string& text) {
    const fs::path p = dir / "job.toml";
    std::ofstream(p) << text;
    return p;
}

const char* const kHeader = "[job]\nname = \"t\"\nworking_path = \".\"\ninput_path = \"src\"\n";

// Loads and expects an error whose message holds every one of `parts`.
void expect_error(const std::string& text, std::initializer_list<const char*> parts,
                  ErrorKind kind = ErrorKind::Usage) {
    TempDir dir;
    make_stack(dir.path());
    const fs::path job = write_job(dir, text);
    try {
        load_job_file(job);
        FAIL() << "no error for:\n" << text;
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), kind) << e.what();
        EXPECT_NE(std::string(e.what()).find("job.toml"), std::string::npos) << e.what();
        for (const char* p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << p << " in " << e.what();
    }
}

TEST(JobFile, RunsAlignBalanceAndStack) {
    TempDir dir;
    make_stack(dir.path());
    const fs::path job = write_job(dir, std::string(kHeader) + R"(
[[action]]
type = "Actions"
name = "align"
step_process = false
  [[action.actions]]
  type = "Vignetting"
  [[action.actions]]
  type = "AlignFrames"
  feature_config = { detector = "DETECTOR_SIFT", descriptor = "DESCRIPTOR_SIFT" }
  matching_config = { method = "MATCHING_KNN", flann_trees = 5, flann_checks = 50, threshold = 0.75 }
  alignment_config = { transform = "ALIGN_RIGID", rans_threshold = 5.0, border_mode = "BORDER_REPLICATE_BLUR", border_value = [0, 0, 0, 0], border_blur = 50 }
  [[action.actions]]
  type = "BalanceFrames"
  channel = "RGB"
  intensity_interval = { min = 10, max = 250 }

[[action]]
type = "FocusStack"
name = "stack"
stacker = { type = "DepthMapStack", map_type = "MAP_MAX", energy = "ENERGY_SOBEL" }
postfix = "_dm"
)");
    load_job_file(job)->run();
    for (int i = 0; i < 4; ++i) EXPECT_TRUE(fs::exists(dir / ("align/f" + std::to_string(i) + ".png")));
    EXPECT_TRUE(fs::exists(dir / "stack/f0_dm.png"));
    EXPECT_TRUE(fs::exists(dir / "plots/vignetting-f0.png"));
}

// Every stacker is reachable from a job file with its own options; a wrong option of one
// stacker names the key.
TEST(JobFile, FocusStackerAndPyramidRules) {
    TempDir dir;
    make_stack(dir.path());
    const fs::path job = write_job(dir, std::string(kHeader) + R"(
[[action]]
type = "FocusStack"
name = "fm"
stacker = { type = "FocusStacker", radius = 4, smoothing = 2, scale_factor = 1 }

[[action]]
type = "FocusStack"
name = "seedrules"
input_path = "src"
stacker = { type = "PyramidStack", cross_scale = false, consistency = false }
)");
    load_job_file(job)->run();
    const cv::Mat fm = fstack::read_image(dir / "fm/f0.png");
    const cv::Mat py = fstack::read_image(dir / "seedrules/f0.png");
    EXPECT_EQ(fm.size(), cv::Size(320, 240));
    EXPECT_EQ(py.size(), cv::Size(320, 240));
    EXPECT_GT(cv::norm(fm, py, cv::NORM_INF), 0.0) << "two different stackers gave the same image";
    expect_error(std::string(kHeader) + "[[action]]\ntype = \"FocusStack\"\nname = \"s\"\n"
                 "stacker = { type = \"FocusStacker\", radius = 40 }\n",
                 {"radius"});
}

// Found by fuzz_job_file: toml++ 3.3 reaches undefined behaviour on some non-ASCII characters
// between tokens. They are refused with the line; inside strings and comments they are fine.
TEST(JobFile, NonAsciiOutsideStringsIsRefusedWithItsLine) {
    expect_error(std::string(kHeader) + "n\xEF\xBB\xBB", {"line 5", "non-ASCII"});
    TempDir dir;
    make_stack(dir.path());
    const fs::path job = write_job(dir, std::string(kHeader) + "# r\xC3\xA9sum\xC3\xA9\n" +
                                             "[[action]]\ntype = \"FocusStack\"\nname = \"stack\"\n"
                                             "postfix = \"_\xC3\xA9t\xC3\xA9\"\nstacker = { type = \"PyramidStack\" }\n");
    load_job_file(job)->run();
    EXPECT_TRUE(fs::exists(dir / "stack/f0_\xC3\xA9t\xC3\xA9.png"));
    // The same in a literal string (toml++ is given it as the equivalent basic string), with a
    // backslash and a double quote that must survive as they are.
    const fs::path job2 = write_job(dir, std::string(kHeader) + "[[action]]\ntype = \"FocusStack\"\nname = \"lit\"\n"
                                              "postfix = '_K\xC3\xA4" "fer\\x\"'\nstacker = { type = \"PyramidStack\" }\n");
    load_job_file(job2)->run();
    EXPECT_TRUE(fs::exists(dir / "lit/f0_K\xC3\xA4" "fer\\x\".png"));
    // A bare value that swallows a quote and then a non-ASCII letter (fuzz_job_file: toml++
    // reached an unreachable branch classifying the letter), and text that is not UTF-8.
    expect_error(std::string(kHeader) + "m=+[\x00='\x00\x00\xC3\x91+[\n", {"line 5"});
    expect_error(std::string(kHeader) + "# caf\xE9\n", {"line 5", "not valid UTF-8"});
}

TEST(JobFile, SyntaxErrorsNameTheLine) {
    expect_error(std::string(kHeader) + "[[action]]\ntype = \"FocusStack\n", {"line 6", "not valid TOML"});
    // Table headers with no name: toml++ 3.3 asserts (undefined behaviour in a release build) on
    // these, so they are caught before it parses (fuzz_job_file's finding, kept in
    // tests/fuzz/regressions/fuzz_job_file/).
    expect_error(std::string(kHeader) + "[\n[[action]]\n", {"line 5", "the table's name is missing"});
    expect_error(std::string(kHeader) + "[[ \t# a comment\n", {"line 5", "the table's name is missing"});
    expect_error(std::string(kHeader) + "[", {"line 5", "the table's name is missing"});
}

TEST(JobFile, UnknownKeysNameTheLineAndKey) {
    expect_error(std::string(kHeader) + "[[action]]\ntype = \"FocusStack\"\nname = \"s\"\nstacker = { type = \"PyramidStack\" }\npostfx = \"_x\"\n",
                 {"line 9", "action[1].postfx", "unknown key"});
    expect_error(std::string(kHeader) + "colour = 1\n[[action]]\ntype = \"NoiseDetection\"\n", {"line 5", "job.colour"});
    expect_error(std::string(kHeader) + "[[action]]\ntype = \"Actions\"\nname = \"a\"\n[[action.actions]]\ntype = \"AlignFrames\"\nalignment_config = { transfrom = \"ALIGN_RIGID\" }\n",
                 {"line 10", "action[1].actions[1].alignment_config.transfrom"});
}

TEST(JobFile, WrongTypesAndValuesNameTheKey) {
    expect_error(std::string(kHeader) + "[[action]]\ntype = \"FocusStackBunch\"\nname = \"b\"\nstacker = { type = \"PyramidStack\" }\nframes = \"ten\"\n",
                 {"line 9", "action[1].frames", "expected an integer"});
    expect_error(std::string(kHeader) + "[[action]]\ntype = \"FocusStack\"\nname = \"s\"\nstacker = { type = \"DepthMapStack\", map_type = \"MAX\" }\n",
                 {"line 8", "action[1].stacker.map_type", "MAP_MAX, MAP_AVERAGE"});
    expect_error(std::string(kHeader) + "[[action]]\ntype = \"Stack\"\n", {"line 6", "action[1].type", "FocusStack"});
    expect_error(std::string(kHeader) + "[[action]]\ntype = \"FocusStack\"\nname = \"s\"\nstacker = { type = \"PyramidStack\", kernel_size = 500 }\n",
                 {"line 8", "kernel_size"});
    expect_error(std::string(kHeader) + "[[action]]\ntype = \"Actions\"\nname = \"a\"\n[[action.actions]]\ntype = \"BalanceFrames\"\nchannel = \"LUMA\"\n",
                 {"line 10", "action[1].actions[1].channel", "LUMI"});
    expect_error(std::string(kHeader) + "[[action]]\ntype = \"Actions\"\nname = \"a\"\n[[action.actions]]\ntype = \"AlignFrames\"\nfeature_config = { detector = \"DETECTOR_SIFT\", descriptor = \"DESCRIPTOR_AKAZE\" }\n",
                 {"DETECTOR_AKAZE"});
}

TEST(JobFile, MissingPathsAreInputErrors) {
    expect_error("[job]\nworking_path = \"nowhere\"\n[[action]]\ntype = \"NoiseDetection\"\n",
                 {"line 2", "job.working_path", "not found"}, ErrorKind::Input);
    expect_error("[job]\nworking_path = \".\"\ninput_path = \"srcs\"\n[[action]]\ntype = \"NoiseDetection\"\n",
                 {"line 3", "job.input_path"}, ErrorKind::Input);
    expect_error(std::string(kHeader) + "[[action]]\ntype = \"FocusStack\"\nname = \"s\"\ninput_path = \"batches\"\nstacker = { type = \"PyramidStack\" }\n",
                 {"line 8", "action[1].input_path"}, ErrorKind::Input);
    expect_error(std::string(kHeader) + "[[action]]\ntype = \"Actions\"\nname = \"a\"\n[[action.actions]]\ntype = \"MaskNoise\"\n",
                 {"action[1].actions[1].noise_mask", "NoiseDetection"}, ErrorKind::Input);
}

TEST(JobFile, OutputsOfEarlierActionsCountAsExisting) {
    TempDir dir;
    make_stack(dir.path());
    const fs::path job = write_job(dir, std::string(kHeader) + R"(
[[action]]
type = "NoiseDetection"
[[action]]
type = "Actions"
name = "mask"
input_path = "src"
  [[action.actions]]
  type = "MaskNoise"
  method = "INTERPOLATE_MEDIAN"
[[action]]
type = "FocusStackBunch"
name = "batches"
stacker = { type = "PyramidStack" }
frames = 3
overlap = 1
[[action]]
type = "FocusStack"
name = "stack"
input_path = "batches"
stacker = { type = "PyramidStack" }
)");
    load_job_file(job)->run();
    EXPECT_TRUE(fs::exists(dir / "noise-map/hot-rgb.png"));
    EXPECT_TRUE(fs::exists(dir / "stack/f0.png"));
}

TEST(JobFile, MissingJobTableOrActions) {
    expect_error("[[action]]\ntype = \"NoiseDetection\"\n", {"[job]"});
    expect_error(kHeader, {"[[action]]"});
    expect_error("[job]\nworking_path = \".\"\n[[action]]\ntype = \"NoiseDetection\"\n", {"action[1].input_path"});
}

}  // namespace
