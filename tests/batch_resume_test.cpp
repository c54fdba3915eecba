// SPDX-License-Identifier: GPL-3.0-or-later
// `fstack batch` shards, resume and threads (issue 13, item 11): a shard spec that is empty or
// malformed is a usage error, N and I are 64-bit (no wrap at 2^32); resume counts an output as
// done only when it decodes in full, so an empty or truncated file is stacked again and a folder
// in the way is reported; too many threads for the address space give a warning and a summary,
// never an abort.
#include <gtest/gtest.h>

#include <sstream>

#include "cli_test_support.hpp"
#include "fstack/image_io.hpp"

namespace {

using namespace fstack::test::cli;

constexpr int kStacks = 3, kFrames = 3;

class BatchResume : public ::testing::Test {
protected:
    void SetUp() override {
        make_stack(in(), kStacks * kFrames, ".png");
        before_ = sums();
    }
    fs::path in() const { return dir_ / "scan"; }
    fs::path out() const { return dir_ / "out"; }
    CommandResult batch(const std::vector<std::string>& extra) {
        std::vector<std::string> args = {"batch", in().string(), "-o", out().string(), "--stack-size", "3",
                                         "--align", "none", "--balance", "none"};
        args.insert(args.end(), extra.begin(), extra.end());
        return fstack_cli(args);
    }
    std::map<std::string, size_t> sums() const { return checksums(in()); }
    void TearDown() override { EXPECT_EQ(sums(), before_) << "an input changed"; }

    TempDir dir_;
    std::map<std::string, size_t> before_;
};

TEST_F(BatchResume, EmptyAndMalformedShardsAreUsageErrors) {
    for (const std::string& spec : {"", " ", "1", "1/", "/2", "0/2", "3/2", "1/0", "-1/2", "1/-2", " 1/2", "1/2 ",
                                    "1/2x", "1.0/2", "1/18446744073709551616", "a/b"}) {
        const CommandResult r = batch({"--shard", spec, "--dry-run"});
        EXPECT_EQ(r.exit_code, 2) << "'" << spec << "'\n" << r.output;
        EXPECT_TRUE(contains(r.output, "--shard: '" + spec + "'")) << r.output;
    }
    EXPECT_TRUE(contains(batch({"--shard", "", "--dry-run"}).output, "is empty (an unset variable in a job script?)"));
}

// 2^32 + 1 shards: shard 1 is stack 0 alone (an int would have wrapped to 1 shard: all of them);
// shard 2^32 + 1 is empty, and 2^63 shards are counted as they are.
TEST_F(BatchResume, ShardCountsPast32BitsDoNotWrap) {
    const auto stacks_of = [&](const std::string& spec) {
        const CommandResult r = batch({"--shard", spec, "--dry-run"});
        EXPECT_EQ(r.exit_code, 0) << spec << "\n" << r.output;
        int n = 0;
        std::istringstream lines(r.output);
        for (std::string line; std::getline(lines, line);) n += contains(line, " -> ") ? 1 : 0;
        return n;
    };
    EXPECT_EQ(stacks_of("1/4294967297"), 1);
    EXPECT_EQ(stacks_of("2/4294967297"), 1);
    EXPECT_EQ(stacks_of("4294967297/4294967297"), 0);
    EXPECT_EQ(stacks_of("9223372036854775808/9223372036854775808"), 0);
    EXPECT_EQ(stacks_of("1/1"), kStacks);
}

TEST_F(BatchResume, OnlyWholeOutputsCountAsDone) {
    ASSERT_EQ(batch({"-q"}).exit_code, 0);
    const fs::path a = out() / "frame_01.png", b = out() / "frame_04.png", c = out() / "frame_07.png";
    const std::string whole = fstack::test::file_bytes(b);
    fstack::test::write_bytes(a, "");                                // 0 bytes
    fstack::test::write_bytes(b, whole.substr(0, whole.size() / 2));  // truncated
    const std::string kept = fstack::test::file_bytes(c);

    const CommandResult r = batch({});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, a.string() + ": the existing output the file is empty; stacking frame_01 again"))
        << r.output;
    EXPECT_TRUE(contains(r.output, b.string() + ": the existing output ")) << r.output;
    EXPECT_TRUE(contains(r.output, "batch: 2 written, 1 skipped (output exists), 0 failed")) << r.output;
    for (const fs::path& p : {a, b}) EXPECT_EQ(fstack::read_image(p).size(), cv::Size(kWidth, kHeight)) << p;
    EXPECT_EQ(fstack::test::file_bytes(c), kept);

    // A folder with an output's name: that stack is reported as failed, the others are done.
    fs::remove(a);
    fs::create_directories(a);
    const CommandResult d = batch({});
    EXPECT_EQ(d.exit_code, 4) << d.output;
    EXPECT_TRUE(contains(d.output, "batch: 0 written, 2 skipped (output exists), 1 failed")) << d.output;
    EXPECT_TRUE(contains(d.output, "frame_01 (3 frames): " + a.string() + ": a folder has the output's name"))
        << d.output;
    EXPECT_TRUE(fs::is_directory(a));
}

// -j 300 in a 500 MB address space (ulimit -v, usual on HPC nodes): fewer threads, a warning, the
// batch done, a summary; not SIGABRT.
TEST_F(BatchResume, MoreJobsThanThreadsCanBeMadeFallsBack) {
    if (fstack::test::kUnderAddressSanitizer)
        GTEST_SKIP() << "AddressSanitizer maps terabytes of shadow memory, which no ulimit -v allows: "
                        "this test runs in the Release build";
    std::string command = "ulimit -v 500000; " + fstack::test::shell_quote(fstack::test::cli_path()) + " batch " +
                          fstack::test::shell_quote(in().string()) + " -o " + fstack::test::shell_quote(out().string()) +
                          " --stack-size 3 --align none --balance none -j 300 --max-memory 100G 2>&1";
    // Many stacks, so that the pool wants more threads than the address space holds.
    for (int i = 10; i <= 300; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "frame_%03d.png", i);
        fs::copy_file(in() / "frame_01.png", in() / name);
    }
    before_ = sums();
    const CommandResult r = fstack::test::run_command(command);
    EXPECT_NE(r.exit_code, 134) << r.output;
    EXPECT_TRUE(contains(r.output, "fstack: batch: ")) << r.output;
    EXPECT_TRUE(contains(r.output, " written, 0 skipped (output exists), 0 failed")) << r.output;
    EXPECT_TRUE(contains(r.output, "warning: could start only ")) << r.output;
    EXPECT_TRUE(contains(r.output, " of 100 threads (")) << r.output;
    EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
