/*
 * The whole loop over time of the subLSTM (also fix-subLSTM), the LSTM variants (named phi1,
 * phi2, peepholes, coupled gates) and the GRU (reset after R), forward and backward, in C.
 *
 * Driven from Python, a step costs a torch call for the product R h_{t-1}, which the BLAS shares
 * among its threads, and a call into steps.c for the rest. Here the loop runs as oneDNN runs
 * torch.nn.LSTM's:
 *
 *   - The threads of torch's own OpenMP team share out the hidden units. Thread k owns the units
 *     u0 … u1-1: it computes their columns of each gate block of R h_{t-1} (forward) or their
 *     columns of R^T da_{t+1} (backward) with one-thread BLAS calls, then their pointwise work.
 *     The threads meet at a barrier once per step, when h_t (or da_t) is complete.
 *   - Forward, a thread's products read only its units' rows of R, one block per gate, and add
 *     into A in place; backward, its units' columns of R.
 *   - Or (by_rows) the threads share out the batch rows instead: each runs its own rows through
 *     every step, all the units, with no barrier at all, since no row depends on another. Each
 *     thread then multiplies by the whole of R, on fewer rows. On a host whose caches and memory
 *     are shared with other work, this was the robust arrangement: a loop whose threads
 *     exchange h_t at every step slowed by half when the host was busy, this one hardly.
 *
 * The BLAS (sgemm_/dgemm_, the Fortran interface) and the team (GOMP_parallel) are torch's own:
 * compiled.py finds their addresses in the running process and hands them to set_runtime;
 * nothing here links against them. Without the team (or with threads = 1) the loop runs on the
 * calling thread and the BLAS shares each product among its own threads; runtime.py times the
 * three arrangements as they run and asks for the fastest.
 *
 * Shapes, every array C-contiguous: A (T, B, G*H), C and Y (T, B, H), R (G*H, H), bias (G*H),
 * h0 and c0 (B, H); the subLSTM's f_fixed and the LSTM's peephole weights (H) or NULL. G = 4
 * gate blocks i, f, z, o; G = 3 (i, z, o) for the fix-subLSTM and a coupled LSTM, and (r, u, n)
 * for the GRU, which has no C.
 */

#include <sched.h>
#include <stdlib.h>
#include <time.h>

#include "steps.c"

typedef void (*gemm_fn)(const char *, const char *, const int *, const int *, const int *,
                        const real *, const real *, const int *, const real *, const int *,
                        const real *, real *, const int *, size_t, size_t);
typedef void (*parallel_fn)(void (*)(void *), void *, unsigned, unsigned);
typedef int (*omp_query_fn)(void);

static gemm_fn blas_gemm;
static parallel_fn gomp_parallel;
static omp_query_fn omp_thread_num, omp_num_threads;

/* The addresses compiled.py found: the BLAS gemm for real, and the OpenMP runtime (or NULLs). */
void set_runtime(void *gemm, void *parallel, void *thread_num, void *num_threads)
{
    blas_gemm = (gemm_fn)gemm;
    gomp_parallel = (parallel_fn)parallel;
    omp_thread_num = (omp_query_fn)thread_num;
    omp_num_threads = (omp_query_fn)num_threads;
}

/*
 * Row-major C (M, N) = A (M, K) B (K, N) + beta C, or A B^T + beta C for B (N, K) when
 * transpose_b, each with its row stride (ld). The Fortran BLAS is column-major: it computes
 * C^T = B^T A^T, the same memory.
 */
static void matmul(long M, long N, long K, const real *A, long lda, const real *B, long ldb,
                   int transpose_b, real beta, real *C, long ldc)
{
    const int m = (int)N, n = (int)M, k = (int)K, la = (int)ldb, lb = (int)lda, lc = (int)ldc;
    const real one = 1;
    blas_gemm(transpose_b ? "T" : "N", "N", &m, &n, &k, &one, B, &la, A, &lb, &beta, C, &lc, 1, 1);
}

