// SPDX-License-Identifier: GPL-3.0-or-later
// The OpenRaster reader's stack.xml (pugixml): nested stacks flattened top first, offsets,
// visibility and names; crafted stack.xml files (one attribute of 30,000 or 1,000,000
// characters, which crashed the old std::regex parser; malformed XML; 100,000 nested stacks)
// read or refused with an Error naming the file, never a crash.
#include <gtest/gtest.h>

#include <zip.h>

#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "fstack/error.hpp"
#include "fstack/layered_read.hpp"
#include "test_util.hpp"

namespace {

namespace fs = std::filesystem;
using namespace fstack;
using fstack::test::TempDir;

// The one PNG every hand-made file holds, as layer.png: 8x6 BGRA, no pixel fully transparent.
cv::Mat layer_pixels() {
    cv::Mat m(6, 8, CV_8UC4);
    cv::RNG rng(3);
    rng.fill(m, cv::RNG::UNIFORM, 1, 256);
    return m;
}

// An OpenRaster file with `stack_xml` and one small picture as layer.png.
void write_ora(const fs::path& path, const std::string& stack_xml) { test::write_ora(path, stack_xml, layer_pixels()); }

// Refused with Error(Input) naming the file and giving `reason`; returns the message.
std::string expect_read_error(const fs::path& path, const std::string& reason) {
    try {
        read_layered_file(path);
        ADD_FAILURE() << path << ": no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Input);
        EXPECT_TRUE(test::contains(e.what(), path.string())) << e.what();
        EXPECT_TRUE(test::contains(e.what(), reason)) << e.what();
        return e.what();
    }
    return {};
}

bool same(const cv::Mat& a, const cv::Mat& b) {
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

TEST(OraStackXml, NestedStacksFlattenedTopFirstWithOffsetsVisibilityAndNames) {
    TempDir dir;
    const fs::path p = dir / "nested.ora";
    write_ora(p, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<image version=\"0.0.5\" w=\"8\" h=\"6\">\n"
                 "  <stack name=\"root\">\n"
                 "    <layer name=\"top &amp; &lt;first&gt;\" src=\"layer.png\" x=\"2\" y=\"1\" opacity=\"0.5\"/>\n"
                 "    <stack name=\"group\">\n"
                 "      <layer name='middle' src='layer.png' visibility='hidden'/>\n"
                 "    </stack>\n"
                 "    <layer name=\"bottom\" src=\"layer.png\" visibility=\"visible\" x=\"0\" y=\"0\"/>\n"
                 "  </stack>\n</image>\n");
    const LayeredImage image = read_layered_file(p);
    EXPECT_EQ(image.width, 8);
    EXPECT_EQ(image.height, 6);
    ASSERT_EQ(image.layers.size(), 3u);  // bottom first
    EXPECT_EQ(image.layers[0].name, "bottom");
    EXPECT_EQ(image.layers[1].name, "middle");
    EXPECT_EQ(image.layers[2].name, "top & <first>");
    EXPECT_TRUE(image.layers[0].visible);
    EXPECT_FALSE(image.layers[1].visible);
    EXPECT_TRUE(image.layers[2].visible);
    EXPECT_TRUE(same(image.layers[0].pixels, layer_pixels()));
    EXPECT_TRUE(same(image.layers[1].pixels, layer_pixels()));
    // The top layer moved by (2, 1) on the 8x6 canvas: transparent where it does not reach.
    const cv::Mat top = image.layers[2].pixels;
    ASSERT_EQ(top.size(), cv::Size(8, 6));
    EXPECT_TRUE(same(top(cv::Rect(2, 1, 6, 5)), layer_pixels()(cv::Rect(0, 0, 6, 5))));
    EXPECT_EQ(cv::countNonZero(cv::Mat(top(cv::Rect(0, 0, 8, 1)).clone().reshape(1))), 0);
    EXPECT_EQ(cv::countNonZero(cv::Mat(top(cv::Rect(0, 0, 2, 6)).clone().reshape(1))), 0);
    EXPECT_TRUE(image.composite.empty());  // no mergedimage.png in this file
}

// The 680-byte file that crashed the std::regex parser (SIGSEGV in its recursion) had one
// attribute of 30,000 characters; the same at 1,000,000.
TEST(OraStackXml, HugeAttributesAreReadOrRefusedCleanly) {
    TempDir dir;
    for (const size_t n : {size_t(30000), size_t(1000000)}) {
        SCOPED_TRACE(n);
        const std::string big(n, 'A');
        const std::string tag = std::to_string(n);
        // A long name is only a name.
        const fs::path named = dir / ("name" + tag + ".ora");
        write_ora(named, "<image w=\"8\" h=\"6\"><stack><layer name=\"" + big + "\" src=\"layer.png\"/></stack></image>");
        const LayeredImage image = read_layered_file(named);
        ASSERT_EQ(image.layers.size(), 1u);
        EXPECT_EQ(image.layers[0].name, big);
        // A long src names no entry; a long offset is no int. The messages stay short.
        const fs::path src = dir / ("src" + tag + ".ora");
        write_ora(src, "<image w=\"8\" h=\"6\"><stack><layer src=\"" + big + "\"/></stack></image>");
        EXPECT_LT(expect_read_error(src, "OpenRaster file without AAAA").size(), 1000u);
        const fs::path x = dir / ("x" + tag + ".ora");
        write_ora(x, "<image w=\"8\" h=\"6\"><stack><layer src=\"layer.png\" x=\"" + std::string(n, '9') + "\"/></stack></image>");
        EXPECT_LT(expect_read_error(x, "corrupt stack.xml: x=").size(), 1000u);
        // An unquoted one, a crafted file's favourite: malformed.
        const fs::path unquoted = dir / ("unquoted" + tag + ".ora");
        write_ora(unquoted, "<image w=\"8\" h=\"6\"><stack><layer name=" + big + " src=\"layer.png\"/></stack></image>");
        expect_read_error(unquoted, "malformed stack.xml");
        // An unterminated one, running to the end of the file.
        const fs::path open = dir / ("open" + tag + ".ora");
        write_ora(open, "<image w=\"8\" h=\"6\"><stack><layer name=\"" + big);
        expect_read_error(open, "malformed stack.xml");
    }
}

TEST(OraStackXml, MalformedXmlIsRefusedWithTheParsersReason) {
    TempDir dir;
    struct Case { const char* name; std::string xml; const char* reason; };
    for (const Case& c : {Case{"unclosed.ora", "<image w=\"8\" h=\"6\"><stack><layer src=\"layer.png\"/>", "malformed stack.xml"},
                          Case{"mismatch.ora", "<image w=\"8\" h=\"6\"><stack></image></stack>", "malformed stack.xml"},
                          Case{"badattr.ora", "<image w=\"8\" h=\"6\"><stack><layer src=layer.png/></stack></image>", "malformed stack.xml"},
                          Case{"empty.ora", "", "malformed stack.xml"},
                          Case{"text.ora", "not xml at all", "malformed stack.xml"},
                          Case{"binary.ora", std::string("\0\xff\xfe<\x01", 5), "malformed stack.xml"},
                          Case{"noimage.ora", "<stack><layer src=\"layer.png\"/></stack>", "without an <image> element"},
                          Case{"nosize.ora", "<image><stack><layer src=\"layer.png\"/></stack></image>", "without the image size"},
                          Case{"negative.ora", "<image w=\"-8\" h=\"6\"><stack/></image>", "without the image size"},
                          Case{"wide.ora", "<image w=\"99999999999\" h=\"6\"><stack/></image>", "corrupt stack.xml: w="}}) {
        SCOPED_TRACE(c.name);
        const fs::path p = dir / c.name;
        write_ora(p, c.xml);
        const std::string message = expect_read_error(p, c.reason);
        if (std::string(c.reason) == "malformed stack.xml")
            EXPECT_TRUE(test::contains(message, " at offset ")) << message;
    }
    // Where the parser stopped: the unclosed tags, at the text's last character.
    const std::string unclosed = "<image w=\"8\" h=\"6\"><stack><layer src=\"layer.png\"/>";
    write_ora(dir / "offset.ora", unclosed);
    EXPECT_TRUE(test::contains(expect_read_error(dir / "offset.ora", "malformed stack.xml"),
                               "Start-end tags mismatch at offset " + std::to_string(unclosed.size() - 1)));
}

// pugixml parses without recursion; the reader walks the tree without it too.
TEST(OraStackXml, DeeplyNestedStacksDoNotCrash) {
    TempDir dir;
    constexpr int kDepth = 100000;
    std::string open, close;
    for (int i = 0; i < kDepth; ++i) open += "<stack>", close += "</stack>";
    const fs::path deep = dir / "deep.ora";
    write_ora(deep, "<image w=\"8\" h=\"6\">" + open + "<layer name=\"deepest\" src=\"layer.png\"/>" + close +
                        "<layer name=\"bottom\" src=\"layer.png\"/></image>");
    const LayeredImage image = read_layered_file(deep);
    ASSERT_EQ(image.layers.size(), 2u);
    EXPECT_EQ(image.layers[0].name, "bottom");
    EXPECT_EQ(image.layers[1].name, "deepest");
    // The same nesting never closed: malformed, not a crash.
    const fs::path unclosed = dir / "deep-unclosed.ora";
    write_ora(unclosed, "<image w=\"8\" h=\"6\">" + open + "<layer src=\"layer.png\"/>");
    expect_read_error(unclosed, "malformed stack.xml");
    // Nested stacks without a layer: a document of no layers.
    const fs::path empty = dir / "deep-empty.ora";
    write_ora(empty, "<image w=\"8\" h=\"6\">" + open + close + "</image>");
    EXPECT_TRUE(read_layered_file(empty).layers.empty());
}

}  // namespace
