/*
 * startup.c: exec to `init_ok` of one or more nodes, timed in C (part of `make bench`).
 *
 *     startup ROUNDS RUNS NODE...
 *
 * ROUNDS rounds; in each, every NODE runs RUNS times in turn (interleaved, so that a noisy
 * neighbour slows every node alike). A run writes bench_input.py's `init` into a pipe, forks
 * and execs the node on it (`NODE --seed 1`, stderr to /dev/null), and reads its stdout up to the
 * first newline: that is startup. VmRSS is read from /proc/PID/status at that moment; then stdin
 * is closed, the rest of stdout drained, and the CPU time of the whole run (user + system, exec
 * to exit) taken from wait4. Prints one line per node: medians, and p10 and p90 of startup.
 * Python's subprocess adds about a millisecond of its own to each start, which this does not.
 * Built by `make bench`: cc -O2 -o .build/startup bench/startup.c.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char init[] =
    "{\"src\":\"c0\",\"dest\":\"n1\",\"body\":{\"type\":\"init\",\"msg_id\":1,"
    "\"node_id\":\"n1\",\"node_ids\":[\"n1\",\"n2\",\"n3\"]}}\n";

static void die(const char *what) {
    perror(what);
    exit(1);
}

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* VmRSS of `pid` in KiB, 0 when it cannot be read. */
static double vm_rss(pid_t pid) {
    char path[64], line[256];
    double kib = 0;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) kib = atof(line + 6);
    fclose(f);
    return kib;
}

/* One run of `node`: startup in ms (negative if no line came), VmRSS then, CPU ms to exit. */
static double run(const char *node, double *rss, double *cpu) {
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) die("pipe2");
    if (write(in[1], init, sizeof init - 1) != (ssize_t)(sizeof init - 1)) die("write");
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(null, 2);
        execl(node, node, "--seed", "1", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    char buf[4096];
    ssize_t n;
    int got = 0;
    while (!got && (n = read(out[0], buf, sizeof buf)) > 0) got = memchr(buf, '\n', n) != NULL;
    double startup = now_ms() - t0;
    *rss = vm_rss(pid);
    close(in[1]);
    while (read(out[0], buf, sizeof buf) > 0) {
    }
    close(out[0]);
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) die("wait4");
    *cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
    return got ? startup : -1;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: startup ROUNDS RUNS NODE...\n");
        return 2;
    }
    int rounds = atoi(argv[1]), runs = atoi(argv[2]), nodes = argc - 3, total = rounds * runs;
    if (rounds < 1 || runs < 1) {
        fprintf(stderr, "startup: ROUNDS and RUNS must be at least 1\n");
        return 2;
    }
    double *t = calloc((size_t)nodes * total * 3, sizeof(double));
    int *count = calloc((size_t)nodes, sizeof(int)), failed = 0;
    if (!t || !count) die("calloc");
    for (int r = 0; r < rounds; r++)
        for (int k = 0; k < nodes; k++)
            for (int i = 0; i < runs; i++) {
                double rss, cpu, startup = run(argv[3 + k], &rss, &cpu);
                if (startup < 0) {
                    fprintf(stderr, "startup: %s wrote no line\n", argv[3 + k]);
                    failed = 1;
                    continue;
                }
                double *row = t + (size_t)k * total * 3;
                int j = count[k]++;
                row[j] = startup;
                row[total + j] = cpu;
                row[2 * total + j] = rss;
            }
    for (int k = 0; k < nodes; k++) {
        double *row = t + (size_t)k * total * 3;
        int m = count[k];
        if (m == 0) continue;
        for (int c = 0; c < 3; c++) qsort(row + c * total, m, sizeof(double), by_value);
        printf("%-28s %d runs: exec to init_ok %.2f ms (p10 %.2f, p90 %.2f), CPU %.2f ms, "
               "VmRSS %.0f KiB\n",
               argv[3 + k], m, row[m / 2], row[m / 10], row[m * 9 / 10], row[total + m / 2],
               row[2 * total + m / 2]);
    }
    return failed;
}
