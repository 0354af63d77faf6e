// The few distributions the detector needs, written out (Numerical Recipes, 3rd ed., ch. 6; Acklam's
// normal quantile, erfc) rather than pulled from a statistics library: tails of the Poisson, binomial and
// negative binomial distributions through the regularized incomplete gamma and beta functions, and the
// normal quantile to report every test as a z. Checked against scipy in test/stats.test.ts.

const LANCZOS = [
  57.15623566586292, -59.59796035547549, 14.136097974741746, -0.4919138160976202, 3.399464998481189e-5,
  4.652362892704858e-5, -9.837447530487956e-5, 0.0001580887032249125, -0.00021026444172410488,
  0.00021743961811521265, -0.0001643181065367639, 8.441822398385275e-5, -2.6190838401581408e-5,
  3.6899182659531625e-6,
];

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`lnGamma needs x > 0, not ${x}`);
  let y = x;
  const tmp = x + 5.2421875 - (x + 0.5) * Math.log(x + 5.2421875);
  let ser = 0.999999999999997;
  for (const c of LANCZOS) ser += c / ++y;
  return -tmp + Math.log((2.5066282746310007 * ser) / x);
}

const EPS = 1e-15;
const TINY = 1e-300;

/** Regularized lower incomplete gamma P(a, x). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x < a + 1) {
    // series
    let sum = 1 / a;
    let del = sum;
    for (let ap = a, n = 0; n < 10_000; n++) {
      del *= x / ++ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    return Math.min(1, sum * Math.exp(-x + a * Math.log(x) - lnGamma(a)));
  }
  return 1 - gammaQContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate in the far tail. */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x < a + 1) return 1 - gammaP(a, x);
  return gammaQContinuedFraction(a, x);
}

function gammaQContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

/** Regularized incomplete beta I_x(a, b). */
export function betaI(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** P(X ≥ k) for X ~ Poisson(mean). */
export function poissonUpper(k: number, mean: number): number {
  if (k <= 0) return 1;
  if (mean <= 0) return 0;
  return gammaP(k, mean);
}

/** P(X ≤ k) for X ~ Poisson(mean). */
export function poissonLower(k: number, mean: number): number {
  if (k < 0) return 0;
  if (mean <= 0) return 1;
  return gammaQ(k + 1, mean);
}

/** P(X ≥ k) for X ~ Binomial(n, p). */
export function binomialUpper(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  return betaI(p, k, n - k + 1);
}

/** P(X ≤ k) for X ~ Binomial(n, p). */
export function binomialLower(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  return betaI(1 - p, n - k, k + 1);
}

/**
 * P(X ≥ k) for a negative binomial with mean `mean` and variance mean + dispersion · mean² (the NB2
 * parametrisation of count regression; dispersion 0 is the Poisson).
 */
export function negBinomialUpper(k: number, mean: number, dispersion: number): number {
  if (dispersion <= 1e-12) return poissonUpper(k, mean);
  if (k <= 0) return 1;
  if (mean <= 0) return 0;
  const size = 1 / dispersion;
  return betaI(mean / (size + mean), k, size);
}

/** P(X ≤ k) for the negative binomial of negBinomialUpper. */
export function negBinomialLower(k: number, mean: number, dispersion: number): number {
  if (dispersion <= 1e-12) return poissonLower(k, mean);
  if (k < 0) return 0;
  if (mean <= 0) return 1;
  const size = 1 / dispersion;
  return betaI(size / (size + mean), size, k + 1);
}

/** Φ⁻¹(p), Acklam's rational approximation refined by one Halley step (relative error < 1e-13). */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  let x: number;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - lo) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Φ(x). */
export function normalCdf(x: number): number {
  return x < 0 ? 0.5 * erfc(-x / Math.SQRT2) : 1 - 0.5 * erfc(x / Math.SQRT2);
}

/** erfc(x) for x ≥ 0: Numerical Recipes' Chebyshev fit, fractional error below 1.2e-7 everywhere. */
function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * Math.exp(-x * x + poly);
}

