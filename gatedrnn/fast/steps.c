/*
 * The pointwise work of one time step of the subLSTM, the LSTM variants and the GRU, forward and
 * backward.
 *
 * The subLSTM, the LSTM variants and the GRU (reset after R, or before) run their whole loop over
 * time in C (loops.c), on the functions below for the hidden units of one batch element. The
 * Python kernels keep the same equations written with torch operations, used when this file
 * cannot be compiled, and the tests hold the two equal.
 *
 * compiled.py builds loops.c, which includes this file, twice: -DREAL_BITS=32 (float) and
 * -DREAL_BITS=64 (double). Every array is C-contiguous. A gate buffer (B, G*H) holds in each row
 * its G gate blocks of H.
 */

#include <stdint.h>
#include <string.h>

#if REAL_BITS == 64
typedef double real;
typedef int64_t real_bits;
#define EXP_MIN (-708.3)
#define EXP_MAX 709.0
#define ROUND_MAGIC 6755399441055744.0              /* 1.5 * 2^52 */
#define ROUND_MAGIC_BITS ((int64_t)0x4338000000000000)
#define EXPONENT_BIAS 1023
#define MANTISSA_BITS 52
#else
typedef float real;
typedef int32_t real_bits;
#define EXP_MIN (-87.3f)
#define EXP_MAX 88.3f
#define ROUND_MAGIC 12582912.0f                     /* 1.5 * 2^23 */
#define ROUND_MAGIC_BITS ((int32_t)0x4B400000)
#define EXPONENT_BIAS 127
#define MANTISSA_BITS 23
#endif

/*
 * e^x, written so that a loop of it vectorizes (no branch, no library call).
 *
 * x = n ln 2 + r with n = round(x / ln 2) and |r| <= ln 2 / 2; e^x = 2^n e^r. Adding 1.5 * 2^m
 * (m mantissa bits) rounds x / ln 2 to the integer n and leaves n in the low bits of the sum,
 * from which 2^n is built directly. e^r comes from the Cephes polynomials (float) and Pade
 * approximant (double): within a couple of units in the last place. x is clamped so that 2^n
 * stays a normal number; a NaN stays NaN.
 */
static inline real exp_real(real x)
{
    x = x < EXP_MIN ? EXP_MIN : x;
    x = x > EXP_MAX ? EXP_MAX : x;
    real t = x * (real)1.44269504088896340736 + ROUND_MAGIC;
    real n = t - ROUND_MAGIC;
#if REAL_BITS == 64
    real r = x - n * 6.93145751953125e-1 - n * 1.42860682030941723212e-6;
    real rr = r * r;
    real p = r * ((1.26177193074810590878e-4 * rr + 3.02994407707441961300e-2) * rr
                  + 9.99999999999999999910e-1);
    real q = ((3.00198505138664455042e-6 * rr + 2.52448340349684104192e-3) * rr
              + 2.27265548208155028766e-1) * rr + 2.00000000000000000009e0;
    real e_r = 1.0 + 2.0 * p / (q - p);
#else
    real r = x - n * 0.693359375f + n * 2.12194440e-4f;
    real p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    real e_r = p * r * r + r + 1.0f;
#endif
    real_bits k;
    memcpy(&k, &t, sizeof k);
    k = (k - ROUND_MAGIC_BITS + EXPONENT_BIAS) << MANTISSA_BITS; /* the bits of 2^n */
    real two_n;
    memcpy(&two_n, &k, sizeof two_n);
    return e_r * two_n;
}

static inline real sigmoid(real x) { return 1 / (1 + exp_real(-x)); }

/*
 * tanh(x): near 0 the Cephes odd polynomial (float) or rational function (double), elsewhere
 * 1 - 2 / (e^{2|x|} + 1) with x's sign; within a couple of units in the last place.
 */
