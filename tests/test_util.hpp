// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "fstack/error.hpp"
#include "fstack/stacker.hpp"
#include "synthetic/synthetic.hpp"

namespace fstack::test {

// Whether this test binary is built with AddressSanitizer (clang says so through __has_feature,
// gcc through __SANITIZE_ADDRESS__): tests of address-space limits and of peak memory in a small
// cgroup skip there, saying so (ASan's shadow memory and quarantine are not fstack's).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kUnderAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kUnderAddressSanitizer = true;
#else
constexpr bool kUnderAddressSanitizer = false;
#endif
#else
constexpr bool kUnderAddressSanitizer = false;
#endif

// A fresh, empty folder under the system temp dir, removed when the object goes.
class TempDir {
public:
    explicit TempDir(const std::string& tag = "fstack-test");
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

struct CommandResult {
    int exit_code = -1;
    std::string output;  // stdout and stderr together
};
// Runs a shell command and captures its output and exit code.
CommandResult run_command(const std::string& command);

// `s` in single quotes for a POSIX shell.
std::string shell_quote(const std::string& s);
// Runs the fstack executable with these arguments; stdout and stderr come back together.
CommandResult fstack_cli(const std::vector<std::string>& args);

// Runs the fstack executable with these arguments (stdout to /dev/null), reading its stderr
// until it ends; once that holds `marker`, sends `signal` (once), `delay_s` seconds later. With a
// `pace_marker`, the delay is `delay_s` times the time from `pace_marker` to `marker` instead (a
// fraction of one step, the same on a slow or a fast machine). Fails the test (fatally) when it
// cannot start or wait for it; call it under ASSERT_NO_FATAL_FAILURE.
struct SignalledRun {
    std::string output;  // stderr
    bool sent = false;   // whether the marker came and the signal went
    int status = 0;      // waitpid's status
    double seconds_to_exit = -1;  // from the signal to the process's end
};
void run_cli_and_signal(const std::vector<std::string>& args, const std::string& marker, int signal,
                        SignalledRun& result, double delay_s = 0, const std::string& pace_marker = "");

// Path of the fstack executable and of tests/data.
std::string cli_path();
std::filesystem::path test_data();

// Bytes of a file, for "input unchanged" checks.
std::string file_bytes(const std::filesystem::path& p);
// Writes (replaces) a file with exactly these bytes.
void write_bytes(const std::filesystem::path& p, const std::string& bytes);

bool contains(const std::string& haystack, const std::string& needle);

// Prints a measured figure and records it in the test's XML properties.
void report(const std::string& key, double value);

// A synthetic scene and all its frames, rendered once per process for each set of options:
// several tests of one binary share it.
struct SyntheticStack {
    synth::Scene scene;
    std::vector<cv::Mat> frames;
};
const SyntheticStack& cached_stack(const synth::SceneOptions& options);

// An OpenScan-like run in `dir` (created): scan_1.jpg .. scan_N.jpg, `stacks` stacks of the
// synthetic stack of `frames` frames of width x height each (cv::imwrite: no fsync per file).
void write_scan_run(const std::filesystem::path& dir, int stacks, int frames, int width, int height);

// Drives `stacker` over in-memory frames and returns its result.
cv::Mat run_in_memory(Stacker& stacker, const std::vector<cv::Mat>& frames);

// The plain per-pixel average of the frames, in their type.
cv::Mat plain_average(const std::vector<cv::Mat>& frames);

// Share of the pixels in `crop` whose frame index (CV_16U depth map) is within `tolerance` of
// `ideal`'s.
double index_agreement(const cv::Mat& depth_map, const cv::Mat& ideal, int tolerance, const cv::Rect& crop);

// How many values of a one-channel CV_16U image are not multiples of 257 (8-bit data scaled
// x257 would have none).
int count_off_257_grid(const cv::Mat& flat);

// An OpenRaster file made by hand: a stored "mimetype", `stack_xml` as given (deflated, as a
// real one is) and `layer` as layer.png. Records a test failure if libzip cannot write it.
void write_ora(const std::filesystem::path& path, const std::string& stack_xml, const cv::Mat& layer);

// Runs `f`, which must throw fstack::Error, and returns it.
template <class F>
fstack::Error expect_error(F&& f) {
    try {
        f();
    } catch (const fstack::Error& e) {
        return e;
    } catch (const std::exception& e) {
        ADD_FAILURE() << "threw a non-fstack exception: " << e.what();
        return fstack::Error(fstack::ErrorKind::Internal, "wrong exception");
    }
    ADD_FAILURE() << "did not throw";
    return fstack::Error(fstack::ErrorKind::Internal, "no exception");
}

}  // namespace fstack::test
