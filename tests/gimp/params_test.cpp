// SPDX-License-Identifier: GPL-3.0-or-later
// The plug-in's parameter table without GIMP: which stacker uses which option (the dialogs grey
// out the others), and that every such tag names a real stacker choice.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

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
    for (const char* name : {"denoise", "layers", "depth-map", "keep-originals"})
        EXPECT_TRUE(used_by_stacker(param(defs, name), "focusmeasure")) << name;
}

}  // namespace
