/*
 * The whole loop over time of the subLSTM (also fix-subLSTM), the LSTM variants (named phi1,
 * phi2, peepholes, coupled gates) and the GRU (reset after R, or before), forward and backward,
 * in C.
 *
 * Driven from Python, a step costs a torch call for the product R h_{t-1} and a call into steps.c
 * for the rest. Here the loop runs in C, and the threads of torch's own OpenMP team share out
 * the batch rows: thread k runs its rows b0 … b1-1 through every step, all the hidden units,
 * with no barrier, since no row depends on another. The rows are split the same way at every
 * call (by B and the number of threads alone), so the same call gives the same numbers.
 *
 * The BLAS (sgemm_/dgemm_, the Fortran interface) and the team (GOMP_parallel) are torch's own:
 * compiled.py finds their addresses in the running process and hands them to set_runtime;
 * nothing here links against them. With one thread (threads = 1, or no OpenMP team) the loop
 * runs on the calling thread and the BLAS shares each product among its own threads.
 *
 * Shapes, every array C-contiguous: A (T, B, G*H), C and Y (T, B, H), R (G*H, H), bias (G*H),
 * h0 and c0 (B, H); the subLSTM's f_fixed and the LSTM's peephole weights (H) or NULL. G = 4
 * gate blocks i, f, z, o; G = 3 (i, z, o) for the fix-subLSTM and a coupled LSTM, and (r, u, n)
 * for the GRU, which has no C.
 */

#include <stdlib.h>

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

/* One sequence, forward or backward, and the buffers its threads share. */
typedef struct {
    real *A, *C, *Y, *dA, *dc, *DC;
    const real *R, *bias, *h0, *c0, *dY, *dh_T;
    real *work; /* backward: dh_t, and scratch */
    long T, B, H, G;
    int skip_first_product; /* forward: h_{-1} = 0, so R h_{-1} = 0 */
    int threads;            /* how many share out the batch rows */
    void (*part)(void *job, int k); /* the loop, run by thread k of the team */
    /* the cell: a subLSTM (f_fixed for the fix-subLSTM), an LSTM variant, or a GRU */
    enum { SUBLSTM, LSTM, GRU, GRU_BEFORE } cell;
    int phi1, phi2, coupled;
    const real *f_fixed, *w_ci, *w_cf, *w_co;
    real *Gn;           /* GRU: g_n = R_n h_{t-1} + b_hn (T, B, H); reset before: r h_{t-1} */
    real *drh;          /* GRU, reset before, backward: d(r h_{t-1}) (B, H) */
    long ld_da, K_da;   /* backward: the row stride of dA, and how many of its columns meet R */
} job;

/*
 * Run job->part on `threads` threads, at most one per batch row. The team can be smaller than
 * asked (nested in another parallel region): then its thread 0 runs the missing threads' parts
 * after its own, so every row is run, whatever the team, and split the same way.
 */
static void run_all(void *p)
{
    job *j = p;
    const int k = omp_thread_num ? omp_thread_num() : 0;
    const int got = omp_num_threads ? omp_num_threads() : 1;
    if (k < j->threads)
        j->part(j, k);
    if (k == 0)
        for (int missing = got; missing < j->threads; missing++)
            j->part(j, missing);
}

static void run(job *j, int threads)
{
    threads = threads < j->B ? threads : (int)j->B;
    if (threads < 1 || !gomp_parallel)
        threads = 1;
    j->threads = threads;
    if (threads > 1)
        gomp_parallel(run_all, j, (unsigned)threads, 0);
    else
        j->part(j, 0);
}

/* Thread k's batch rows b0 … b1-1: the same split at every call. */
static void rows_of(const job *j, int k, long *b0, long *b1)
{
    *b0 = k * j->B / j->threads;
    *b1 = (k + 1) * j->B / j->threads;
}

/*
 * Forward, by thread k, for its rows b0 … b1-1: one product adds h_{t-1} R^T to A_t in place
 * (the gate blocks are adjacent); then each row adds the bias and does the pointwise work. The
 * GRU's g_n = R_n h_{t-1} + b_hn goes to Gn, apart from a_n.
 */