static inline real tanh_real(real x)
{
    real ax = x < 0 ? -x : x, xx = x * x;
#if REAL_BITS == 64
    real near_zero = x + x * xx * ((-9.64399179425052238628e-1 * xx - 9.92877231001918586564e1) * xx
                                   - 1.61468768441708447952e3)
                         / (((xx + 1.12811678491632931402e2) * xx + 2.23548839060100448583e3) * xx
                            + 4.84406305325125486048e3);
#else
    real near_zero = ((((-5.70498872745e-3f * xx + 2.06390887954e-2f) * xx - 5.37397155531e-2f) * xx
                       + 1.33314422036e-1f) * xx - 3.33332819422e-1f) * xx * x + x;
#endif
    real far = 1 - 2 / (exp_real(2 * ax) + 1);
    far = x < 0 ? -far : far;
    return ax < (real)0.625 ? near_zero : far;
}

/* sigma'(a) from s = sigma(a) */
static inline real sigmoid_prime(real s) { return s * (1 - s); }

/*
 * subLSTM, one row of hidden units u0 … u0+n-1 of one batch element (loops.c runs them; each
 * pointer is already offset to unit u0). Gate blocks (i, f, z, o), or (i, z, o) with a fixed
 * forget gate f = sigma(forget_logit): then f_fixed points at it, else NULL.
 *
 * Forward, from the pre-activations a_i, a_f, a_z, a_o (W x_t + R h_{t-1} + b) and c_{t-1}:
 *
 *   i, f, z, o <- sigma(a_i), sigma(a_f), sigma(a_z), sigma(a_o)   (the gates, in place)
 *   c = f * c_{t-1} + z - i;   h = sigma(c) - o
 */
static inline void sublstm_forward_units(real *restrict i, real *restrict f, real *restrict z,
                                         real *restrict o, const real *restrict f_fixed,
                                         const real *restrict c_prev, real *restrict c,
                                         real *restrict h, long n)
{
    for (long k = 0; k < n; k++) {
        i[k] = sigmoid(i[k]);
        z[k] = sigmoid(z[k]);
        o[k] = sigmoid(o[k]);
    }
    if (!f_fixed)
        for (long k = 0; k < n; k++)
            f[k] = sigmoid(f[k]);
    const real *forget = f_fixed ? f_fixed : f;
    for (long k = 0; k < n; k++) {
        c[k] = forget[k] * c_prev[k] + z[k] - i[k];
        h[k] = sigmoid(c[k]) - o[k];
    }
}

/*
 * subLSTM, backward through step t. With sigma' = sigma (1 - sigma) and sigma(c_t) = h_t + o:
 *
 *   dc_t = dc + dh * sigma'(c_t)            (dc on entry: dc_{t+1} * f_{t+1})
 *   da   = [-dc_t sigma'(i),  dc_t c_{t-1} sigma'(f),  dc_t sigma'(z),  -dh sigma'(o)]
 *   dc  <- dc_t * f                         (what reaches c_{t-1})
 *
 *   in:  the gates i, f, z, o;  c_prev, h = c_{t-1}, h_t;  dh = dL/dh_t
 *   out: da_i, da_f, da_z, da_o;  dc updated in place.  With a fixed forget gate da_f is NULL
 *        and dc_t receives dc_t (its gradient needs sum_t sum_b dc_t c_{t-1}, summed afterwards)
 */
static inline void sublstm_backward_units(const real *restrict i, const real *restrict f,
                                          const real *restrict z, const real *restrict o,
                                          const real *restrict c_prev, const real *restrict h,
                                          const real *restrict dh, real *restrict dc,
                                          real *restrict da_i, real *restrict da_f,
                                          real *restrict da_z, real *restrict da_o,
                                          real *restrict dc_t, long n)
{
    if (da_f) {
        for (long k = 0; k < n; k++) {
            real dc_tk = dc[k] + dh[k] * sigmoid_prime(h[k] + o[k]);
            da_i[k] = -dc_tk * sigmoid_prime(i[k]);
            da_f[k] = dc_tk * c_prev[k] * sigmoid_prime(f[k]);
            da_z[k] = dc_tk * sigmoid_prime(z[k]);
            da_o[k] = -dh[k] * sigmoid_prime(o[k]);
            dc[k] = dc_tk * f[k];
        }
    } else {
        for (long k = 0; k < n; k++) {
            real dc_tk = dc[k] + dh[k] * sigmoid_prime(h[k] + o[k]);
            da_i[k] = -dc_tk * sigmoid_prime(i[k]);
            da_z[k] = dc_tk * sigmoid_prime(z[k]);
            da_o[k] = -dh[k] * sigmoid_prime(o[k]);
            dc_t[k] = dc_tk;
            dc[k] = dc_tk * f[k];
        }
    }
}