/*
 * 1 when the BLAS found multiplies correctly here (its integer size and calling convention are
 * what matmul assumes): a (3, 5) by (5, 4) product, strided, against the plain triple loop.
 */
int matmul_works(void)
{
    real a[3 * 6], b[5 * 4], c[3 * 4], want[3 * 4];
    for (int k = 0; k < 3 * 6; k++)
        a[k] = (real)((k * 7) % 11) - 5;
    for (int k = 0; k < 5 * 4; k++)
        b[k] = (real)((k * 5) % 9) - 4;
    for (int r = 0; r < 3; r++)
        for (int col = 0; col < 4; col++) {
            want[r * 4 + col] = 2;
            for (int k = 0; k < 5; k++)
                want[r * 4 + col] += a[r * 6 + k] * b[k * 4 + col];
            c[r * 4 + col] = 2;
        }
    matmul(3, 4, 5, a, 6, b, 4, 0, 1, c, 4);
    for (int k = 0; k < 3 * 4; k++)
        if (c[k] != want[k])
            return 0;
    real b_t[4 * 5]; /* b transposed: the same product through transpose_b */
    for (int k = 0; k < 5; k++)
        for (int col = 0; col < 4; col++)
            b_t[col * 5 + k] = b[k * 4 + col];
    for (int k = 0; k < 3 * 4; k++)
        c[k] = 2;
    matmul(3, 4, 5, a, 6, b_t, 5, 1, 1, c, 4);
    for (int k = 0; k < 3 * 4; k++)
        if (c[k] != want[k])
            return 0;
    return 1;
}

/*
 * The team. Its threads share out the hidden units in chunks of CHUNK, each thread a run of
 * consecutive chunks, and meet at a barrier after every step. Threads do not always run at the
 * same speed (efficiency and performance cores, a busy sibling hyperthread, a shared virtual
 * machine): each times its own work, and the last to reach the barrier moves the boundaries so
 * that the shares follow the measured speeds.
 */
#define CHUNK 8
#define MAX_THREADS 64

typedef struct {
    int threads, ready, arrived, sense;
    long first[MAX_THREADS + 1]; /* thread k owns the chunks first[k] … first[k+1]-1 */
    double busy[MAX_THREADS];    /* microseconds thread k worked in this step */
    double speed[MAX_THREADS];   /* hidden units per microsecond, smoothed; 0 before the first */
} team;

static double microseconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1e6 + now.tv_nsec * 1e-3;
}

/* Hidden units [u0, u1) of thread k */
static void share(const team *tm, int k, long H, long *u0, long *u1)
{
    *u0 = tm->first[k] * CHUNK;
    *u1 = tm->first[k + 1] * CHUNK < H ? tm->first[k + 1] * CHUNK : H;
}

/* Equal shares of the chunks: at least one each (threads <= chunks, see run) */
static void share_equally(team *tm, long chunks)
{
    for (int k = 0; k <= tm->threads; k++)
        tm->first[k] = k * chunks / tm->threads;
}

/* Shares in proportion to the threads' speeds, measured on the step just done. */
static void rebalance(team *tm, long H)
{
    const int n = tm->threads;
    const long chunks = (H + CHUNK - 1) / CHUNK;
    double total = 0;
    for (int k = 0; k < n; k++) {
        long u0, u1;
        share(tm, k, H, &u0, &u1);
        const double busy = tm->busy[k] > 0.01 ? tm->busy[k] : 0.01;
        const double speed = (double)(u1 - u0) / busy;
        tm->speed[k] = tm->speed[k] > 0 ? 0.5 * (tm->speed[k] + speed) : speed;
        total += tm->speed[k];
    }
    double before = 0;
    for (int k = 0; k < n - 1; k++) { /* the chunk boundary nearest to H * (speeds so far) */
        before += tm->speed[k];
        const long end = (long)(H * before / total / CHUNK + 0.5);
        const long least = tm->first[k] + 1, most = chunks - (n - 1 - k); /* one chunk each */
        tm->first[k + 1] = end < least ? least : end > most ? most : end;
    }
    tm->first[n] = chunks;
}