static void forward_part(void *p, int k)
{
    job *j = p;
    const long T = j->T, B = j->B, H = j->H, G = j->G, GH = G * H;
    long b0, b1;
    rows_of(j, k, &b0, &b1);
    const long rows = b1 - b0;
    for (long t = 0; t < T; t++) {
        const real *h_prev = t ? j->Y + (t - 1) * B * H : j->h0;
        const real *c_prev = !j->C ? NULL : t ? j->C + (t - 1) * B * H : j->c0; /* GRU: none */
        real *a_t = j->A + t * B * GH, *gn_t = j->Gn ? j->Gn + t * B * H : NULL;
        const int product = t > 0 || !j->skip_first_product;
        const long added = j->cell == GRU ? 2 : G; /* gate blocks whose R h_{t-1} adds into A */
        if (product) /* a_t += h_{t-1} R^T, the blocks adjacent: one product */
            matmul(rows, added * H, H, h_prev + b0 * H, H, j->R, H, 1, 1, a_t + b0 * GH, GH);
        if (j->cell == GRU && product) /* g_n = h_{t-1} R_n^T (+ b_hn below), apart from a_n */
            matmul(rows, H, H, h_prev + b0 * H, H, j->R + 2 * H * H, H, 1, 0, gn_t + b0 * H, H);
        else if (j->cell == GRU)
            memset(gn_t + b0 * H, 0, sizeof(real) * rows * H);
        for (long b = b0; b < b1; b++) {
            real *a = a_t + b * GH;
            const long off = (t * B + b) * H;
            for (long g = 0; g < G; g++) { /* + b */
                real *gate = j->cell == GRU && g == 2 ? j->Gn + off : a + g * H;
                const real *bias = j->bias + g * H;
                for (long u = 0; u < H; u++)
                    gate[u] += bias[u];
            }
            real *i = a, *f = G == 4 ? a + H : NULL;
            real *z = a + (G - 2) * H, *o = a + (G - 1) * H;
            if (j->cell == GRU) /* (r, u, n) = (i, f, z) here */
                gru_forward_units(a, a + H, a + 2 * H, j->Gn + off, h_prev + b * H, j->Y + off,
                                  H);
            else if (j->cell == LSTM)
                lstm_forward_units(i, f, z, o, c_prev + b * H, j->C + off, j->Y + off, j->w_ci,
                                   j->w_cf, j->w_co, j->phi1, j->phi2, j->coupled, H);
            else
                sublstm_forward_units(i, f, z, o, j->f_fixed, c_prev + b * H, j->C + off,
                                      j->Y + off, H);
        }
    }
}

/* Run the forward loop of *j (its buffers and cell set). It allocates nothing: always 0. */
/*
 * GRU (reset before R) forward, by thread k, for its rows b0 … b1-1: a_{r,u} += h_{t-1} R_{r,u}^T,
 * the bias, the gates r, u and r ⊙ h_{t-1} (into Gn); then a_n += (r ⊙ h_{t-1}) R_n^T, n and h.
 */
static void gru_before_forward_part(void *p, int k)
{
    job *j = p;
    const long T = j->T, B = j->B, H = j->H, GH = 3 * H;
    long b0, b1;
    rows_of(j, k, &b0, &b1);
    const long rows = b1 - b0;
    for (long t = 0; t < T; t++) {
        const real *h_prev = t ? j->Y + (t - 1) * B * H : j->h0;
        real *a_t = j->A + t * B * GH, *rh_t = j->Gn + t * B * H;
        const int product = t > 0 || !j->skip_first_product;
        if (product) /* a_{r,u} += h_{t-1} R_{r,u}^T */
            matmul(rows, 2 * H, H, h_prev + b0 * H, H, j->R, H, 1, 1, a_t + b0 * GH, GH);
        for (long b = b0; b < b1; b++) {
            real *a = a_t + b * GH;
            for (long g = 0; g < GH; g++) /* + b */
                a[g] += j->bias[g];
            gru_before_gates(a, a + H, h_prev + b * H, rh_t + b * H, H);
        }
        if (product) /* a_n += (r ⊙ h_{t-1}) R_n^T */
            matmul(rows, H, H, rh_t + b0 * H, H, j->R + 2 * H * H, H, 1, 1,
                   a_t + b0 * GH + 2 * H, GH);
        for (long b = b0; b < b1; b++) {
            real *a = a_t + b * GH;
            gru_before_output(a + H, a + 2 * H, h_prev + b * H, j->Y + (t * B + b) * H, H);
        }
    }
}

