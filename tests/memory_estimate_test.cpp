// SPDX-License-Identifier: GPL-3.0-or-later
// estimate_stack_memory() against the peak memory measured per stacker and option (the table
// in core/src/stackers/memory_estimate.cpp and the README): every estimate lies above what was
// measured, so that a refused stack would not have fit, and not far above, so that a stack that
// fits is not refused; the options the issue found missing (scale factor, alignment, 16 bits)
// each raise it.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "fstack/align_frames.hpp"
#include "fstack/balance_frames.hpp"
#include "fstack/depthmap_stack.hpp"
#include "fstack/error.hpp"
#include "fstack/focus_stacker.hpp"
#include "fstack/limits.hpp"
#include "fstack/memory_estimate.hpp"
#include "fstack/pyramid_stack.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack;

constexpr double kMiB = 1024.0 * 1024.0;

ImageInfo frame(int w, int h, int depth = CV_8U, int channels = 3) {
    ImageInfo i;
    i.width = w;
    i.height = h;
    i.depth = depth;
    i.channels = channels;
    return i;
}

FramePipeline aligned(bool balance = false) {
    FramePipeline p;
    p.actions.push_back(std::make_unique<AlignFrames>());
    if (balance) p.actions.push_back(std::make_unique<BalanceFrames>(BalanceFramesOptions{BalanceChannel::Auto}));
    return p;
}

double mib(const MemoryEstimate& e) { return double(e.bytes) / kMiB; }

struct Measured {
    const char* what;
    std::unique_ptr<Stacker> stacker;
    int width, height, depth;
    bool align, balance;
    double peak_mib;  // /usr/bin/time -f %M, less the same run's on 200x150 frames
};

TEST(MemoryEstimate, LiesAboveEveryMeasuredPeakAndWithinHalfAgainOfIt) {
    std::vector<Measured> rows;
    const auto fm = [](int s) { return std::make_unique<FocusStacker>(8, 4, s); };
    rows.push_back({"pyramid", std::make_unique<PyramidStack>(), 3000, 2000, CV_8U, false, false, 322});
    rows.push_back({"depthmap", std::make_unique<DepthMapStack>(), 3000, 2000, CV_8U, false, false, 298});
    rows.push_back({"depthmap average", std::make_unique<DepthMapStack>(DepthMapStackOptions{MapType::Average}), 3000,
                    2000, CV_8U, false, false, 428});
    rows.push_back({"focusmeasure 1", fm(1), 3000, 2000, CV_8U, false, false, 223});
    rows.push_back({"focusmeasure 2", fm(2), 3000, 2000, CV_8U, false, false, 451});
    rows.push_back({"focusmeasure 3", fm(3), 3000, 2000, CV_8U, false, false, 793});
    rows.push_back({"focusmeasure 4", fm(4), 3000, 2000, CV_8U, false, false, 1266});
    rows.push_back({"pyramid rigid", std::make_unique<PyramidStack>(), 3000, 2000, CV_8U, true, false, 379});
    rows.push_back({"pyramid auto+balance", std::make_unique<PyramidStack>(), 3000, 2000, CV_8U, true, true, 367});
    rows.push_back({"depthmap rigid", std::make_unique<DepthMapStack>(), 3000, 2000, CV_8U, true, false, 312});
    rows.push_back({"focusmeasure 4 rigid", fm(4), 3000, 2000, CV_8U, true, false, 1293});
    rows.push_back({"pyramid 16-bit", std::make_unique<PyramidStack>(), 3000, 2000, CV_16U, false, false, 381});
    rows.push_back({"depthmap 16-bit", std::make_unique<DepthMapStack>(), 3000, 2000, CV_16U, false, false, 326});
    rows.push_back({"focusmeasure 2 16-bit", fm(2), 3000, 2000, CV_16U, false, false, 508});
    rows.push_back({"pyramid rigid 16-bit", std::make_unique<PyramidStack>(), 3000, 2000, CV_16U, true, false, 469});
    rows.push_back({"pyramid 24 MP", std::make_unique<PyramidStack>(), 6000, 4000, CV_8U, false, false, 1289});
    rows.push_back({"pyramid rigid 24 MP", std::make_unique<PyramidStack>(), 6000, 4000, CV_8U, true, false, 1333});
    rows.push_back({"pyramid 54 MP", std::make_unique<PyramidStack>(), 9000, 6000, CV_8U, false, false, 2903});
    rows.push_back({"pyramid rigid 54 MP", std::make_unique<PyramidStack>(), 9000, 6000, CV_8U, true, false, 3223});
    rows.push_back({"focusmeasure 2 24 MP", fm(2), 6000, 4000, CV_8U, false, false, 1805});
    rows.push_back({"focusmeasure 4 rigid 24 MP", fm(4), 6000, 4000, CV_8U, true, false, 5111});
    for (const Measured& m : rows) {
        SCOPED_TRACE(m.what);
        const FramePipeline p = m.align ? aligned(m.balance) : FramePipeline{};
        const double e = mib(estimate_stack_memory(*m.stacker, p, 0, frame(m.width, m.height, m.depth)));
        EXPECT_GE(e, m.peak_mib);
        EXPECT_LE(e, 1.6 * m.peak_mib);
    }
    // --balance lumi (a full-size float copy per frame), 3000x2000 8-bit: 496 MiB.
    FramePipeline lumi;
    lumi.actions.push_back(std::make_unique<BalanceFrames>());
    const double e = mib(estimate_stack_memory(PyramidStack(), lumi, 0, frame(3000, 2000)));
    EXPECT_GE(e, 496);
    EXPECT_LE(e, 1.6 * 496);
}

