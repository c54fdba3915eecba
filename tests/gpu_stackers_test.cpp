// SPDX-License-Identifier: GPL-3.0-or-later
// The GPU pipelines of PyramidStack, DepthMapStack and FocusStacker (kernels/.../{pyramid,
// depthmap}/fusion.hpp; FocusStacker runs the depth-map pipeline with its own focus measure)
// against the CPU stackers. On every machine the pipelines run on the host executor: the same functors, buffers and order as on a
// GPU, so its logic (indexing, borders, levels, passes) is checked here without one. Where a CUDA
// device answers, the same comparisons run on it; elsewhere those tests are skipped with CUDA's
// reason. Tolerance: one level of 8-bit, 256 of 16-bit (the issue's); the choice maps agree
// almost everywhere (near-ties may fall the other way by float rounding).
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "fstack/depthmap_stack.hpp"
#include "fstack/device.hpp"
#include "fstack/focus_stacker.hpp"
#include "fstack/kernels/device/device.hpp"
#include "fstack/kernels/stackers/depthmap/engine.hpp"
#include "fstack/kernels/stackers/pyramid/engine.hpp"
#include "fstack/pyramid_stack.hpp"
#include "test_util.hpp"

namespace fstack {
namespace {

using test::cached_stack;
using test::run_in_memory;

struct Case {
    std::string name;
    PyramidStackOptions options;
    bool sixteen = false;
    int channels = 3;
    int width = 203, height = 151;  // odd: the uneven halves of every level
};

std::vector<Case> cases() {
    std::vector<Case> c;
    c.push_back({"defaults", {}});
    c.push_back({"sixteen_bit", {}, true});
    c.push_back({"grey", {}, false, 1});
    c.push_back({"bgra", {}, false, 4});
    PyramidStackOptions seed;  // the seed's rules: per-level choice, averaged base, one pass
    seed.cross_scale = false;
    seed.consistency = false;
    c.push_back({"seed_rules", seed});
    PyramidStackOptions one_pass;
    one_pass.consistency = false;
    c.push_back({"one_pass", one_pass});
    PyramidStackOptions opencv_kernel;  // a = 3/8: the CPU path uses cv::pyrDown/pyrUp
    opencv_kernel.gen_kernel = 0.375;
    opencv_kernel.kernel_size = 9;
    c.push_back({"a_0375_window_9", opencv_kernel});
    PyramidStackOptions no_window;
    no_window.kernel_size = 1;
    no_window.gen_kernel = 0.3;
    c.push_back({"window_1_a_05", no_window, true});
    PyramidStackOptions one_level;  // the frame is the base: no bands
    one_level.pyramid_min_size = 4096;
    c.push_back({"one_level", one_level});
    c.push_back({"even_size", {}, false, 3, 160, 120});
    return c;
}

std::vector<cv::Mat> frames_of(const Case& c) {
    synth::SceneOptions o;
    o.width = c.width;
    o.height = c.height;
    o.frames = 6;
    o.seed = 7;
    o.max_coc = 5;
    o.sixteen_bit = c.sixteen;
    std::vector<cv::Mat> frames = cached_stack(o).frames;
    for (cv::Mat& f : frames) {
        if (c.channels == 1) cv::cvtColor(f, f, cv::COLOR_BGR2GRAY);
        if (c.channels == 4) cv::cvtColor(f, f, cv::COLOR_BGR2BGRA);
    }
    return frames;
}

// Runs the CPU stacker and its engine twin on the same frames and compares: within one level
// of 8-bit (256 of 16-bit), the choice maps equal almost everywhere.
void compare_stackers(const std::string& name, Stacker& cpu, Stacker& engine, const std::vector<cv::Mat>& frames,
                      bool sixteen) {
    const cv::Mat expected = run_in_memory(cpu, frames);
    const cv::Mat got = run_in_memory(engine, frames);
    ASSERT_EQ(got.type(), expected.type());
    ASSERT_EQ(got.size(), expected.size());
    double worst = 0;
    cv::minMaxLoc(cv::abs(cv::Mat_<double>(got.reshape(1)) - cv::Mat_<double>(expected.reshape(1))), nullptr, &worst);
    test::report(name + "_worst_difference", worst);
    EXPECT_LE(worst, sixteen ? 256.0 : 1.0);
    // The result is not trivially equal to a frame or empty: it has the CPU result's detail.
    EXPECT_GT(cv::norm(got, frames.front(), cv::NORM_L1), 0.0);
    const cv::Mat& dm = engine.depth_map();
    ASSERT_EQ(dm.type(), CV_16U);
    const double agree = double(cv::countNonZero(dm == cpu.depth_map())) / double(dm.total());
    test::report(name + "_depth_map_agreement", agree);
    EXPECT_GE(agree, 0.995);
}

// An engine's peak memory over two passes of `n` frames (8-bit BGR).
template <class Engine> size_t peak_of(Engine& engine, const std::vector<cv::Mat>& frames, int n) {
    cv::Mat image(frames[0].size(), frames[0].type());
    cv::Mat dm(frames[0].size(), CV_16U);
    engine.begin(frames[0].cols, frames[0].rows, 3, 8);
    for (int pass = 0; pass < 2; ++pass) {
        engine.begin_pass(pass);
        for (int i = 0; i < n; ++i) engine.add(frames[size_t(i) % frames.size()].data, frames[0].step, i);
    }
    engine.finish(image.data, dm.ptr<unsigned short>());
    return engine.peak_bytes();
}

// The pyramid on `device` (-1: the host executor) against the CPU's.
void compare(const Case& c, int device) {
    SCOPED_TRACE(c.name);
    PyramidStack cpu(c.options);
    const std::unique_ptr<Stacker> engine = make_pyramid_engine_stack(c.options, device);
    compare_stackers(c.name, cpu, *engine, frames_of(c), c.sixteen);
}

// DepthMapStack: both maps and energies, the kernel sizes' special cases (1: the 3x3 Laplacian
// aperture; Sobel's 1 is 3), no blur or smoothing, the box smoothing past sigma 16, 16-bit,
// grey and BGRA.
struct DepthCase {
    std::string name;
    DepthMapStackOptions options;
    bool sixteen = false;
    int channels = 3;
};

std::vector<DepthCase> depth_cases() {
    std::vector<DepthCase> c;
    c.push_back({"dm_defaults", {}});
    c.push_back({"dm_sixteen_bit", {}, true});
    c.push_back({"dm_grey", {}, false, 1});
    c.push_back({"dm_bgra", {}, false, 4});
    DepthMapStackOptions o;
    o.map_type = MapType::Average;
    c.push_back({"dm_average", o});
    o = {};
    o.energy = EnergyType::Sobel;
    c.push_back({"dm_sobel", o});
    o.kernel_size = 1;
    c.push_back({"dm_sobel_1", o, true});
    o = {};
    o.kernel_size = 1;
    o.blur_size = 0;
    c.push_back({"dm_laplacian_1_no_blur", o});
    o = {};
    o.kernel_size = 3;
    o.smooth_size = 1;
    o.blur_size = 9;
    c.push_back({"dm_laplacian_3_hard_seams", o});
    o = {};
    o.smooth_size = 80;  // sigma 20: three boxes
    o.kernel_size = 7;
    c.push_back({"dm_box_smoothing", o});
    return c;
}

void compare_depth(const DepthCase& c, int device) {
    SCOPED_TRACE(c.name);
    Case frames_case{c.name, {}, c.sixteen, c.channels};
    DepthMapStack cpu(c.options);
    const std::unique_ptr<Stacker> engine = make_depthmap_engine_stack(c.options, device);
    ASSERT_NE(engine, nullptr) << "the depth-map pipeline takes these filters";
    compare_stackers(c.name, cpu, *engine, frames_of(frames_case), c.sixteen);
}

TEST(GpuDepthMapHost, MatchesTheCpuStackerInEveryMode) {
    for (const DepthCase& c : depth_cases()) compare_depth(c, -1);
}

// Filters longer than the pipeline's 99 taps stay on the CPU: no twin, and the stacking step
// then runs the CPU stacker.
TEST(GpuDepthMapHost, LongFiltersStayOnTheCpu) {
    DepthMapStackOptions o;
    o.blur_size = 151;
    EXPECT_EQ(make_depthmap_engine_stack(o, -1), nullptr);
    o = {};
    o.smooth_size = 60;  // a Gaussian of sigma 15: 121 taps
    EXPECT_EQ(make_depthmap_engine_stack(o, -1), nullptr);
    o.smooth_size = 400;  // boxes of 201
    EXPECT_EQ(make_depthmap_engine_stack(o, -1), nullptr);
    o.smooth_size = 49;
    EXPECT_NE(make_depthmap_engine_stack(o, -1), nullptr);
    EXPECT_EQ(DepthMapStack().for_device(Device{}), nullptr);  // the CPU needs no twin
}

TEST(GpuDepthMapHost, MemoryDoesNotGrowWithTheFrames) {
    const std::vector<cv::Mat> frames = frames_of(Case{"defaults", {}});
    kernels::DepthMapParams p;
    p.deriv = {1.0f, -2.0f, 1.0f};
    p.smooth = {1.0f};
    p.weight_gauss = {0.25f, 0.5f, 0.25f};
    const size_t peak[2] = {peak_of(*kernels::make_host_depthmap_engine(p), frames, 2),
                            peak_of(*kernels::make_host_depthmap_engine(p), frames, 12)};
    EXPECT_GT(peak[0], 0u);
    EXPECT_EQ(peak[0], peak[1]) << "2 frames against 12";
    test::report("depthmap_engine_bytes_per_pixel", double(peak[0]) / double(frames[0].total()));
}

TEST(GpuDepthMapCuda, MatchesTheCpuStackerInEveryMode) {
    std::string why;
    if (!kernels::gpu_available(&why)) GTEST_SKIP() << "no usable CUDA device: " << why;
    for (const DepthCase& c : depth_cases()) compare_depth(c, 0);
}

// FocusStacker: the defaults (scale 2), no supersampling, an odd scale on the odd frame size,
// the largest scale, the largest window and smoothing, 16-bit, grey and BGRA.
struct FocusCase {
    std::string name;
    FocusStackerOptions options;
    bool sixteen = false;
    int channels = 3;
};

std::vector<FocusCase> focus_cases() {
    std::vector<FocusCase> c;
    c.push_back({"fm_defaults", {}});
    c.push_back({"fm_sixteen_bit", {}, true});
    c.push_back({"fm_grey", {}, false, 1});
    c.push_back({"fm_bgra", {}, false, 4});
    c.push_back({"fm_scale_1", {8, 4, 1}});
    c.push_back({"fm_scale_3", {3, 2, 3}});
    c.push_back({"fm_scale_4_small_window", {1, 1, 4}, true});
    c.push_back({"fm_largest_window_and_smoothing", {20, 10, 1}});
    return c;
}

void compare_focus(const FocusCase& c, int device) {
    SCOPED_TRACE(c.name);
    Case frames_case{c.name, {}, c.sixteen, c.channels};
    FocusStacker cpu(c.options);
    const std::unique_ptr<Stacker> engine = make_focusmeasure_engine_stack(c.options, device);
    ASSERT_NE(engine, nullptr);
    compare_stackers(c.name, cpu, *engine, frames_of(frames_case), c.sixteen);
}

TEST(GpuFocusMeasureHost, MatchesTheCpuStackerInEveryMode) {
    for (const FocusCase& c : focus_cases()) compare_focus(c, -1);
}

TEST(GpuFocusMeasureHost, MemoryDoesNotGrowWithTheFrames) {
    const std::vector<cv::Mat> frames = frames_of(Case{"defaults", {}});
    kernels::DepthMapParams p;
    p.deriv = {1.0f, -2.0f, 1.0f};
    p.smooth = {1.0f, 2.0f, 1.0f};
    p.variance_radius = 2;
    p.scale = 2;
    p.blur = {0.25f, 0.5f, 0.25f};
    p.weight_gauss = {0.25f, 0.5f, 0.25f};
    const size_t peaks[2] = {peak_of(*kernels::make_host_depthmap_engine(p), frames, 2),
                             peak_of(*kernels::make_host_depthmap_engine(p), frames, 12)};
    EXPECT_GT(peaks[0], 0u);
    EXPECT_EQ(peaks[0], peaks[1]) << "2 frames against 12";
    test::report("focusmeasure_engine_bytes_per_pixel_scale_2", double(peaks[0]) / double(frames[0].total()));
    EXPECT_EQ(FocusStacker().for_device(Device{}), nullptr);  // the CPU needs no twin
}

TEST(GpuFocusMeasureCuda, MatchesTheCpuStackerInEveryMode) {
    std::string why;
    if (!kernels::gpu_available(&why)) GTEST_SKIP() << "no usable CUDA device: " << why;
    for (const FocusCase& c : focus_cases()) compare_focus(c, 0);
}

TEST(GpuPyramidHost, MatchesTheCpuStackerInEveryMode) {
    for (const Case& c : cases()) compare(c, -1);
}

TEST(GpuPyramidHost, MemoryDoesNotGrowWithTheFrames) {
    const Case c{"defaults", {}};
    std::vector<cv::Mat> frames = frames_of(c);
    kernels::PyramidParams p;
    p.energy_taps = {0.0625f, 0.25f, 0.375f, 0.25f, 0.0625f};
    p.box_taps = {1 / 5.f, 1 / 5.f, 1 / 5.f, 1 / 5.f, 1 / 5.f};
    const size_t peak[2] = {peak_of(*kernels::make_host_pyramid_engine(p), frames, 2),
                            peak_of(*kernels::make_host_pyramid_engine(p), frames, 12)};
    EXPECT_GT(peak[0], 0u);
    EXPECT_EQ(peak[0], peak[1]) << "2 frames against 12";
    test::report("engine_bytes_per_pixel", double(peak[0]) / double(frames[0].total()));
}

TEST(GpuPyramidHost, RefusesAFilterItCannotTake) {
    kernels::PyramidParams p;
    p.energy_taps = {0.5f, 0.5f};  // even
    p.box_taps = {1.0f};
    EXPECT_THROW(kernels::make_host_pyramid_engine(p), std::invalid_argument);
}

TEST(GpuPyramidCuda, MatchesTheCpuStackerInEveryMode) {
    std::string why;
    if (!kernels::gpu_available(&why)) GTEST_SKIP() << "no usable CUDA device: " << why;
    for (const Case& c : cases()) compare(c, 0);
}

TEST(GpuPyramidCuda, LargeFrameMatches) {
    std::string why;
    if (!kernels::gpu_available(&why)) GTEST_SKIP() << "no usable CUDA device: " << why;
    compare({"large", {}, false, 3, 1201, 901}, 0);
}

TEST(Device, ResolvesTheChoices) {
    EXPECT_FALSE(resolve_device("cpu").cuda());
    const Device automatic = resolve_device("auto");
    EXPECT_EQ(automatic.cuda(), kernels::gpu_available());
    for (const std::string bad : {"gpu", "cuda:", "cuda:-1", "cuda:1x", "CPU", ""}) {
        const Error e = test::expect_error([&] { resolve_device(bad, "--device"); });
        EXPECT_EQ(e.kind(), ErrorKind::Usage) << bad;
        EXPECT_TRUE(test::contains(e.what(), "auto, cpu, cuda or cuda:N")) << e.what();
    }
    const Error past = test::expect_error([&] { resolve_device("cuda:99", "--device"); });
    EXPECT_EQ(past.kind(), ErrorKind::Usage);
    EXPECT_TRUE(test::contains(past.what(), "--device cuda:99")) << past.what();
}

TEST(Device, CudaWithoutADeviceSaysWhy) {
    std::string why;
    if (kernels::gpu_available(&why)) GTEST_SKIP() << "a CUDA device answers: this checks the machines without one";
    const Error e = test::expect_error([&] { resolve_device("cuda", "--device"); });
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
    EXPECT_TRUE(test::contains(e.what(), "no usable CUDA device")) << e.what();
    EXPECT_TRUE(test::contains(e.what(), why)) << e.what();
    // The CPU stacker has no twin to make there, and auto stays on the CPU.
    EXPECT_FALSE(resolve_device("auto").cuda());
}

}  // namespace
}  // namespace fstack