/*
 * GRU with the reset gate after R (torch.nn.GRU's form), for the same row of units as above.
 * Forward, from a_r, a_u = W x_t + b_i + R h_{t-1} + b_h (their blocks), a_n = W_n x_t + b_in
 * and g_n = R_n h_{t-1} + b_hn:
 *
 *   r = sigma(a_r),  u = sigma(a_u),  n = tanh(a_n + r g_n)     (in place of a_r, a_u, a_n)
 *   h = u h_{t-1} + (1 - u) n
 */
static inline void gru_forward_units(real *restrict r, real *restrict u, real *restrict n,
                                     const real *restrict g_n, const real *restrict h_prev,
                                     real *restrict h, long count)
{
    for (long k = 0; k < count; k++) {
        r[k] = sigmoid(r[k]);
        u[k] = sigmoid(u[k]);
        n[k] = tanh_real(n[k] + r[k] * g_n[k]);
        h[k] = n[k] + u[k] * (h_prev[k] - n[k]);
    }
}

/*
 * GRU (reset after R), backward through step t. With dh_t = dh + carry (carry on entry: what
 * reaches h_t from step t+1 outside R, dh_{t+1} u_{t+1}):
 *
 *   da_n = dh_t (1 - u) (1 - n^2),   dg_n = da_n r,   da_r = da_n g_n sigma'(r),
 *   da_u = dh_t (h_{t-1} - n) sigma'(u),   carry <- dh_t u
 *
 *   in:  the gates r, u, n;  g_n, h_prev;  dh = dL/dh_t from above and through R
 *   out: da_r, da_u, dg_n, da_n;  carry updated in place
 */
static inline void gru_backward_units(const real *restrict r, const real *restrict u,
                                      const real *restrict n, const real *restrict g_n,
                                      const real *restrict h_prev, const real *restrict dh,
                                      real *restrict carry, real *restrict da_r,
                                      real *restrict da_u, real *restrict dg_n,
                                      real *restrict da_n, long count)
{
    for (long k = 0; k < count; k++) {
        real dh_t = dh[k] + carry[k];
        real dn = dh_t * (1 - u[k]) * (1 - n[k] * n[k]);
        da_n[k] = dn;
        dg_n[k] = dn * r[k];
        da_r[k] = dn * g_n[k] * sigmoid_prime(r[k]);
        da_u[k] = dh_t * (h_prev[k] - n[k]) * sigmoid_prime(u[k]);
        carry[k] = dh_t * u[k];
    }
}

/*
 * GRU (reset before R, Cho et al. 2014), forward through step t, in two parts around the product
 * R_n (r ⊙ h_{t-1}):
 *
 *   gates:   r = sigma(a_r), u = sigma(a_u), rh = r h_{t-1}
 *   output:  n = tanh(a_n), h = n + u (h_{t-1} - n)
 */
static inline void gru_before_gates(real *restrict r, real *restrict u,
                                    const real *restrict h_prev, real *restrict rh, long count)
{
    for (long k = 0; k < count; k++) {
        r[k] = sigmoid(r[k]);
        u[k] = sigmoid(u[k]);
        rh[k] = r[k] * h_prev[k];
    }
}

static inline void gru_before_output(const real *restrict u, real *restrict n,
                                     const real *restrict h_prev, real *restrict h, long count)
{
    for (long k = 0; k < count; k++) {
        n[k] = tanh_real(n[k]);
        h[k] = n[k] + u[k] * (h_prev[k] - n[k]);
    }
}

/*
 * GRU (reset before R), backward through step t, in two parts around the product
 * d(rh) = da_n R_n. With dh_t = dh + carry (carry: what reaches h_t from step t+1 outside R_ru):
 *
 *   first:   da_u = dh_t (h_{t-1} - n) sigma'(u),   da_n = dh_t (1 - u) (1 - n^2),
 *            dh <- dh_t
 *   second:  da_r = d(rh) h_{t-1} sigma'(r),   carry <- dh_t u + d(rh) r
 */