static int forward(job *j, int threads)
{
    j->part = j->cell == GRU_BEFORE ? gru_before_forward_part : forward_part;
    run(j, threads);
    return 0;
}

/* dh_t = dY_t (+ dL/dh_T at the last step) for the rows b0 … b1-1: what reaches h_t from above */
static void start_dh(const job *j, long t, long b0, long b1, real *dh)
{
    const long B = j->B, H = j->H;
    for (long b = b0; b < b1; b++) {
        const real *dy = j->dY + (t * B + b) * H, *dh_T = j->dh_T + b * H;
        real *d = dh + b * H;
        for (long u = 0; u < H; u++)
            d[u] = t == j->T - 1 ? dy[u] + dh_T[u] : dy[u];
    }
}

/* Backward, by thread k, for its rows b0 … b1-1; dh (B, H) is shared, each thread its rows. */
static void backward_part(void *p, int k)
{
    job *j = p;
    const long T = j->T, B = j->B, H = j->H, G = j->G, GH = G * H;
    long b0, b1;
    rows_of(j, k, &b0, &b1);
    const long rows = b1 - b0;
    real *dh = j->work;                       /* dh_t (B, H) */
    real *scratch = j->work + B * H + 2 * H * k; /* 2 values per hidden unit, per thread */
    for (long t = T - 1; t >= 0; t--) {
        start_dh(j, t, b0, b1, dh);
        if (t < T - 1) /* dh_t += R^T da_{t+1}, that is da_{t+1} R */
            matmul(rows, H, j->K_da, j->dA + ((t + 1) * B + b0) * j->ld_da, j->ld_da, j->R, H, 0,
                   1, dh + b0 * H, H);
        const real *c_prev = !j->C ? NULL : t ? j->C + (t - 1) * B * H : j->c0; /* GRU: none */
        const real *h_prev = !j->Y ? NULL : t ? j->Y + (t - 1) * B * H : j->h0; /* the GRU's */
        for (long b = b0; b < b1; b++) {
            const real *g = j->A + (t * B + b) * GH;
            real *da = j->dA + (t * B + b) * j->ld_da;
            const long off = b * H, has_f = G == 4;
            const real *i = g, *f = has_f ? g + H : NULL;
            const real *z = g + (G - 2) * H, *o = g + (G - 1) * H;
            real *da_i = da, *da_f = has_f ? da + H : NULL;
            real *da_z = da + (G - 2) * H, *da_o = da + (G - 1) * H;
            if (j->cell == GRU) /* dA = D (T, B, 4H): da_r, da_u, dg_n, da_n; dc: the carry */
                gru_backward_units(g, g + H, g + 2 * H, j->Gn + t * B * H + off, h_prev + off,
                                   dh + off, j->dc + off, da, da + H, da + 2 * H, da + 3 * H, H);
            else if (j->cell == LSTM)
                lstm_backward_units(i, f, z, o, c_prev + off, j->C + t * B * H + off, dh + off,
                                    j->dc + off, da_i, da_f, da_z, da_o, j->w_ci, j->w_cf,
                                    j->w_co, j->phi1, j->phi2, j->coupled, scratch, H);
            else
                sublstm_backward_units(i, j->f_fixed ? j->f_fixed : f, z, o, c_prev + off,
                                       j->Y + t * B * H + off, dh + off, j->dc + off, da_i,
                                       da_f, da_z, da_o, j->DC ? j->DC + t * B * H + off : NULL,
                                       H);
        }
    }
}

