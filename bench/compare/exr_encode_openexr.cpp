// OpenEXR's C++ library writing a whole scanline EXR from half buffers in memory (the source
// is decoded first, untimed): the reference for bench/bench_exr_encode.c.
//   g++ -O2 -o exr_encode_openexr exr_encode_openexr.cpp -I/usr/include/OpenEXR \
//       -I/usr/include/Imath -lOpenEXR-3_1 -lIlmThread-3_1 -lIex-3_1 -lImath-3_1
//   ./exr_encode_openexr SRC OUT dwaa|dwab LEVEL THREADS REPS
#include <ImfChannelList.h>
#include <ImfFrameBuffer.h>
#include <ImfHeader.h>
#include <ImfInputFile.h>
#include <ImfOutputFile.h>
#include <ImfStandardAttributes.h>
#include <ImfThreading.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

int
main(int argc, char **argv)
{
    if (argc < 7) {
        std::fprintf(stderr, "usage: %s SRC OUT dwaa|dwab LEVEL THREADS REPS\n", argv[0]);
        return 2;
    }
    int threads = std::atoi(argv[5]), reps = std::atoi(argv[6]);
    Imf::setGlobalThreadCount(threads > 1 ? threads : 0);
    Imf::InputFile in(argv[1]);
    Imath::Box2i dw = in.header().dataWindow();
    long w = dw.max.x - dw.min.x + 1, h = dw.max.y - dw.min.y + 1;
    std::vector<std::vector<unsigned short>> planes;
    std::vector<std::string> names;
    Imf::FrameBuffer fb;
    for (auto c = in.header().channels().begin(); c != in.header().channels().end(); ++c) {
        planes.emplace_back((size_t) (w * h));
        names.push_back(c.name());
        char *base = (char *) planes.back().data() - (dw.min.x + dw.min.y * w) * 2;
        fb.insert(c.name(), Imf::Slice(Imf::HALF, base, 2, 2 * w));
    }
    in.setFrameBuffer(fb);
    in.readPixels(dw.min.y, dw.max.y);
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        auto t0 = std::chrono::steady_clock::now();
        Imf::Header hd(in.header());
        hd.compression() =
            std::strcmp(argv[3], "dwab") == 0 ? Imf::DWAB_COMPRESSION : Imf::DWAA_COMPRESSION;
        Imf::addDwaCompressionLevel(hd, (float) std::atof(argv[4]));
        Imf::ChannelList cl;
        for (auto &n : names)
            cl.insert(n, Imf::Channel(Imf::HALF));
        hd.channels() = cl;
        Imf::OutputFile out(argv[2], hd);
        out.setFrameBuffer(fb);
        out.writePixels((int) h);
        auto t1 = std::chrono::steady_clock::now();
        double ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
        best = ms < best ? ms : best;
    }
    std::printf("openexr-c++ encode %s:%s threads=%d min %.1f ms  %.1f MPix/s\n", argv[3], argv[4],
                threads, best, (double) w * (double) h / best / 1000.0);
    return 0;
}