/* Tell the core this thread is waiting (lets a sibling hyperthread run, saves power). */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/*
 * The barrier (sense-reversing): spin briefly, then yield the core. The last thread to arrive
 * rebalances the shares when every thread has timed its step (busy > 0), then lets all go.
 */
static void team_wait(team *tm, long H, int *sense)
{
    *sense = !*sense;
    if (__atomic_add_fetch(&tm->arrived, 1, __ATOMIC_ACQ_REL) == tm->threads) {
        int timed = 1;
        for (int k = 0; k < tm->threads; k++)
            timed = timed && tm->busy[k] > 0;
        if (timed)
            rebalance(tm, H);
        __atomic_store_n(&tm->arrived, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&tm->sense, *sense, __ATOMIC_RELEASE);
        return;
    }
    for (long spins = 0; __atomic_load_n(&tm->sense, __ATOMIC_ACQUIRE) != *sense; spins++)
        if (spins < 2000) /* tens of microseconds: a step's wait is usually a few */
            cpu_relax();
        else
            sched_yield(); /* more threads than free cores: let the others run */
}

/* One sequence, forward or backward, and the buffers its threads share. */
typedef struct {
    real *A, *C, *Y, *dA, *dc, *DC;
    const real *R, *bias, *h0, *c0, *dY, *dh_T;
    real *work; /* backward: dh_t, and scratch */
    long T, B, H, G;
    int skip_first_product; /* forward: h_{-1} = 0, so R h_{-1} = 0 */
    team tm;
    int by_rows; /* the threads share out the batch rows (no barrier), not the hidden units */
    void (*part)(void *job, int k); /* the loop, run by thread k of the team */
    /* the cell: a subLSTM (f_fixed for the fix-subLSTM), an LSTM variant, or a GRU */
    enum { SUBLSTM, LSTM, GRU } cell;
    int phi1, phi2, coupled;
    const real *f_fixed, *w_ci, *w_cf, *w_co;
    real *Gn;           /* GRU: g_n = R_n h_{t-1} + b_hn (T, B, H) */
    long ld_da, K_da;   /* backward: the row stride of dA, and how many of its columns meet R */
} job;

/* Run job->part in each thread of the team. */
static void run_part(void *p)
{
    job *j = p;
    int k = omp_thread_num ? omp_thread_num() : 0;
    if (k == 0) { /* the team can be smaller than asked (nested in another parallel region) */
        const int threads = omp_num_threads ? omp_num_threads() : 1;
        j->tm.threads = threads < j->tm.threads ? threads : j->tm.threads;
        share_equally(&j->tm, (j->H + CHUNK - 1) / CHUNK);
        __atomic_store_n(&j->tm.ready, 1, __ATOMIC_RELEASE); /* the shares are set */
    }
    while (!__atomic_load_n(&j->tm.ready, __ATOMIC_ACQUIRE))
        cpu_relax();
    if (k < j->tm.threads)
        j->part(j, k);
}

static void run(job *j, int threads)
{
    const long chunks = (j->H + CHUNK - 1) / CHUNK;
    threads = threads < MAX_THREADS ? threads : MAX_THREADS;
    const long parts = j->by_rows ? j->B : chunks; /* at least one row, or one chunk, each */
    threads = threads < parts ? threads : (int)parts;
    if (threads < 1 || !gomp_parallel)
        threads = 1;
    j->tm.threads = threads;
    j->tm.ready = j->tm.arrived = j->tm.sense = 0;
    for (int k = 0; k < MAX_THREADS; k++)
        j->tm.busy[k] = j->tm.speed[k] = 0;
    if (threads > 1) {
        gomp_parallel(run_part, j, (unsigned)threads, 0);
    } else {
        j->tm.first[0] = 0;
        j->tm.first[1] = chunks;
        j->part(j, 0);
    }
}

/*
 * Thread k's batch rows b0 … b1-1 and hidden units u0 … u1-1: a run of chunks of units in every
 * row (the team's share, which moves), or a run of rows with every unit (by_rows).
 */
