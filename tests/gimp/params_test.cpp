// SPDX-License-Identifier: GPL-3.0-or-later
// The plug-in's parameter table without GIMP: which stacker uses which option (the dialogs grey
// out the others), that every such tag names a real stacker choice, and that the stacker
// arguments are the core's parameter tables.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>

#include "frame_actions.hpp"
#include "help_domain.hpp"
#include "fstack/align_frames.hpp"
#include "fstack/device.hpp"
#include "fstack/error.hpp"
#include "fstack/stacker_registry.hpp"
#include "params.hpp"

namespace {
using namespace fstack::gimp;

TEST(PluginParams, StackerOptionsNameRealStackers) {
    const auto& defs = stack_params();
    const ParamDef& stacker = param(defs, "stacker");
    int tagged = 0;
    for (const ParamDef& d : defs) {
        if (!d.stackers) continue;
        ++tagged;
        std::istringstream ids(d.stackers);
        for (std::string id; ids >> id;) EXPECT_GE(choice_index(stacker, id), 0) << d.name << ": " << id;
    }
    EXPECT_EQ(tagged, 12);
    // Every stacker has options of its own.
    for (const Choice& c : stacker.choices) {
        int own = 0;
        for (const ParamDef& d : defs) own += d.stackers && used_by_stacker(d, c.id);
        EXPECT_GE(own, 3) << c.id;
    }
}

TEST(PluginParams, WhichStackerUsesWhat) {
    const auto& defs = stack_params();
    EXPECT_TRUE(used_by_stacker(param(defs, "kernel-size"), "pyramid"));
    EXPECT_TRUE(used_by_stacker(param(defs, "kernel-size"), "depthmap"));
    EXPECT_FALSE(used_by_stacker(param(defs, "kernel-size"), "focusmeasure"));
    EXPECT_TRUE(used_by_stacker(param(defs, "radius"), "focusmeasure"));
    EXPECT_FALSE(used_by_stacker(param(defs, "radius"), "pyramid"));
    EXPECT_FALSE(used_by_stacker(param(defs, "map-type"), "pyramid"));
    EXPECT_TRUE(used_by_stacker(param(defs, "cross-scale"), "pyramid"));
    // Not stacker options: used whatever the stacker.
    for (const char* name : {"denoise", "device", "layers", "depth-map", "keep-originals"})
        EXPECT_TRUE(used_by_stacker(param(defs, name), "focusmeasure")) << name;
}

// The frame actions default as `fstack stack` does: alignment and balance "auto" (their first
// choice, so that GIMP 2.10's index 0 means the same), no crop; in both procedures.
TEST(PluginParams, FrameActionDefaultsFollowTheCli) {
    for (const auto* defs : {&stack_params(), &align_params()}) {
        const ParamDef& align = param(*defs, "align");
        ASSERT_EQ(align.choices.size(), 4u);
        const char* want_align[] = {"auto", "none", "rigid", "homography"};
        for (size_t i = 0; i < 4; ++i) EXPECT_STREQ(align.choices[i].id, want_align[i]);
        EXPECT_EQ(align.def, 0);
        const ParamDef& balance = param(*defs, "balance");
        ASSERT_EQ(balance.choices.size(), 6u);
        const char* want_balance[] = {"auto", "none", "lumi", "rgb", "hsv", "hls"};
        for (size_t i = 0; i < 6; ++i) EXPECT_STREQ(balance.choices[i].id, want_balance[i]);
        EXPECT_EQ(balance.def, 0);
        const ParamDef& crop = param(*defs, "crop");
        EXPECT_EQ(crop.kind, ParamKind::Bool);
        EXPECT_EQ(crop.def, 0);
    }
    // The defaults align as --align auto does: the rigid model, applied where it helps.
    const fstack::FramePipeline p = frame_pipeline(defaults(stack_params()));
    ASSERT_FALSE(p.actions.empty());
    const auto* align = dynamic_cast<const fstack::AlignFrames*>(p.actions.front().get());
    ASSERT_NE(align, nullptr);
    EXPECT_EQ(align->options().alignment_config.transform, fstack::AlignTransform::Rigid);
    EXPECT_TRUE(align->options().alignment_config.verify);
    EXPECT_TRUE(wants_frame_actions(defaults(align_params())));
    // None everywhere: no action, and Align Layers has nothing to do.
    ParamValues off = defaults(align_params());
    off["align"] = choice_index(param(align_params(), "align"), "none");
    off["balance"] = choice_index(param(align_params(), "balance"), "none");
    EXPECT_FALSE(wants_frame_actions(off));
    EXPECT_TRUE(frame_pipeline(off).empty());
    off["align"] = choice_index(param(align_params(), "align"), "rigid");
    const fstack::FramePipeline rigid = frame_pipeline(off);
    ASSERT_EQ(rigid.actions.size(), 1u);
    EXPECT_FALSE(dynamic_cast<const fstack::AlignFrames&>(*rigid.actions.front()).options().alignment_config.verify);
}

// Device: the values of --device that a dialog can offer, auto first (GIMP 2.10's index 0) and
// the default, as on the command line.
TEST(PluginParams, DeviceFollowsTheCli) {
    const ParamDef& d = param(stack_params(), "device");
    EXPECT_EQ(d.kind, ParamKind::Choice);
    ASSERT_EQ(d.choices.size(), 3u);
    const char* want[] = {"auto", "cpu", "cuda"};
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_STREQ(d.choices[i].id, want[i]);
        EXPECT_NO_THROW(fstack::check_device_spec(d.choices[i].id)) << want[i];
    }
    EXPECT_EQ(d.def, 0);
    EXPECT_EQ(d.max, 2);
    EXPECT_THROW(param(align_params(), "device"), fstack::Error);  // aligning stays on the CPU
}

