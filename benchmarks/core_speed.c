/*
 * Whether the cores compute more slowly: the same arithmetic (eight independent multiply-add
 * chains, no memory traffic) timed on one thread alone, then on two threads at once. On a
 * machine of its own both take the same time, and so they do when two CPUs are two cores; two
 * hyperthreads of one core would take about twice as long together. benchmarks/RESULTS.md runs
 * it beside torch.nn.LSTM's time, to tell a slower core from a slower memory system.
 *
 *     cc -O2 -pthread benchmarks/core_speed.c -o /tmp/core_speed && /tmp/core_speed 5
 *
 * Prints one line per round: the milliseconds alone, the two threads' milliseconds together,
 * and their ratio (together / alone).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define STEPS 4000000L

static double seconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec + now.tv_nsec * 1e-9;
}

/* Seconds for STEPS rounds of eight independent chains x <- x m + c */
static double arithmetic(void)
{
    double x[8];
    for (int i = 0; i < 8; i++)
        x[i] = i * 0.1;
    const double start = seconds();
    for (long k = 0; k < STEPS; k++)
        for (int i = 0; i < 8; i++)
            x[i] = x[i] * 0.9999999 + 1e-9;
    const double elapsed = seconds() - start;
    volatile double sink = 0;
    for (int i = 0; i < 8; i++)
        sink += x[i];
    return elapsed;
}

/* Linux: keep the calling thread on CPU `cpu`, so that the two threads never share one */
static void pin(int cpu)
{
#ifdef __linux__
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    CPU_SET(cpu, &cpus);
    pthread_setaffinity_np(pthread_self(), sizeof cpus, &cpus);
#else
    (void)cpu;
#endif
}

static void *second_thread(void *result)
{
    pin(1);
    *(double *)result = arithmetic();
    return NULL;
}

int main(int argc, char **argv)
{
    const int rounds = argc > 1 ? atoi(argv[1]) : 5;
    pin(0);
    arithmetic(); /* warm-up */
    for (int r = 0; r < rounds; r++) {
        const double alone = arithmetic();
        double other = 0;
        pthread_t thread;
        if (pthread_create(&thread, NULL, second_thread, &other) != 0)
            return 1;
        const double together = arithmetic();
        pthread_join(thread, NULL);
        const double slower = together > other ? together : other;
        printf("alone %.2f ms, together %.2f / %.2f ms, ratio %.2f\n", alone * 1e3,
               together * 1e3, other * 1e3, slower / alone);
    }
    return 0;
}