static void part_of(const job *j, int k, long *b0, long *b1, long *u0, long *u1)
{
    if (j->by_rows) {
        *b0 = k * j->B / j->tm.threads;
        *b1 = (k + 1) * j->B / j->tm.threads;
        *u0 = 0;
        *u1 = j->H;
    } else {
        *b0 = 0;
        *b1 = j->B;
        share(&j->tm, k, j->H, u0, u1);
    }
}

/*
 * Forward, by thread k, for its units u0 … u1-1: for each gate block g, one product adds their
 * columns of h_{t-1} R_g^T (B, n) to A_t in place (R_g's rows g*H+u0 … are one block; a thread
 * with all the units makes one product for all the blocks); then each row adds the bias and
 * does the pointwise work. The GRU's g_n = R_n h_{t-1} + b_hn goes to Gn, apart from a_n.
 */
static void forward_part(void *p, int k)
{
    job *j = p;
    team *tm = &j->tm;
    const long T = j->T, B = j->B, H = j->H, G = j->G, GH = G * H;
    const int timed = tm->threads > 1 && !j->by_rows; /* timed, and meeting at the barrier */
    int sense = 0;
    for (long t = 0; t < T; t++) {
        const double start = timed ? microseconds() : 0;
        long b0, b1, u0, u1;
        part_of(j, k, &b0, &b1, &u0, &u1);
        const long n = u1 - u0, rows = b1 - b0;
        const real *h_prev = t ? j->Y + (t - 1) * B * H : j->h0;
        const real *c_prev = !j->C ? NULL : t ? j->C + (t - 1) * B * H : j->c0; /* GRU: none */
        real *a_t = j->A + t * B * GH, *gn_t = j->Gn ? j->Gn + t * B * H + u0 : NULL;
        const int product = t > 0 || !j->skip_first_product;
        const long added = j->cell == GRU ? 2 : G; /* gate blocks whose R h_{t-1} adds into A */
        if (product && n == H) /* all the units: the blocks are adjacent, one product */
            matmul(rows, added * H, H, h_prev + b0 * H, H, j->R, H, 1, 1, a_t + b0 * GH, GH);
        else if (product) /* a_t += h_{t-1} R_g^T, this thread's columns of each block */
            for (long g = 0; g < added; g++)
                matmul(rows, n, H, h_prev + b0 * H, H, j->R + (g * H + u0) * H, H, 1, 1,
                       a_t + b0 * GH + g * H + u0, GH);
        if (j->cell == GRU && product) /* g_n = h_{t-1} R_n^T (+ b_hn below), apart from a_n */
            matmul(rows, n, H, h_prev + b0 * H, H, j->R + (2 * H + u0) * H, H, 1, 0, gn_t + b0 * H,
                   H);
        else if (j->cell == GRU)
            for (long b = b0; b < b1; b++)
                memset(gn_t + b * H, 0, sizeof(real) * n);
        for (long b = b0; b < b1; b++) {
            real *a = a_t + b * GH;
            const long off = (t * B + b) * H + u0;
            for (long g = 0; g < G; g++) { /* + b */
                real *gate = j->cell == GRU && g == 2 ? j->Gn + off : a + g * H + u0;
                const real *bias = j->bias + g * H + u0;
                for (long u = 0; u < n; u++)
                    gate[u] += bias[u];
            }
            real *i = a + u0, *f = G == 4 ? a + H + u0 : NULL;
            real *z = a + (G - 2) * H + u0, *o = a + (G - 1) * H + u0;
            if (j->cell == GRU) /* (r, u, n) = (i, f, z) here */
                gru_forward_units(a + u0, a + H + u0, a + 2 * H + u0, j->Gn + off,
                                  h_prev + b * H + u0, j->Y + off, n);
            else if (j->cell == LSTM)
                lstm_forward_units(i, f, z, o, c_prev + b * H + u0, j->C + off, j->Y + off,
                                   j->w_ci ? j->w_ci + u0 : NULL, j->w_cf ? j->w_cf + u0 : NULL,
                                   j->w_co ? j->w_co + u0 : NULL, j->phi1, j->phi2, j->coupled, n);
            else
                sublstm_forward_units(i, f, z, o, j->f_fixed ? j->f_fixed + u0 : NULL,
                                      c_prev + b * H + u0, j->C + off, j->Y + off, n);
        }
        if (timed) {
            tm->busy[k] = microseconds() - start;
            team_wait(tm, H, &sense); /* h_t complete */
        }
    }
}