// GIMP 2.10 takes the arguments by position: this is the order the scripts, tests and
// docs/gimp-plugin.md pass them in.
TEST(PluginParams, PositionalOrder) {
    std::string stack, align;
    for (const ParamDef& d : stack_params()) stack += std::string(stack.empty() ? "" : " ") + d.name;
    for (const ParamDef& d : align_params()) align += std::string(align.empty() ? "" : " ") + d.name;
    EXPECT_EQ(stack,
              "layers stacker pyramid-min-size kernel-size gen-kernel cross-scale consistency map-type energy "
              "blur-size smooth-size radius smoothing scale-factor denoise device vignetting align balance crop "
              "new-image depth-map retouch-group sharpest-masks keep-originals");
    EXPECT_EQ(align, "layers vignetting align balance crop");
}

// Both dialogs show the options in four sections, in this order; every option is in one, and
// the positional order (above) reads the sections in turn.
TEST(PluginParams, DialogSections) {
    auto describe = [](const std::vector<ParamDef>& defs) {
        std::string out;
        size_t n = 0;
        for (const Section& s : sections(defs)) {
            out += std::string(out.empty() ? "" : " | ") + s.title + ":";
            for (const ParamDef* d : s.params) out += std::string(" ") + d->name;
            n += s.params.size();
        }
        EXPECT_EQ(n, defs.size());
        return out;
    };
    EXPECT_EQ(describe(stack_params()),
              "Frames: layers | Stacker: stacker pyramid-min-size kernel-size gen-kernel cross-scale "
              "consistency map-type energy blur-size smooth-size radius smoothing scale-factor denoise device | "
              "Frame actions: vignetting align balance crop | Output: new-image depth-map retouch-group "
              "sharpest-masks keep-originals");
    EXPECT_EQ(describe(align_params()), "Frames: layers | Frame actions: vignetting align balance crop");
}

// The help domain GIMP is given: the help/ folder beside the executable, as a file:// URI.
TEST(PluginHelp, DomainBesideTheExecutable) {
    EXPECT_EQ(help_domain_uri("/opt/my plug-ins/fstack-gimp/fstack-gimp"),
              "file:///opt/my%20plug-ins/fstack-gimp/help");
    EXPECT_EQ(help_domain_uri("/usr/lib/gimp/3.0/plug-ins/fstack-gimp/fstack-gimp"),
              "file:///usr/lib/gimp/3.0/plug-ins/fstack-gimp/help");
}

}  // namespace

