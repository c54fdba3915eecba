// SPDX-License-Identifier: GPL-3.0-or-later
// Sanity checks of the synthetic renderer: if these fail, stacker tests built on it mean
// nothing. `fstack_synth_check --timing` also times a 4000x3000 scene and frame.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include <opencv2/core.hpp>

#include "synthetic.hpp"

using namespace fstack::synth;

namespace {

int failures = 0;

void check(bool ok, const std::string& what, double value) {
    std::printf("%s %-58s %.4f\n", ok ? "ok  " : "FAIL", what.c_str(), value);
    if (!ok) ++failures;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

bool equal(const cv::Mat& a, const cv::Mat& b) {
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

void check_scene(bool sixteen) {
    SceneOptions o;
    o.noise = 0;
    o.sixteen_bit = sixteen;
    const Scene s = make_scene(o);
    const std::string tag = sixteen ? "16-bit: " : "8-bit: ";
    check(s.ground_truth.type() == (sixteen ? CV_16UC3 : CV_8UC3), tag + "ground truth type", 0);
    double dmin = 0, dmax = 0;
    cv::minMaxLoc(s.depth, &dmin, &dmax);
    check(dmin >= 0 && dmin < 0.05 && dmax <= 1 && dmax > 0.95, tag + "depth spans [0, 1]", dmax - dmin);

    // Outside the occlusion band the oracle must reproduce the ground truth: the frame focused
    // nearest each pixel blurs it by less than half a pixel, which renders sharp.
    const cv::Mat oracle = oracle_stack(s);
    const cv::Mat band = occlusion_band(s), clear = band == 0;
    check(psnr(s.ground_truth, oracle, 0.03, clear) > 45, tag + "oracle PSNR outside occlusion band > 45 dB",
          psnr(s.ground_truth, oracle, 0.03, clear));
    check(psnr(s.ground_truth, oracle) > 30, tag + "oracle PSNR overall > 30 dB",
          psnr(s.ground_truth, oracle));
    check(ssim(s.ground_truth, oracle) > 0.98, tag + "oracle SSIM overall > 0.98",
          ssim(s.ground_truth, oracle));
    const double band_frac = double(cv::countNonZero(band)) / double(band.total());
    check(band_frac > 0.01 && band_frac < 0.2, tag + "occlusion band is 1..20% of the image", band_frac);

    // Every frame is blurred somewhere, and least where it is focused.
    const cv::Mat index = ideal_index_map(s);
    for (int i = 0; i < o.frames; i += o.frames - 1) {
        const cv::Mat f = render_frame(s, i);
        const cv::Mat own = (index == i) & clear, other = (index != i) & clear;
        check(psnr(s.ground_truth, f, 0.03, own) > psnr(s.ground_truth, f, 0.03, other) + 10,
              tag + "frame " + std::to_string(i) + " sharp where focused, blurred elsewhere",
              psnr(s.ground_truth, f, 0.03, own) - psnr(s.ground_truth, f, 0.03, other));
    }
}

}  // namespace

int main(int argc, char** argv) {
    const bool timing = argc > 1 && std::strcmp(argv[1], "--timing") == 0;
    check_scene(false);
    check_scene(true);

    // Determinism, including independence from the number of threads.
    SceneOptions o;
    const Scene s = make_scene(o);
    const cv::Mat a = render_frame(s, 3);
    check(equal(a, render_frame(s, 3)), "frames are deterministic", 0);
    check(equal(s.ground_truth, make_scene(o).ground_truth), "scenes are deterministic", 0);
    const int threads = cv::getNumThreads();
    cv::setNumThreads(1);
    check(equal(a, render_frame(s, 3)), "frames do not depend on the thread count", 0);
    cv::setNumThreads(threads);
    SceneOptions other = o;
    other.seed = 2;
    check(!equal(s.ground_truth, make_scene(other).ground_truth), "seeds give different scenes", 0);

    // The noise has the requested deviation (plus 1/12 of quantisation).
    const cv::Mat clean = render_at(s, 0.5, 0, 7), noisy = render_at(s, 0.5, 2.0, 7);
    cv::Mat diff;
    cv::subtract(noisy, clean, diff, cv::noArray(), CV_32F);
    cv::Scalar mean, dev;
    cv::meanStdDev(diff.reshape(1), mean, dev);
    check(std::abs(dev[0] - std::sqrt(4 + 1.0 / 6)) < 0.1, "noise sigma 2 measures 2", dev[0]);

    // Metrics: identity, and 8- vs 16-bit of the same image compare equal.
    check(std::isinf(psnr(a, a)) && ssim(a, a) > 0.999999, "psnr/ssim of identical images", ssim(a, a));
    cv::Mat wide;
    a.convertTo(wide, CV_16U, 257);
    check(psnr(a, wide) > 100, "8-bit and 16-bit copies compare equal (> 100 dB)", psnr(a, wide));

    if (timing) {
        SceneOptions big;
        big.width = 4000;
        big.height = 3000;
        big.frames = 15;
        auto t = std::chrono::steady_clock::now();
        const Scene b = make_scene(big);
        std::printf("4000x3000 scene: %.2f s\n", seconds_since(t));
        for (int i : {0, 7, 14}) {
            t = std::chrono::steady_clock::now();
            render_frame(b, i);
            std::printf("4000x3000 frame %d: %.2f s (%d threads)\n", i, seconds_since(t),
                        cv::getNumThreads());
        }
    }
    std::printf("%s\n", failures ? "FAILED" : "all passed");
    return failures ? 1 : 0;
}