/* Run the backward loop of *j (its buffers and cell set): 0, or -1 when memory runs out. */
/*
 * GRU (reset before R) backward, by thread k, for its rows b0 … b1-1. dA = (da_r, da_u, da_n).
 * dh_t = dY_t (+ dL/dh_T) + da_{r,u,t+1} R_{r,u} + carry; d(rh) = da_n R_n; the carry is what
 * reaches h_{t-1} outside R_{r,u}: dh_t u + d(rh) r.
 */
static void gru_before_backward_part(void *p, int k)
{
    job *j = p;
    const long T = j->T, B = j->B, H = j->H, GH = 3 * H;
    long b0, b1;
    rows_of(j, k, &b0, &b1);
    const long rows = b1 - b0;
    real *dh = j->work; /* dh_t (B, H) */
    for (long t = T - 1; t >= 0; t--) {
        start_dh(j, t, b0, b1, dh);
        if (t < T - 1) /* dh_t += da_{r,u,t+1} R_{r,u} */
            matmul(rows, H, 2 * H, j->dA + ((t + 1) * B + b0) * GH, GH, j->R, H, 0, 1,
                   dh + b0 * H, H);
        const real *h_prev = t ? j->Y + (t - 1) * B * H : j->h0;
        for (long b = b0; b < b1; b++) {
            const real *g = j->A + (t * B + b) * GH;
            real *da = j->dA + (t * B + b) * GH;
            gru_before_backward_first(g + H, g + 2 * H, h_prev + b * H, dh + b * H,
                                      j->dc + b * H, da + H, da + 2 * H, H);
        }
        /* d(rh) = da_n R_n */
        matmul(rows, H, H, j->dA + (t * B + b0) * GH + 2 * H, GH, j->R + 2 * H * H, H, 0, 0,
               j->drh + b0 * H, H);
        for (long b = b0; b < b1; b++) {
            const real *g = j->A + (t * B + b) * GH;
            real *da = j->dA + (t * B + b) * GH;
            gru_before_backward_second(g, g + H, h_prev + b * H, dh + b * H, j->drh + b * H,
                                       j->dc + b * H, da, H);
        }
    }
}

static int backward(job *j, int threads)
{
    j->part = j->cell == GRU_BEFORE ? gru_before_backward_part : backward_part;
    if (!j->ld_da) /* a memory cell: all of dA meets R */
        j->ld_da = j->K_da = j->G * j->H;
    const long scratch = j->B + 2 * (threads > 1 ? threads : 1); /* dh_t, 2 values per unit each */
    const long drh = j->cell == GRU_BEFORE ? j->B : 0; /* d(r h_{t-1}) (B, H) */
    j->work = malloc(sizeof(real) * (scratch + drh) * j->H);
    if (!j->work)
        return -1;
    j->drh = j->work + scratch * j->H;
    run(j, threads);
    free(j->work);
    return 0;
}

/*
 * The loops called from Python. Each ends with threads: how many share out the batch rows (1:
 * the calling thread alone, the BLAS sharing each product among its own threads).
 */

/*
 * subLSTM forward over a sequence.
 *   in:  A = W x_t for every t;  R;  bias (G*H) = b_ih + b_hh;  h0, c0;  f_fixed
 *   out: A <- the gates;  C, Y = c_t, h_t for every t
 * Returns 0 (a forward loop allocates nothing; the return is the backward's interface).
 */