static inline void gru_before_backward_first(const real *restrict u, const real *restrict n,
                                             const real *restrict h_prev, real *restrict dh,
                                             const real *restrict carry, real *restrict da_u,
                                             real *restrict da_n, long count)
{
    for (long k = 0; k < count; k++) {
        const real dh_t = dh[k] + carry[k];
        da_u[k] = dh_t * (h_prev[k] - n[k]) * sigmoid_prime(u[k]);
        da_n[k] = dh_t * (1 - u[k]) * (1 - n[k] * n[k]);
        dh[k] = dh_t;
    }
}

static inline void gru_before_backward_second(const real *restrict r, const real *restrict u,
                                              const real *restrict h_prev,
                                              const real *restrict dh, const real *restrict drh,
                                              real *restrict carry, real *restrict da_r,
                                              long count)
{
    for (long k = 0; k < count; k++) {
        da_r[k] = drh[k] * h_prev[k] * sigmoid_prime(r[k]);
        carry[k] = dh[k] * u[k] + drh[k] * r[k];
    }
}

/*
 * The LSTM variants: phi1 and phi2 named (identity, tanh, sigmoid, relu), peepholes, coupled gates.
 * Gate blocks (i, f, z, o), or (i, z, o) when coupled (f = 1 - i). A peephole weight is NULL when
 * the cell has none. The codes of phi are those of compiled.py.
 */
enum { PHI_IDENTITY = 0, PHI_TANH = 1, PHI_SIGMOID = 2, PHI_RELU = 3 };

/* y = phi(x) for n values; y may be x */
static void phi_apply(int phi, const real *x, real *y, long n)
{
    switch (phi) {
    case PHI_TANH:
        for (long k = 0; k < n; k++)
            y[k] = tanh_real(x[k]);
        break;
    case PHI_SIGMOID:
        for (long k = 0; k < n; k++)
            y[k] = sigmoid(x[k]);
        break;
    case PHI_RELU:
        for (long k = 0; k < n; k++)
            y[k] = x[k] < 0 ? 0 : x[k]; /* a NaN stays NaN */
        break;
    default:
        for (long k = 0; k < n; k++)
            y[k] = x[k];
    }
}

/* d = phi'(x) from y = phi(x), for n values */
static void phi_prime(int phi, const real *restrict y, real *restrict d, long n)
{
    switch (phi) {
    case PHI_TANH:
        for (long k = 0; k < n; k++)
            d[k] = 1 - y[k] * y[k];
        break;
    case PHI_SIGMOID:
        for (long k = 0; k < n; k++)
            d[k] = sigmoid_prime(y[k]);
        break;
    case PHI_RELU:
        for (long k = 0; k < n; k++)
            d[k] = y[k] > 0 ? 1 : 0;
        break;
    default:
        for (long k = 0; k < n; k++)
            d[k] = 1;
    }
}

/*
 * LSTM variant, one row of hidden units u0 … u0+n-1 of one batch element (loops.c runs them;
 * each pointer is already offset to unit u0; f is unused when coupled). Forward, from the
 * pre-activations a_i, a_f, a_z, a_o (W x_t + R h_{t-1} + b) and c_{t-1}:
 *
 *   i = sigma(a_i + w_ci c_{t-1}),  f = sigma(a_f + w_cf c_{t-1}) or 1 - i,  z = phi1(a_z)
 *   c = f c_{t-1} + i z  (coupled: c_{t-1} + i (z - c_{t-1}))
 *   o = sigma(a_o + w_co c_t);  h = o phi2(c)
 *
 * The gates i, f, z, o replace the pre-activations.
 */
