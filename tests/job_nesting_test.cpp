// SPDX-License-Identifier: GPL-3.0-or-later
// Job files nested deeper than toml++ can recurse: a table header of 1,000,000 levels crashed
// `fstack run` (SIGSEGV; 130,000 levels did under a 1 MiB stack), and so can an array-of-tables
// header, a dotted key or inline arrays and tables. Each is refused with the file and the line
// before toml++ sees it, whatever the kind of nesting; a document at the limit still parses.
#include <gtest/gtest.h>

#include <string>

#include "fstack/error.hpp"
#include "fstack/job_file.hpp"
#include "test_util.hpp"

namespace {
namespace fs = std::filesystem;
using fstack::Error;
using fstack::ErrorKind;
using fstack::test::contains;
using fstack::test::TempDir;
using fstack::test::write_bytes;

const std::string kJob = "[job]\nname = \"j\"\n";

std::string dotted(int levels, const std::string& part = "t") {
    std::string key = part;
    for (int i = 1; i < levels; ++i) key += "." + part;
    return key;
}

// load_job_file's error for `text`, which must be the nesting refusal at `line`.
void expect_too_deep(const std::string& text, int line) {
    TempDir dir;
    const fs::path file = dir / "deep.toml";
    write_bytes(file, text);
    try {
        fstack::load_job_file(file);
        ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Usage);
        EXPECT_EQ(e.file(), file.string());
        EXPECT_TRUE(contains(e.reason(), "line " + std::to_string(line) + ": tables, keys or arrays nested more than 64 levels deep"))
            << e.reason();
    }
}

// Parsed as TOML (whatever the job then says about its keys): not refused for its nesting.
void expect_not_too_deep(const std::string& text) {
    TempDir dir;
    const fs::path file = dir / "ok.toml";
    write_bytes(file, text);
    try {
        fstack::load_job_file(file);
    } catch (const Error& e) {
        EXPECT_FALSE(contains(e.reason(), "nested more than")) << e.reason();
        EXPECT_FALSE(contains(e.reason(), "not valid TOML")) << e.reason();
    }
}

TEST(JobFileNesting, TableHeadersOfEveryDepthPastTheLimit) {
    expect_too_deep(kJob + "[" + dotted(1'000'000) + "]\n", 3);
    expect_too_deep(kJob + "[" + dotted(130'000) + "]\n", 3);
    expect_too_deep(kJob + "[" + dotted(65) + "]\n", 3);
    expect_too_deep(kJob + "[\"quoted\" . 'parts' . " + dotted(70, "\"q\"") + "]\n", 3);
    expect_not_too_deep(kJob + "[" + dotted(64) + "]\n");
}

TEST(JobFileNesting, ArraysOfTablesDottedKeysAndInlineValues) {
    expect_too_deep(kJob + "[[" + dotted(130'000) + "]]\n", 3);
    expect_too_deep(kJob + "\n" + dotted(130'000) + " = 1\n", 4);
    expect_too_deep(kJob + "x = " + std::string(130'000, '[') + std::string(130'000, ']') + "\n", 3);
    std::string tables = "x = ";
    for (int i = 0; i < 70; ++i) tables += "{a = ";
    expect_too_deep(kJob + tables + "1" + std::string(70, '}') + "\n", 3);
    // Kinds add up: a header 40 deep, then a key 30 deep in it.
    expect_too_deep(kJob + "[" + dotted(40) + "]\n" + dotted(30) + " = 1\n", 4);
    expect_too_deep(kJob + "[" + dotted(30) + "]\n" + dotted(20) + " = {" + dotted(20) + " = 1}\n", 4);
}

TEST(JobFileNesting, StringsCommentsAndNumbersDoNotCount) {
    // Dots and brackets inside strings and comments, and floats, are not nesting.
    expect_not_too_deep(kJob + "s = \"" + dotted(5000) + "[[[[{{{{\"\n" + "# [" + dotted(5000) + "]\n" +
                        "l = '" + dotted(5000) + "'\nm = \"\"\"\n" + dotted(5000) + "\n\"\"\"\n" +
                        "f = [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5]\n");
    // Many tables side by side are not nesting either.
    std::string wide = kJob;
    for (int i = 0; i < 2000; ++i) wide += "[t" + std::to_string(i) + ".a.b]\nx = [[1, 2], [3, 4]]\n";
    expect_not_too_deep(wide);
}

TEST(JobFileNesting, TheCliRefusesItUnderASmallStack) {
    // 130,000 levels crashed fstack run where the stack is 1 MiB (containers, some batch systems).
    TempDir dir;
    const fs::path file = dir / "deep.toml";
    write_bytes(file, kJob + "[" + dotted(130'000) + "]\n");
    const auto r = fstack::test::run_command("ulimit -s 1024 && " + fstack::test::shell_quote(fstack::test::cli_path()) +
                                             " run " + fstack::test::shell_quote(file.string()) + " 2>&1");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(contains(r.output, file.string() + ": line 3: tables, keys or arrays nested more than 64 levels deep"))
        << r.output;
}

}  // namespace