int sublstm_forward_sequence(real *A, real *C, real *Y, const real *R, const real *bias,
                             const real *h0, const real *c0, const real *f_fixed, long T,
                             long B, long H, int skip_first_product, int threads)
{
    job j = {.A = A, .C = C, .Y = Y, .R = R, .bias = bias, .h0 = h0, .c0 = c0,
             .f_fixed = f_fixed, .T = T, .B = B, .H = H, .G = f_fixed ? 3 : 4,
             .skip_first_product = skip_first_product};
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
                              int threads)
{
    job j = {.A = (real *)A, .C = (real *)C, .Y = (real *)Y, .dA = dA, .dc = dc, .DC = DC,
             .R = R, .c0 = c0, .f_fixed = f_fixed, .dY = dY, .dh_T = dh_T,
             .T = T, .B = B, .H = H, .G = f_fixed ? 3 : 4};
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
                          long H, int skip_first_product, int threads)
{
    job j = {.A = A, .C = C, .Y = Y, .R = R, .bias = bias, .h0 = h0, .c0 = c0, .cell = LSTM,
             .phi1 = phi1, .phi2 = phi2, .coupled = coupled, .w_ci = w_ci, .w_cf = w_cf,
             .w_co = w_co, .T = T, .B = B, .H = H, .G = coupled ? 3 : 4,
             .skip_first_product = skip_first_product};
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
                           int phi2, int coupled, long T, long B, long H, int threads)
{
    job j = {.A = (real *)A, .C = (real *)C, .dA = dA, .dc = dc, .R = R, .c0 = c0,
             .dY = dY, .dh_T = dh_T, .cell = LSTM, .phi1 = phi1, .phi2 = phi2,
             .coupled = coupled, .w_ci = w_ci, .w_cf = w_cf, .w_co = w_co,
             .T = T, .B = B, .H = H, .G = coupled ? 3 : 4};
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
                         int threads)
{
    job j = {.A = A, .Y = Y, .Gn = Gn, .R = R, .bias = bias, .h0 = h0, .cell = GRU,
             .T = T, .B = B, .H = H, .G = 3, .skip_first_product = skip_first_product};
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
                          long T, long B, long H, int threads)
{
    job j = {.A = (real *)A, .Y = (real *)Y, .Gn = (real *)Gn, .R = R, .h0 = h0, .dY = dY,
             .dh_T = dh_T, .dc = carry, .dA = D, .cell = GRU, .T = T, .B = B, .H = H, .G = 3,
             .ld_da = 4 * H, .K_da = 3 * H};
    return backward(&j, threads);
}

/*
 * GRU (reset before R, Cho et al. 2014) forward over a sequence. Gate blocks (r, u, n).
 *   in:  A = W x_t for every t;  R (3H, H);  bias (3H) = b_ih + b_hh;  h0
 *   out: A <- the gates r, u, n;  Y = h_t and RH = r_t h_{t-1} for every t
 * Returns 0 (a forward loop allocates nothing; the return is the backward's interface).
 */
int gru_before_forward_sequence(real *A, real *Y, real *RH, const real *R, const real *bias,
                                const real *h0, long T, long B, long H, int skip_first_product,
                                int threads)
{
    job j = {.A = A, .Y = Y, .Gn = RH, .R = R, .bias = bias, .h0 = h0, .cell = GRU_BEFORE,
             .T = T, .B = B, .H = H, .G = 3, .skip_first_product = skip_first_product};
    return forward(&j, threads);
}

/*
 * GRU (reset before R) backward through a sequence (BPTT).
 *   in:  A the gates, Y from the forward;  R;  h0;  dY (T, B, H) = dL/dh_t from above;
 *        dh_T (B, H) = dL/dh_{T-1} through the final state;  carry (B, H) = 0
 *   out: dA (T, B, 3H) = da_r, da_u, da_n for every t;  carry <- what reaches h_{-1} outside
 *        R_{r,u} (dh_0 u_0 + d(rh)_0 r_0)
 * Returns 0, or -1 when memory runs out.
 */
int gru_before_backward_sequence(const real *A, const real *Y, const real *R, const real *h0,
                                 const real *dY, const real *dh_T, real *carry, real *dA, long T,
                                 long B, long H, int threads)
{
    job j = {.A = (real *)A, .Y = (real *)Y, .R = R, .h0 = h0, .dY = dY, .dh_T = dh_T,
             .dc = carry, .dA = dA, .cell = GRU_BEFORE, .T = T, .B = B, .H = H, .G = 3};
    return backward(&j, threads);
}