/* Run the forward loop of *j (its buffers and cell set). It allocates nothing: always 0. */
static int forward(job *j, int threads)
{
    j->part = forward_part;
    run(j, threads);
    return 0;
}

/* Backward, by thread k; dh (B, H) is shared, each thread filling its own columns. */
static void backward_part(void *p, int k)
{
    job *j = p;
    team *tm = &j->tm;
    const long T = j->T, B = j->B, H = j->H, G = j->G, GH = G * H;
    const int timed = tm->threads > 1 && !j->by_rows; /* timed, and meeting at the barrier */
    real *dh = j->work; /* dh_t (B, H) */
    int sense = 0;
    for (long t = T - 1; t >= 0; t--) {
        const double start = timed ? microseconds() : 0;
        long b0, b1, u0, u1;
        part_of(j, k, &b0, &b1, &u0, &u1);
        const long n = u1 - u0, rows = b1 - b0;
        /* 2 values per hidden unit: the team's threads have units of their own, by_rows not */
        real *scratch = j->work + B * H + (j->by_rows ? 2 * H * k : 2 * u0);
        for (long b = b0; b < b1; b++) { /* dh_t = dY_t (+ dL/dh_T at the end) */
            const real *dy = j->dY + (t * B + b) * H + u0, *dh_T = j->dh_T + b * H + u0;
            real *d = dh + b * H + u0;
            for (long u = 0; u < n; u++)
                d[u] = t == T - 1 ? dy[u] + dh_T[u] : dy[u];
        }
        if (t < T - 1) /* dh_t += R^T da_{t+1}: the columns u0 … u1-1 of da_{t+1} R */
            matmul(rows, n, j->K_da, j->dA + ((t + 1) * B + b0) * j->ld_da, j->ld_da, j->R + u0,
                   H, 0, 1, dh + b0 * H + u0, H);
        const real *c_prev = !j->C ? NULL : t ? j->C + (t - 1) * B * H : j->c0; /* GRU: none */
        const real *h_prev = !j->Y ? NULL : t ? j->Y + (t - 1) * B * H : j->h0; /* the GRU's */
        for (long b = b0; b < b1; b++) {
            const real *g = j->A + (t * B + b) * GH;
            real *da = j->dA + (t * B + b) * j->ld_da;
            const long off = b * H + u0, has_f = G == 4;
            const real *i = g + u0, *f = has_f ? g + H + u0 : NULL;
            const real *z = g + (G - 2) * H + u0, *o = g + (G - 1) * H + u0;
            real *da_i = da + u0, *da_f = has_f ? da + H + u0 : NULL;
            real *da_z = da + (G - 2) * H + u0, *da_o = da + (G - 1) * H + u0;
            if (j->cell == GRU) /* dA = D (T, B, 4H): da_r, da_u, dg_n, da_n; dc: the carry */
                gru_backward_units(g + u0, g + H + u0, g + 2 * H + u0, j->Gn + t * B * H + off,
                                   h_prev + off, dh + off, j->dc + off, da + u0, da + H + u0,
                                   da + 2 * H + u0, da + 3 * H + u0, n);
            else if (j->cell == LSTM)
                lstm_backward_units(i, f, z, o, c_prev + off, j->C + t * B * H + off, dh + off,
                                    j->dc + off, da_i, da_f, da_z, da_o,
                                    j->w_ci ? j->w_ci + u0 : NULL, j->w_cf ? j->w_cf + u0 : NULL,
                                    j->w_co ? j->w_co + u0 : NULL, j->phi1, j->phi2, j->coupled,
                                    scratch, n);
            else
                sublstm_backward_units(i, j->f_fixed ? j->f_fixed + u0 : f, z, o, c_prev + off,
                                       j->Y + t * B * H + off, dh + off, j->dc + off, da_i,
                                       da_f, da_z, da_o, j->DC ? j->DC + t * B * H + off : NULL,
                                       n);
        }
        if (timed) {
            tm->busy[k] = microseconds() - start;
            team_wait(tm, H, &sense); /* da_t complete */
        }
    }
}

