// SPDX-License-Identifier: GPL-3.0-or-later
// DEV measuring harness (will be replaced by the real tests).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "fstack/focus_stacker.hpp"
#include "fstack/image_io.hpp"
#include "synthetic/synthetic.hpp"

namespace synth = fstack::synth;

TEST(Dev, Measure) {
    synth::SceneOptions o;
    o.noise = std::getenv("NOISE") ? std::atof(std::getenv("NOISE")) : 1.0;
    const synth::Scene scene = synth::make_scene(o);
    const auto frames = synth::render_all(scene);
    std::vector<fstack::fs::path> files;
    for (int i = 0; i < 8; ++i) files.push_back("/tmp/fs_small/frames/frame_00" + std::to_string(i) + ".jpg");
    const cv::Mat gt = cv::imread("/tmp/fs_small/ground_truth.png", cv::IMREAD_COLOR);
    const cv::Mat band = synth::occlusion_band(scene);
    for (int scale : {1, 2}) {
        for (int radius : {2, 8, 16}) {
            for (int smoothing : {1, 4, 10}) {
                fstack::FocusStacker st(radius, smoothing, scale);
                auto t0 = std::chrono::steady_clock::now();
                fstack::MemoryFrameSource src(frames);
                const cv::Mat out = fstack::run_stacker(st, src);
                double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
                const cv::Mat out2 = st.process_stack(files);
                std::printf("scale %d r %2d s %2d: scene %.2f dB (band %.2f, outside %.2f) %.0f ms | synth.py %.2f dB\n",
                            scale, radius, smoothing, synth::psnr(scene.ground_truth, out),
                            synth::psnr(scene.ground_truth, out, 0.03, band),
                            synth::psnr(scene.ground_truth, out, 0.03, band == 0), ms, synth::psnr(gt, out2));
            }
        }
    }
}