static inline void lstm_forward_units(real *restrict i, real *restrict f, real *restrict z,
                                      real *restrict o, const real *restrict c_prev,
                                      real *restrict c, real *restrict h,
                                      const real *restrict w_ci, const real *restrict w_cf,
                                      const real *restrict w_co, int phi1, int phi2, int coupled,
                                      long n)
{
    if (w_ci)
        for (long k = 0; k < n; k++)
            i[k] += w_ci[k] * c_prev[k];
    if (w_cf && !coupled)
        for (long k = 0; k < n; k++)
            f[k] += w_cf[k] * c_prev[k];
    for (long k = 0; k < n; k++)
        i[k] = sigmoid(i[k]);
    if (!coupled)
        for (long k = 0; k < n; k++)
            f[k] = sigmoid(f[k]);
    phi_apply(phi1, z, z, n);
    if (coupled)
        for (long k = 0; k < n; k++)
            c[k] = c_prev[k] + i[k] * (z[k] - c_prev[k]);
    else
        for (long k = 0; k < n; k++)
            c[k] = f[k] * c_prev[k] + i[k] * z[k];
    if (w_co)
        for (long k = 0; k < n; k++)
            o[k] += w_co[k] * c[k];
    for (long k = 0; k < n; k++)
        o[k] = sigmoid(o[k]);
    phi_apply(phi2, c, h, n);
    for (long k = 0; k < n; k++)
        h[k] *= o[k];
}

/*
 * LSTM variant, backward through step t, for the same row of units. With p = phi2(c_t):
 *
 *   da_o = dh p sigma'(o),   dh/dc_t = o phi2'(c_t) + w_co p sigma'(o)
 *   dc_t = dc + dh dh/dc_t                   (dc on entry: what reaches c_t from step t+1)
 *   da_i = dc_t z sigma'(i)   (coupled: dc_t (z - c_{t-1}) sigma'(i))
 *   da_f = dc_t c_{t-1} sigma'(f),   da_z = dc_t i phi1'(z)
 *   dc  <- dc_t f  (coupled: dc_t (1 - i))  + w_ci da_i + w_cf da_f
 *
 *   in:  the gates i, f, z, o;  c_prev, c = c_{t-1}, c_t;  dh = dL/dh_t;  scratch: 2n values
 *   out: da_i, da_f, da_z, da_o;  dc updated in place
 */
static inline void lstm_backward_units(const real *restrict i, const real *restrict f,
                                       const real *restrict z, const real *restrict o,
                                       const real *restrict c_prev, const real *restrict c,
                                       const real *restrict dh, real *restrict dc,
                                       real *restrict da_i, real *restrict da_f,
                                       real *restrict da_z, real *restrict da_o,
                                       const real *restrict w_ci, const real *restrict w_cf,
                                       const real *restrict w_co, int phi1, int phi2,
                                       int coupled, real *restrict scratch, long n)
{
    real *p = scratch, *q = scratch + n; /* p = phi2(c_t), then dc_t;  q = dh/dc_t, then phi1' */
    phi_apply(phi2, c, p, n);
    phi_prime(phi2, p, q, n);
    if (w_co)
        for (long k = 0; k < n; k++) {
            real p_sigma_o = p[k] * sigmoid_prime(o[k]);
            da_o[k] = dh[k] * p_sigma_o;
            q[k] = o[k] * q[k] + w_co[k] * p_sigma_o;
        }
    else
        for (long k = 0; k < n; k++) {
            da_o[k] = dh[k] * p[k] * sigmoid_prime(o[k]);
            q[k] = o[k] * q[k];
        }
    for (long k = 0; k < n; k++)
        p[k] = dc[k] + dh[k] * q[k]; /* dc_t */
    phi_prime(phi1, z, q, n);
    if (coupled)
        for (long k = 0; k < n; k++) {
            da_i[k] = p[k] * (z[k] - c_prev[k]) * sigmoid_prime(i[k]);
            da_z[k] = p[k] * i[k] * q[k];
            dc[k] = p[k] * (1 - i[k]);
        }
    else
        for (long k = 0; k < n; k++) {
            da_i[k] = p[k] * z[k] * sigmoid_prime(i[k]);
            da_f[k] = p[k] * c_prev[k] * sigmoid_prime(f[k]);
            da_z[k] = p[k] * i[k] * q[k];
            dc[k] = p[k] * f[k];
        }
    if (w_ci)
        for (long k = 0; k < n; k++)
            dc[k] += w_ci[k] * da_i[k];
    if (w_cf && !coupled)
        for (long k = 0; k < n; k++)
            dc[k] += w_cf[k] * da_f[k];
}
