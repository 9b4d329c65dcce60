// OpenEXR's C++ library decoding a whole scanline EXR into half buffers, timed: the
// reference for bench/bench_exr_decode.c (same file, same thread count).
//   g++ -O2 -o exr_decode_openexr exr_decode_openexr.cpp -I/usr/include/OpenEXR \
//       -I/usr/include/Imath -lOpenEXR-3_1 -lIlmThread-3_1 -lIex-3_1 -lImath-3_1
//   ./exr_decode_openexr FILE THREADS REPS      (THREADS 1 = no worker threads)
#include <ImfChannelList.h>
#include <ImfFrameBuffer.h>
#include <ImfHeader.h>
#include <ImfInputFile.h>
#include <ImfThreading.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

int
main(int argc, char **argv)
{
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s FILE THREADS REPS\n", argv[0]);
        return 2;
    }
    int threads = std::atoi(argv[2]), reps = std::atoi(argv[3]);
    Imf::setGlobalThreadCount(threads > 1 ? threads : 0);
    std::vector<double> ms;
    double npix = 0;
    unsigned long long hash = 0;
    for (int r = 0; r < reps; r++) {
        auto t0 = std::chrono::steady_clock::now();
        Imf::InputFile f(argv[1]);
        Imath::Box2i dw = f.header().dataWindow();
        long w = dw.max.x - dw.min.x + 1, h = dw.max.y - dw.min.y + 1;
        std::vector<std::vector<unsigned short>> planes;
        Imf::FrameBuffer fb;
        for (auto c = f.header().channels().begin(); c != f.header().channels().end(); ++c) {
            planes.emplace_back((size_t) (w * h));
            char *base = (char *) planes.back().data() - (dw.min.x + dw.min.y * w) * 2;
            fb.insert(c.name(), Imf::Slice(Imf::HALF, base, 2, 2 * w));
        }
        f.setFrameBuffer(fb);
        f.readPixels(dw.min.y, dw.max.y);
        auto t1 = std::chrono::steady_clock::now();
        ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        npix = (double) w * (double) h;
        hash = 0;
        for (auto &p : planes)
            for (unsigned short v : p)
                hash = hash * 1099511628211ull + v;
    }
    std::sort(ms.begin(), ms.end());
    std::printf("openexr-c++ %s threads=%d min %.1f ms median %.1f ms  %.1f MPix/s  hash %016llx\n",
                argv[1], threads, ms[0], ms[ms.size() / 2], npix / ms[0] / 1000.0, hash);
    return 0;
}
