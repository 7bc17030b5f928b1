/*
 * How much of the time the host takes this machine's cores away: two threads spin for 200 ms,
 * each reading the clock as it goes, and report the gaps of more than 20 microseconds in their
 * own progress (their thread was not running). On a machine of its own, a fraction of a
 * percent is lost; on a shared virtual machine in a busy period, several percent, in slices of
 * milliseconds. benchmarks/RESULTS.md runs it before and after each table of cell speeds.
 *
 *     cc -O2 -pthread benchmarks/host_gaps.c -o /tmp/host_gaps && /tmp/host_gaps
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define SECONDS 0.2
#define GAP_US 20.0

static double microseconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1e6 + now.tv_nsec * 1e-3;
}

static void *spin(void *id)
{
    volatile double x = 1;
    double start = microseconds(), last = start, lost = 0, longest = 0;
    long gaps = 0;
    while (last - start < SECONDS * 1e6) {
        for (int k = 0; k < 200; k++) /* a little work between two readings of the clock */
            x = x * 1.0000001 + 1e-9;
        double now = microseconds(), gap = now - last;
        if (gap > GAP_US) {
            lost += gap;
            gaps++;
        }
        longest = gap > longest ? gap : longest;
        last = now;
    }
    printf("thread %ld: %ld gaps over %.0f us, %.0f us lost of %.0f (%.1f %%), longest %.0f us\n",
           (long)id, gaps, GAP_US, lost, SECONDS * 1e6, 100 * lost / (SECONDS * 1e6), longest);
    return NULL;
}

int main(void)
{
    pthread_t threads[2];
    for (long k = 0; k < 2; k++)
        pthread_create(&threads[k], NULL, spin, (void *)k);
    for (int k = 0; k < 2; k++)
        pthread_join(threads[k], NULL);
    return 0;
}