TEST(MemoryEstimate, EachOptionThatCostsMemoryRaisesIt) {
    const ImageInfo f = frame(15000, 10000);
    const PyramidStack pyramid;
    const double plain = mib(estimate_stack_memory(pyramid, {}, 0, f));
    // 150 MP: about 57 MiB per MP, not a flat figure whatever the options.
    EXPECT_NEAR(plain, 57 * 150 + 16, 1);
    double previous = 0;
    for (int s = 1; s <= 4; ++s) {
        const double e = mib(estimate_stack_memory(FocusStacker(8, 4, s), {}, 0, f));
        EXPECT_GT(e, previous) << "scale factor " << s;
        previous = e;
    }
    EXPECT_GT(previous, 3 * plain);  // scale factor 4
    EXPECT_GT(mib(estimate_stack_memory(pyramid, aligned(), 0, f)), plain);
    // The analysis copy at full size (analysis_size 0) costs 125 MiB per MP more than none.
    FramePipeline full = aligned();
    full.options.analysis_size = 0;
    EXPECT_GT(mib(estimate_stack_memory(pyramid, full, 0, f)) - mib(estimate_stack_memory(pyramid, aligned(), 0, f)),
              120 * 150);
    EXPECT_GT(mib(estimate_stack_memory(pyramid, {}, 0, frame(15000, 10000, CV_16U))), plain);
    EXPECT_GT(mib(estimate_stack_memory(pyramid, {}, 0, frame(15000, 10000, CV_8U, 4))), plain);
    EXPECT_GT(mib(estimate_stack_memory(pyramid, {}, 1.0, f)), plain);
    EXPECT_GT(mib(estimate_stack_memory(pyramid, {}, 0, f, true)), plain);
    FramePipeline balance;
    balance.actions.push_back(std::make_unique<BalanceFrames>());
    EXPECT_GT(mib(estimate_stack_memory(pyramid, balance, 0, f)), plain);
}

TEST(MemoryEstimate, SaysWhatWasEstimated) {
    const ImageInfo f = frame(4000, 3000);
    EXPECT_EQ(estimate_stack_memory(PyramidStack(), {}, 0, f).what, "pyramid");
    EXPECT_EQ(estimate_stack_memory(DepthMapStack(), aligned(), 0, f).what, "depthmap, aligned");
    EXPECT_EQ(estimate_stack_memory(FocusStacker(8, 4, 4), aligned(), 0, f).what, "focusmeasure at scale factor 4, aligned");
}

TEST(MemoryEstimate, RefusalNamesTheFileAndBothFigures) {
    ASSERT_GT(available_memory(), 0u);
    const PyramidStack pyramid;
    EXPECT_NO_THROW(check_stack_fits(estimate_stack_memory(pyramid, {}, 0, frame(400, 300)), frame(400, 300), "f.jpg", 0));
    const ImageInfo huge = frame(2'000'000, 2'000'000);  // 4 TP: 270 TiB
    try {
        check_stack_fits(estimate_stack_memory(pyramid, aligned(), 0, huge), huge, "shots/f.jpg", 0);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Input);
        EXPECT_EQ(e.file(), "shots/f.jpg");
        EXPECT_TRUE(test::contains(e.reason(), "frames of 2000000x2000000 (4000000.0 MP) need about ")) << e.reason();
        EXPECT_TRUE(test::contains(e.reason(), " GiB of memory to stack (pyramid, aligned); only ")) << e.reason();
        EXPECT_TRUE(test::contains(e.reason(), " GiB is available")) << e.reason();
    }
}

}  // namespace
