// SPDX-License-Identifier: GPL-3.0-or-later
// Helper of the real-GIMP tests: makes a synthetic stack with a known answer, and checks what
// GIMP exported (pixels against the ground truth and against the core run directly).
//
//   gimp_test_tool make DIR                 frames, ground truth, core reference results
//   gimp_test_tool make-moved DIR           a stack with known motion (shifts up to ~20 px, a
//                                           small rotation and scale), its ground truth, and the
//                                           core's unaligned result
//   gimp_test_tool psnr-close T A B D [BORDER]  B scores (PSNR against T) at least A's less D dB
//                                           (D < 0: at least -D dB better than A)
//   gimp_test_tool size IMG                 prints WxH
//   gimp_test_tool psnr A B MIN_DB [BORDER] PSNR of B against A (alpha ignored); fails below MIN_DB
//   gimp_test_tool equal-frac A B MIN       fraction of equal grey values; fails below MIN
//   gimp_test_tool alpha-strip IMG X        columns < X transparent, the rest opaque
//   gimp_test_tool mask DEPTH V MASK MIN    MASK white exactly where DEPTH == V (fraction >= MIN)
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "fstack/depthmap_stack.hpp"
#include "fstack/pyramid_stack.hpp"
#include "fstack/stack_frames.hpp"
#include "synthetic.hpp"

