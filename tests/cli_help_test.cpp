// SPDX-License-Identifier: GPL-3.0-or-later
// The `fstack` executable's help, version and unknown or missing subcommands.
#include <string>

#include <gtest/gtest.h>

#include "cli_test_support.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::cli;

// ---------------------------------------------------------------------------------------------
// Help and version

TEST(CliHelp, RootHelpListsExitCodes) {
    const CommandResult r = fstack_cli({"--help"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "Exit codes")) << r.output;
    EXPECT_TRUE(contains(r.output, "130")) << r.output;
    EXPECT_TRUE(contains(r.output, "stack")) << r.output;
}

TEST(CliHelp, StackHelpListsExitCodesAndOptions) {
    const CommandResult r = fstack_cli({"stack", "--help"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    for (const char* s : {"Exit codes", "--pyramid-min-size", "--kernel-size", "--gen-kernel", "--map-type",
                          "--energy", "--blur-size", "--smooth-size", "--bunch", "--overlap", "--depth-map",
                          "--overwrite", "--quiet", "=32", "=0.4"})
        EXPECT_TRUE(contains(r.output, s)) << s << "\n" << r.output;
}

TEST(CliHelp, Version) {
    const CommandResult r = fstack_cli({"--version"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "fstack ")) << r.output;
}

TEST(CliHelp, NoSubcommandIsUsageError) {
    EXPECT_EQ(fstack_cli({}).exit_code, 2);
}

TEST(CliHelp, UnknownCommandIsNamed) {
    const CommandResult r = fstack_cli({"stak", "a.jpg"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(contains(r.output, "'stak'")) << r.output;
}

}  // namespace