// The GIMP arguments of both hosts (GIMP 3 by choice id, GIMP 2.10 by choice index: the same
// table, walked by host3.cpp and host2.cpp) against the core's stacker tables: same names, kinds,
// defaults, ranges and choices, and validate() refuses what the chosen stacker's table refuses.
TEST(PluginParams, StackerArgumentsAreTheCoreTables) {
    const auto& defs = stack_params();
    const ParamDef& stacker = param(defs, "stacker");
    ASSERT_EQ(stacker.choices.size(), fstack::stacker_registry().size());
    for (size_t i = 0; i < stacker.choices.size(); ++i)
        EXPECT_EQ(std::string(stacker.choices[i].id), fstack::stacker_registry()[i].id);
    int checked = 0;
    for (const fstack::StackerInfo& s : fstack::stacker_registry()) {
        for (const fstack::ParamSpec& spec : *s.params) {
            const ParamDef& d = param(defs, spec.dashed());
            ++checked;
            EXPECT_TRUE(used_by_stacker(d, s.id)) << d.name;
            EXPECT_EQ(d.def, spec.default_value) << d.name;
            switch (spec.kind) {
            case fstack::ParamKind::Bool: EXPECT_EQ(d.kind, ParamKind::Bool) << d.name; break;
            case fstack::ParamKind::Int: EXPECT_EQ(d.kind, ParamKind::Int) << d.name; break;
            case fstack::ParamKind::Number: EXPECT_EQ(d.kind, ParamKind::Double) << d.name; break;
            case fstack::ParamKind::Choice:
                EXPECT_EQ(d.kind, ParamKind::Choice) << d.name;
                ASSERT_EQ(d.choices.size(), spec.choices.size()) << d.name;
                for (size_t i = 0; i < d.choices.size(); ++i)
                    EXPECT_EQ(std::string(d.choices[i].id), spec.choices[i].id) << d.name;
                break;
            }
            if (spec.kind == fstack::ParamKind::Int || spec.kind == fstack::ParamKind::Number) {
                // The spin range holds every stacker's range that shares the argument, and no more.
                double lo = spec.min, hi = spec.max;
                for (const fstack::StackerInfo& o : fstack::stacker_registry())
                    if (const fstack::ParamSpec* q = fstack::find_param(*o.params, spec.key)) {
                        lo = std::min(lo, q->min);
                        hi = std::max(hi, q->max);
                    }
                EXPECT_EQ(d.min, lo) << d.name;
                EXPECT_EQ(d.max, hi) << d.name;
                // The chosen stacker's own limits hold (kernel-size 4 passes the spin, not the depth map).
                ParamValues v = defaults(defs);
                v["stacker"] = double(&s - fstack::stacker_registry().data());
                const double top = spec.max_open ? spec.max - (spec.max - spec.min) * 1e-3 : spec.max;
                v[d.name] = top;
                EXPECT_NO_THROW(validate(defs, v)) << d.name << " " << top;
                if (!spec.max_open && spec.kind == fstack::ParamKind::Int && spec.max < hi) {
                    v[d.name] = spec.max + 1;
                    EXPECT_THROW(validate(defs, v), fstack::Error) << d.name;
                }
                if (spec.odd) {
                    v[d.name] = spec.min + 1;
                    EXPECT_THROW(validate(defs, v), fstack::Error) << d.name << " even";
                }
                if (spec.min_open || spec.max_open) {
                    v[d.name] = spec.max_open ? spec.max : spec.min;
                    EXPECT_THROW(validate(defs, v), fstack::Error) << d.name << " open end";
                }
            }
        }
    }
    EXPECT_EQ(checked, 13);
    // The pyramid's consistency pass is offered because its table has it.
    EXPECT_TRUE(used_by_stacker(param(defs, "consistency"), "pyramid"));
    EXPECT_FALSE(used_by_stacker(param(defs, "consistency"), "depthmap"));
}