/** The z of a one-sided upper tail probability: Φ⁻¹(1 − p), computed without cancellation. */
export function zOfUpperTail(p: number): number {
  return -normalQuantile(Math.min(1, Math.max(p, 1e-300)));
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median absolute deviation, scaled by 1.4826 to estimate σ of a normal distribution. */
export function madSigma(values: readonly number[], center = median(values)): number {
  return 1.4826 * median(values.map((v) => Math.abs(v - center)));
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((s, v) => s + v, 0) / values.length;
}

/** Sample standard deviation (n − 1). */
export function stdev(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}

/**
 * Gauss–Hermite nodes and weights (∫ e^{−x²} f(x) dx ≈ Σ wᵢ f(xᵢ)), by Newton's method on the Hermite
 * recurrence (Numerical Recipes' gauher).
 */
export function gaussHermite(n: number): { x: number[]; w: number[] } {
  const x = new Array<number>(n).fill(0);
  const w = new Array<number>(n).fill(0);
  const PIM4 = 0.7511255444649425;
  const m = (n + 1) >> 1;
  let z = 0;
  for (let i = 0; i < m; i++) {
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * (2 * n + 1) ** -0.16667;
    else if (i === 1) z -= (1.14 * n ** 0.426) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * x[0]!;
    else if (i === 3) z = 1.91 * z - 0.91 * x[1]!;
    else z = 2 * z - x[i - 2]!;
    let pp = 0;
    for (let its = 0; its < 100; its++) {
      let p1 = PIM4;
      let p2 = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / (j + 1)) * p2 - Math.sqrt(j / (j + 1)) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= 1e-14) break;
    }
    x[i] = z;
    x[n - 1 - i] = -z;
    w[i] = 2 / (pp * pp);
    w[n - 1 - i] = w[i]!;
  }
  return { x, w };
}

const HERMITE = gaussHermite(24);

/**
 * P(X ≥ k) for a Poisson–lognormal count: X ~ Poisson(mean · e^{σZ − σ²/2}), Z standard normal (so the
 * mean is `mean` and the rate varies by σ on the log scale). σ = 0 is the Poisson.
 *
 * Two quadratures, whichever integrand is smooth: over Z of the Poisson tail while counting noise is
 * the wider one (σ√k ≤ 2.5); otherwise, since P(Poisson(μ) ≥ k) = P(Gamma(k) ≤ μ), over the Gamma
 * variable (Wilson–Hilferty: its cube root is nearly normal) of the normal tail in σ.
 */
export function poissonLognormalUpper(k: number, mean: number, sigma: number): number {
  if (k <= 0) return 1;
  if (mean <= 0) return 0;
  if (sigma <= 1e-9) return poissonUpper(k, mean);
  if (sigma * Math.sqrt(k) <= 2.5)
    return hermite((z) => poissonUpper(k, mean * Math.exp(sigma * z - (sigma * sigma) / 2)));
  return hermite((w) =>
    normalCdf((Math.log(mean) - sigma ** 2 / 2 - Math.log(wilsonHilferty(k, w))) / sigma),
  );
}

/** P(X ≤ k) for the Poisson–lognormal count of poissonLognormalUpper. */
export function poissonLognormalLower(k: number, mean: number, sigma: number): number {
  if (k < 0) return 0;
  if (mean <= 0) return 1;
  if (sigma <= 1e-9) return poissonLower(k, mean);
  if (sigma * Math.sqrt(k + 1) <= 2.5)
    return hermite((z) => poissonLower(k, mean * Math.exp(sigma * z - (sigma * sigma) / 2)));
  // P(Poisson(μ) ≤ k) = P(Gamma(k + 1) > μ).
  return hermite((w) =>
    normalCdf((Math.log(wilsonHilferty(k + 1, w)) - Math.log(mean) + sigma ** 2 / 2) / sigma),
  );
}

/** E[f(Z)] for a standard normal Z. */
function hermite(f: (z: number) => number): number {
  let sum = 0;
  for (let i = 0; i < HERMITE.x.length; i++) sum += HERMITE.w[i]! * f(Math.SQRT2 * HERMITE.x[i]!);
  return Math.min(1, Math.max(0, sum / Math.sqrt(Math.PI)));
}

/** The Gamma(a, 1) variable whose Wilson–Hilferty normal score is w. */
function wilsonHilferty(a: number, w: number): number {
  const c = 1 - 1 / (9 * a) + w / (3 * Math.sqrt(a));
  return a * Math.max(c, 1e-6) ** 3;
}

/** P(T ≥ t) for Student's t with ν degrees of freedom. */
export function studentUpper(t: number, nu: number): number {
  const tail = 0.5 * betaI(nu / (nu + t * t), nu / 2, 0.5);
  return t >= 0 ? tail : 1 - tail;
}

const studentCache = new Map<string, number>();

/** The t with P(T ≥ t) = p (p < ½), by bisection on studentUpper; cached (few distinct arguments). */
export function studentQuantileUpper(p: number, nu: number): number {
  const key = `${p}|${nu}`;
  const cached = studentCache.get(key);
  if (cached !== undefined) return cached;
  let lo = 0;
  let hi = 1;
  while (studentUpper(hi, nu) > p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (studentUpper(mid, nu) > p) lo = mid;
    else hi = mid;
  }
  studentCache.set(key, (lo + hi) / 2);
  return (lo + hi) / 2;
}
