// count_instructions - counts the instructions executed in each window of a
// QEMU execution log, for exact instruction counts per inference.
//
//   qemu-system-arm ... -singlestep -d exec,nochain -D log.txt -kernel fw.elf
//   count_instructions log.txt
//
// With -singlestep every translation block is one guest instruction and with
// -d exec,nochain QEMU logs every block it executes, one line each
// ("Trace 0: <host address> [<flags>/<pc>/...] <symbol>"). A window is what
// runs between the marker functions: the lines after a run of lines in
// ctnn_measure_begin up to the first line in ctnn_measure_end. Prints one
// count per window, in order. (The firmware's own check: a window of 100
// `nop`s must count 100 more than an empty one.)
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: count_instructions <qemu exec log>\n");
        return 2;
    }
    std::FILE* f = std::fopen(argv[1], "r");
    if (!f) {
        std::fprintf(stderr, "count_instructions: cannot read %s\n", argv[1]);
        return 2;
    }
    enum { outside, in_begin, in_window } state = outside;
    unsigned long long count = 0, windows = 0;
    char line[4096];
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, "Trace ", 6) != 0) continue;
        const char* symbol = std::strstr(line, "] ");
        symbol = symbol ? symbol + 2 : "";
        const bool begin = std::strncmp(symbol, "ctnn_measure_begin", 18) == 0 &&
                           (symbol[18] == '\n' || symbol[18] == '\0' || symbol[18] == ' ');
        const bool end = std::strncmp(symbol, "ctnn_measure_end", 16) == 0 &&
                         (symbol[16] == '\n' || symbol[16] == '\0' || symbol[16] == ' ');
        if (begin) {
            state = in_begin;
            count = 0;
        } else if (state == in_begin || state == in_window) {
            if (end) {
                std::printf("%llu\n", count);
                ++windows;
                state = outside;
            } else {
                state = in_window;
                ++count;
            }
        }
    }
    std::fclose(f);
    if (windows == 0) {
        std::fprintf(stderr, "count_instructions: no window between ctnn_measure_begin and ctnn_measure_end in %s\n",
                     argv[1]);
        return 1;
    }
    return 0;
}