namespace {

constexpr int kFrames = 5;

cv::Mat load(const std::string& path) {
    cv::Mat m = cv::imread(path, cv::IMREAD_UNCHANGED);
    if (m.empty()) {
        std::fprintf(stderr, "cannot read %s\n", path.c_str());
        std::exit(2);
    }
    return m;
}

cv::Mat colour(const cv::Mat& m) {
    cv::Mat out = m;
    if (m.channels() == 4) cv::cvtColor(m, out, cv::COLOR_BGRA2BGR);
    if (m.channels() == 2) {
        std::vector<cv::Mat> p;
        cv::split(m, p);
        out = p[0];
    }
    return out;
}

void save_reference(fstack::Stacker& stacker, const std::vector<cv::Mat>& frames, const std::string& dir,
                    const std::string& name) {
    fstack::MemoryFrameSource source(frames);
    fstack::StackResult r = fstack::stack_frames(stacker, source);
    cv::imwrite(dir + "/ref_" + name + ".png", r.image);
    cv::Mat depth;
    r.depth_map.convertTo(depth, CV_8U, 255.0 / (kFrames - 1));
    cv::imwrite(dir + "/ref_" + name + "_depth.png", depth);
}

int make(const std::string& dir) {
    fstack::synth::SceneOptions o;
    o.width = 320;
    o.height = 240;
    o.frames = kFrames;
    o.seed = 7;
    const fstack::synth::Scene scene = fstack::synth::make_scene(o);
    std::vector<cv::Mat> frames = fstack::synth::render_all(scene);
    for (int i = 0; i < kFrames; ++i) cv::imwrite(dir + "/frame_" + std::to_string(i) + ".png", frames[i]);
    cv::imwrite(dir + "/ground_truth.png", scene.ground_truth);
    fstack::PyramidStack pyramid;
    save_reference(pyramid, frames, dir, "pyramid");
    fstack::DepthMapStack depthmap;
    save_reference(depthmap, frames, dir, "depthmap");
    return 0;
}

// The motion of frame i of the moved stack (reference: the middle frame, unmoved), as a map
// from reference pixels to frame pixels: a shift growing to ~20 px at the ends, with up to 0.45
// degrees of rotation and 1.2% of scale about the centre (focus breathing).
cv::Matx33d moved_warp(int i, int ref, cv::Size size) {
    const double t = double(i - ref);
    const double s = 1.0 + 0.004 * t, a = 0.15 * t * M_PI / 180.0;
    const double cx = size.width / 2.0, cy = size.height / 2.0;
    const cv::Matx33d to_centre(1, 0, -cx, 0, 1, -cy, 0, 0, 1);
    const cv::Matx33d back(1, 0, cx + 6.5 * t, 0, 1, cy - 3.5 * t + 0.5 * t * t, 0, 0, 1);
    const cv::Matx33d rs(s * std::cos(a), -s * std::sin(a), 0, s * std::sin(a), s * std::cos(a), 0, 0, 0, 1);
    return back * rs * to_centre;
}

int make_moved(const std::string& dir) {
    constexpr int n = 7;
    fstack::synth::SceneOptions o;
    o.width = 480;
    o.height = 360;
    o.frames = n;
    o.seed = 23;
    o.max_coc = 5;
    const fstack::synth::Scene scene = fstack::synth::make_scene(o);
    std::vector<cv::Mat> frames;
    for (int i = 0; i < n; ++i) {
        cv::Mat f = fstack::synth::render_frame(scene, i);
        if (i != n / 2) {
            cv::Mat warped;
            cv::warpPerspective(f, warped, cv::Mat(moved_warp(i, n / 2, f.size())), f.size(), cv::INTER_LANCZOS4,
                                cv::BORDER_REFLECT);
            f = warped;
        }
        cv::imwrite(dir + "/frame_" + std::to_string(i) + ".png", f);
        frames.push_back(f);
    }
    cv::imwrite(dir + "/ground_truth.png", scene.ground_truth);
    fstack::PyramidStack pyramid;
    fstack::MemoryFrameSource source(frames);
    cv::imwrite(dir + "/ref_unaligned.png", fstack::stack_frames(pyramid, source).image);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "make" && argc == 3) return make(argv[2]);
    if (cmd == "psnr" && (argc == 5 || argc == 6)) {
        // Optional 5th argument: the border fraction left out (alignment fills the borders).
        const double border = argc == 6 ? std::atof(argv[5]) : 0.0;
        const double db = fstack::synth::psnr(colour(load(argv[2])), colour(load(argv[3])), border);
        const double min = std::atof(argv[4]);
        std::printf("psnr %s vs %s: %.2f dB (min %.2f)\n", argv[3], argv[2], db, min);
        return db >= min ? 0 : 1;
    }
    if (cmd == "make-moved" && argc == 3) return make_moved(argv[2]);
    if (cmd == "size" && argc == 3) {
        const cv::Mat m = load(argv[2]);
        return std::printf("%dx%d\n", m.cols, m.rows), 0;
    }
    if (cmd == "psnr-close" && (argc == 6 || argc == 7)) {
        // B scores (against the truth T) at least A's score less MAX_DB: "as good as A".
        const double border = argc == 7 ? std::atof(argv[6]) : 0.0;
        const cv::Mat truth = colour(load(argv[2]));
        const double a = fstack::synth::psnr(truth, colour(load(argv[3])), border);
        const double b = fstack::synth::psnr(truth, colour(load(argv[4])), border);
        const double max = std::atof(argv[5]);
        std::printf("psnr vs %s: %s %.3f dB, %s %.3f dB (difference %.3f, max %.2f)\n", argv[2], argv[3], a,
                    argv[4], b, a - b, max);
        return b >= a - max ? 0 : 1;
    }
    if (cmd == "equal-frac" && argc == 5) {
        cv::Mat a = colour(load(argv[2])), b = colour(load(argv[3]));
        if (a.channels() == 3) cv::cvtColor(a, a, cv::COLOR_BGR2GRAY);
        if (b.channels() == 3) cv::cvtColor(b, b, cv::COLOR_BGR2GRAY);
        if (a.size() != b.size()) return std::printf("size differs\n"), 1;
        const double frac = double(cv::countNonZero(a == b)) / double(a.total());
        std::printf("equal fraction %s vs %s: %.4f (min %s)\n", argv[3], argv[2], frac, argv[4]);
        return frac >= std::atof(argv[4]) ? 0 : 1;
    }
    if (cmd == "alpha-strip" && argc == 4) {
        cv::Mat m = load(argv[2]);
        if (m.channels() != 4 && m.channels() != 2) return std::printf("no alpha\n"), 1;
        std::vector<cv::Mat> p;
        cv::split(m, p);
        const int x = std::atoi(argv[3]);
        const cv::Mat& a = p.back();
        double lo_l, hi_l, lo_r, hi_r;
        cv::minMaxLoc(a.colRange(0, x), &lo_l, &hi_l);
        cv::minMaxLoc(a.colRange(x, a.cols), &lo_r, &hi_r);
        const double full = a.depth() == CV_16U ? 65535 : 255;
        std::printf("alpha left of %d: %g..%g, right: %g..%g\n", x, lo_l, hi_l, lo_r, hi_r);
        return (hi_l == 0 && lo_r == full) ? 0 : 1;
    }
    if (cmd == "mask" && argc == 6) {
        cv::Mat depth = colour(load(argv[2])), mask = colour(load(argv[4]));
        if (depth.channels() == 3) cv::cvtColor(depth, depth, cv::COLOR_BGR2GRAY);
        if (mask.channels() == 3) cv::cvtColor(mask, mask, cv::COLOR_BGR2GRAY);
        const cv::Mat want = depth == std::atoi(argv[3]), got = mask > 127;
        if (want.size() != got.size()) return std::printf("size differs\n"), 1;
        const double frac = double(cv::countNonZero(want == got)) / double(want.total());
        std::printf("mask %s agrees with %s == %s: %.4f (min %s), white %.3f\n", argv[4], argv[2],
                    argv[3], frac, argv[5], double(cv::countNonZero(got)) / double(got.total()));
        return frac >= std::atof(argv[5]) && cv::countNonZero(got) > 0 ? 0 : 1;
    }
    if (cmd == "brushed" && argc == 9) {
        // COMPOSITE (the visible image) shows INSIDE in the rectangle X Y W H and OUTSIDE
        // elsewhere, to within one code value (a pixel's width left out at the rectangle's edge).
        const cv::Mat inside = colour(load(argv[2])), outside = colour(load(argv[3])), got = colour(load(argv[4]));
        const cv::Rect r(std::atoi(argv[5]), std::atoi(argv[6]), std::atoi(argv[7]), std::atoi(argv[8]));
        if (inside.size() != got.size() || outside.size() != got.size() || inside.type() != got.type())
            return std::printf("size or type differs\n"), 1;
        const cv::Rect in(r.x + 1, r.y + 1, r.width - 2, r.height - 2);
        cv::Mat out_mask(got.size(), CV_8U, cv::Scalar(255));
        out_mask(cv::Rect(r.x - 1, r.y - 1, r.width + 2, r.height + 2) & cv::Rect(0, 0, got.cols, got.rows)).setTo(0);
        const double d_in = cv::norm(got(in), inside(in), cv::NORM_INF);
        const double d_out = cv::norm(got, outside, cv::NORM_INF, out_mask);
        const double d_in_vs_outside = cv::norm(got(in), outside(in), cv::NORM_INF);
        std::printf("brushed %s: inside the rectangle max |composite - %s| = %g (vs the result: %g), outside max "
                    "|composite - %s| = %g\n", argv[4], argv[2], d_in, d_in_vs_outside, argv[3], d_out);
        return d_in <= 1 && d_out <= 1 && d_in_vs_outside > 1 ? 0 : 1;
    }
    if (cmd == "black" && argc == 3) {
        cv::Mat m = colour(load(argv[2]));
        double lo, hi;
        cv::minMaxLoc(m.reshape(1), &lo, &hi);
        std::printf("%s: %g..%g\n", argv[2], lo, hi);
        return hi == 0 ? 0 : 1;
    }
    std::fprintf(stderr, "usage: gimp_test_tool make DIR | make-moved DIR | psnr A B MIN | psnr-close T A B MAX | equal-frac A B MIN | alpha-strip IMG X | brushed IN OUT COMPOSITE X Y W H | black MASK\n");
    return 2;
}
