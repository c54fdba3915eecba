// SPDX-License-Identifier: GPL-3.0-or-later
// Output names and folders checked before any work (issue 13, items 9 and 12): a name as long as
// the file system allows is written (its temporary is shortened), a longer one is refused before
// stacking by every command that writes, and --plots or noise-map -o among the input frames are
// refused by name, the inputs unchanged.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>

#include "cli_test_support.hpp"
#include "fstack/error.hpp"
#include "fstack/layered_read.hpp"

namespace {
using namespace fstack::test::cli;

// A file name of `bytes` bytes ending in `ext`.
std::string name_of(size_t bytes, const std::string& ext) { return std::string(bytes - ext.size(), 'n') + ext; }

TEST(OutputNames, TheLongestLegalNameIsWrittenByStackAndLayers) {
    TempDir dir;
    make_stack(dir / "in", 3, ".png");
    const fs::path out = dir / name_of(255, ".png");
    const CommandResult r = fstack_cli({"stack", (dir / "in").string(), "-o", out.string(), "-q"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(read_back(out).size(), cv::Size(kWidth, kHeight));
    const fs::path layered = dir / name_of(255, ".tif");
    const CommandResult l = fstack_cli({"layers", out.string(), (dir / "in").string(), "-o", layered.string(), "-q"});
    ASSERT_EQ(l.exit_code, 0) << l.output;
    EXPECT_EQ(fstack::read_layered_file(layered).layers.size(), 4u);
    // No temporary left behind.
    EXPECT_EQ(names_in(dir.path()).size(), 3u);
}

TEST(OutputNames, ATooLongNameIsRefusedBeforeAnyWork) {
    TempDir dir;
    make_stack(dir / "in", 3, ".png");
    const std::string in = (dir / "in").string();
    const fs::path out = dir / name_of(256, ".png");
    const std::vector<std::vector<std::string>> commands = {
        {"stack", in, "-o", out.string()},
        {"stack", in, "-o", (dir / "ok.png").string(), "--depth-map", out.string()},
        {"stack", in, "-o", (dir / "b").string(), "--bunch", "2", "--postfix", std::string(250, 'p')},
        {"layers", in, "-o", (dir / name_of(256, ".tif")).string()},
        {"batch", in, "-o", (dir / "batch").string(), "--stack-size", "3", "--postfix", std::string(250, 'p')},
        {"noise-map", in, "-o", (dir / "maps").string(), "--file-name", std::string(250, 'f')},
    };
    for (const auto& args : commands) {
        const CommandResult r = fstack_cli(args);
        EXPECT_EQ(r.exit_code, 4) << args[0] << "\n" << r.output;
        EXPECT_TRUE(contains(r.output, "bytes long; the file system of")) << r.output;
        EXPECT_TRUE(contains(r.output, "takes at most 255")) << r.output;
        // Refused before the work: no progress of a stage was printed, nothing was written.
        EXPECT_FALSE(contains(r.output, "wrote")) << r.output;
        EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"in"})) << args[0];
    }
    // The same in a job file: a FocusStack whose postfix makes the name too long.
    std::ofstream(dir / "job.toml") << "[job]\ninput_path = \"in\"\n[[action]]\ntype = \"FocusStack\"\nname = \"s\"\n"
                                    << "postfix = \"" << std::string(250, 'p') << "\"\nstacker = { type = \"PyramidStack\" }\n";
    const CommandResult r = fstack_cli({"run", (dir / "job.toml").string()});
    EXPECT_EQ(r.exit_code, 4) << r.output;
    EXPECT_TRUE(contains(r.output, "job 'job': FocusStack 's': the file name is 262 bytes long")) << r.output;
    EXPECT_FALSE(fs::exists(dir / "s"));
}

TEST(OutputFolders, PlotsAndNoiseMapsAmongTheFramesAreRefused) {
    TempDir dir;
    make_stack(dir / "in", 3, ".png");
    const std::string in = (dir / "in").string();
    const auto before = checksums(dir / "in");
    const std::vector<std::pair<std::vector<std::string>, std::string>> commands = {
        {{"stack", in, "-o", (dir / "o.png").string(), "--plots", in}, "--plots folder is the input folder"},
        {{"stack", in, "-o", (dir / "o.png").string(), "--plots", in + "/."}, "--plots folder is the input folder"},
        {{"stack", in, "-o", (dir / "b").string(), "--bunch", "2", "--plots", in}, "--plots folder is the input folder"},
        {{"batch", in, "-o", (dir / "b").string(), "--stack-size", "3", "--plots", in}, "--plots folder is the input folder"},
        {{"noise-map", in, "-o", in}, "-o folder is the input folder"},
        {{"noise-map", (dir / "in" / "frame_01.png").string(), (dir / "in" / "frame_02.png").string(), "-o", in + "/../in"},
         "-o folder is the input folder"},
        {{"noise-map", in, "-o", (dir / "maps").string(), "--plots", in}, "--plots folder is the input folder"},
    };
    for (const auto& [args, message] : commands) {
        const CommandResult r = fstack_cli(args);
        EXPECT_EQ(r.exit_code, 4) << args[0] << "\n" << r.output;
        EXPECT_TRUE(contains(r.output, message)) << r.output;
        EXPECT_TRUE(contains(r.output, in)) << r.output;
        EXPECT_EQ(checksums(dir / "in"), before);
        EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"in"})) << args[0];
    }
}

// An OpenRaster layer list past 4 MiB is refused by name, with the reason, before it is parsed.
TEST(OutputFolders, AnOraStackXmlOfMegabytesIsRefused) {
    TempDir dir;
    cv::Mat layer(6, 8, CV_8UC3, cv::Scalar(10, 20, 30));
    const std::string head = "<image w=\"8\" h=\"6\"><stack><layer src=\"layer.png\"/>";
    const fs::path big = dir / "big.ora", fine = dir / "fine.ora";
    const std::string xml = head + std::string(5u << 20, ' ') + "</stack></image>";
    fstack::test::write_ora(big, xml, layer);
    fstack::test::write_ora(fine, head + std::string(3u << 20, ' ') + "</stack></image>", layer);
    EXPECT_EQ(fstack::read_layered_file(fine).layers.size(), 1u);
    const fstack::Error e = fstack::test::expect_error([&] { fstack::read_layered_file(big); });
    EXPECT_EQ(e.kind(), fstack::ErrorKind::Input);
    EXPECT_EQ(e.file(), big.string());
    EXPECT_TRUE(contains(e.reason(), "stack.xml is " + std::to_string(xml.size()) + " bytes uncompressed, more than the 4 MiB")) << e.reason();
    const CommandResult r = fstack_cli({"layers", big.string(), fine.string(), "-o", (dir / "o.tif").string()});
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_TRUE(contains(r.output, "big.ora")) << r.output;
}

}  // namespace