/* Run the backward loop of *j (its buffers and cell set): 0, or -1 when memory runs out. */
static int backward(job *j, int threads)
{
    j->part = backward_part;
    if (!j->ld_da) /* a memory cell: all of dA meets R */
        j->ld_da = j->K_da = j->G * j->H;
    j->work = malloc(sizeof(real) * (j->B + 2 * (threads > 1 ? threads : 1)) * j->H);
    if (!j->work)
        return -1;
    run(j, threads);
    free(j->work);
    return 0;
}

/*
 * The loops called from Python. Each ends with threads (how many share the work; 1: the calling
 * thread alone, the BLAS sharing each product among its own threads) and by_rows (0: the
 * threads share out the hidden units and meet at every step; 1: they share out the batch rows).
 */

/*
 * subLSTM forward over a sequence.
 *   in:  A = W x_t for every t;  R;  bias (G*H) = b_ih + b_hh;  h0, c0;  f_fixed
 *   out: A <- the gates;  C, Y = c_t, h_t for every t
 * Returns 0 (a forward loop allocates nothing; the return is the backward's interface).
 */
int sublstm_forward_sequence(real *A, real *C, real *Y, const real *R, const real *bias,
                             const real *h0, const real *c0, const real *f_fixed, long T,
                             long B, long H, int skip_first_product, int threads, int by_rows)
{
    job j = {.A = A, .C = C, .Y = Y, .R = R, .bias = bias, .h0 = h0, .c0 = c0,
             .f_fixed = f_fixed, .T = T, .B = B, .H = H, .G = f_fixed ? 3 : 4,
             .skip_first_product = skip_first_product};
    j.by_rows = by_rows;
    return forward(&j, threads);
}

/*
 * subLSTM backward through a sequence (BPTT).
 *   in:  A the gates, C, Y from the forward;  R;  c0;  dY (T, B, H) = dL/dh_t from above;
 *        dh_T, dc (B, H) = dL/dh_{T-1}, dL/dc_{T-1} through the final state;  f_fixed
 *   out: dA = da_t for every t;  dc <- what reaches c_{-1};  with f_fixed, DC (T, B, H) = dc_t
 * Returns 0, or -1 when memory runs out.
 */
int sublstm_backward_sequence(const real *A, const real *C, const real *Y, const real *R,
                              const real *c0, const real *dY, const real *dh_T, real *dc,
                              real *dA, real *DC, const real *f_fixed, long T, long B, long H,
                              int threads, int by_rows)
{
    job j = {.A = (real *)A, .C = (real *)C, .Y = (real *)Y, .dA = dA, .dc = dc, .DC = DC,
             .R = R, .c0 = c0, .f_fixed = f_fixed, .dY = dY, .dh_T = dh_T,
             .T = T, .B = B, .H = H, .G = f_fixed ? 3 : 4};
    j.by_rows = by_rows;
    return backward(&j, threads);
}

/*
 * LSTM variant forward over a sequence: phi1, phi2 (codes of steps.c), peephole weights w_ci,
 * w_cf, w_co (H) or NULL, coupled gates (then G = 3: i, z, o).
 *   in:  A = W x_t for every t;  R;  bias (G*H) = b_ih + b_hh;  h0, c0
 *   out: A <- the gates i, f, z = phi1(a_z), o;  C, Y = c_t, h_t for every t
 * Returns 0 (a forward loop allocates nothing; the return is the backward's interface).
 */
int lstm_forward_sequence(real *A, real *C, real *Y, const real *R, const real *bias,
                          const real *h0, const real *c0, const real *w_ci, const real *w_cf,
                          const real *w_co, int phi1, int phi2, int coupled, long T, long B,
                          long H, int skip_first_product, int threads, int by_rows)
{
    job j = {.A = A, .C = C, .Y = Y, .R = R, .bias = bias, .h0 = h0, .c0 = c0, .cell = LSTM,
             .phi1 = phi1, .phi2 = phi2, .coupled = coupled, .w_ci = w_ci, .w_cf = w_cf,
             .w_co = w_co, .T = T, .B = B, .H = H, .G = coupled ? 3 : 4,
             .skip_first_product = skip_first_product};
    j.by_rows = by_rows;
    return forward(&j, threads);
}

/*
 * LSTM variant backward through a sequence (BPTT), the cell as in lstm_forward_sequence.
 *   in:  A the gates, C from the forward;  R;  c0;  dY (T, B, H) = dL/dh_t from above;
 *        dh_T, dc (B, H) = dL/dh_{T-1}, dL/dc_{T-1} through the final state
 *   out: dA = da_t for every t;  dc <- what reaches c_{-1}
 * Returns 0, or -1 when memory runs out.
 */
int lstm_backward_sequence(const real *A, const real *C, const real *R, const real *c0,
                           const real *dY, const real *dh_T, real *dc, real *dA,
                           const real *w_ci, const real *w_cf, const real *w_co, int phi1,
                           int phi2, int coupled, long T, long B, long H, int threads, int by_rows)
{
    job j = {.A = (real *)A, .C = (real *)C, .dA = dA, .dc = dc, .R = R, .c0 = c0,
             .dY = dY, .dh_T = dh_T, .cell = LSTM, .phi1 = phi1, .phi2 = phi2,
             .coupled = coupled, .w_ci = w_ci, .w_cf = w_cf, .w_co = w_co,
             .T = T, .B = B, .H = H, .G = coupled ? 3 : 4};
    j.by_rows = by_rows;
    return backward(&j, threads);
}

/*
 * GRU (reset after R) forward over a sequence. Gate blocks (r, u, n).
 *   in:  A = W x_t + b_i for every t;  R (3H, H);  bias (3H) = b_h;  h0
 *   out: A <- the gates r, u, n;  Y = h_t and Gn = R_n h_{t-1} + b_hn for every t
 * Returns 0 (a forward loop allocates nothing; the return is the backward's interface).
 */
int gru_forward_sequence(real *A, real *Y, real *Gn, const real *R, const real *bias,
                         const real *h0, long T, long B, long H, int skip_first_product,
                         int threads, int by_rows)
{
    job j = {.A = A, .Y = Y, .Gn = Gn, .R = R, .bias = bias, .h0 = h0, .cell = GRU,
             .T = T, .B = B, .H = H, .G = 3, .skip_first_product = skip_first_product};
    j.by_rows = by_rows;
    return forward(&j, threads);
}

/*
 * GRU (reset after R) backward through a sequence (BPTT).
 *   in:  A the gates, Y, Gn from the forward;  R;  h0;  dY (T, B, H) = dL/dh_t from above;
 *        dh_T (B, H) = dL/dh_{T-1} through the final state;  carry (B, H) = 0
 *   out: D (T, B, 4H) = da_r, da_u, dg_n, da_n for every t;  carry <- what reaches h_{-1}
 *        outside R (dh_0 u_0)
 * Returns 0, or -1 when memory runs out.
 */
int gru_backward_sequence(const real *A, const real *Y, const real *Gn, const real *R,
                          const real *h0, const real *dY, const real *dh_T, real *carry, real *D,
                          long T, long B, long H, int threads, int by_rows)
{
    job j = {.A = (real *)A, .Y = (real *)Y, .Gn = (real *)Gn, .R = R, .h0 = h0, .dY = dY,
             .dh_T = dh_T, .dc = carry, .dA = D, .cell = GRU, .T = T, .B = B, .H = H, .G = 3,
             .ld_da = 4 * H, .K_da = 3 * H};
    j.by_rows = by_rows;
    return backward(&j, threads);
}
