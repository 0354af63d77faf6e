import { describe, expect, it } from "vitest";
import {
  binomialLower,
  binomialUpper,
  lnGamma,
  negBinomialLower,
  negBinomialUpper,
  normalCdf,
  normalQuantile,
  poissonLognormalLower,
  poissonLognormalUpper,
  poissonLower,
  poissonUpper,
  studentQuantileUpper,
  zOfUpperTail,
} from "../src/stats";

// Reference values from scipy 1.17 (scipy.stats poisson/binom/nbinom/norm/t, scipy.special.gammaln; the
// Poisson–lognormal by scipy.integrate.quad over the normal).
const close = (actual: number, expected: number, rel = 1e-6) =>
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThan(rel);

describe("distributions", () => {
  it("ln Γ", () => {
    close(lnGamma(0.5), 0.5723649429247001);
    close(lnGamma(1000.5), 5908.674175848678);
  });

  it("Poisson and binomial tails", () => {
    close(poissonUpper(5, 1.2), 0.007745788276441408);
    close(poissonUpper(40, 10), 7.341636314560681e-13);
    close(poissonLower(2, 10), 0.0027693957155115775);
    close(binomialUpper(30, 1000, 0.01), 2.059988850971949e-7);
    close(binomialLower(3, 200, 0.1), 1.4607875176815587e-6);
    expect(poissonUpper(0, 3)).toBe(1);
    expect(binomialUpper(11, 10, 0.5)).toBe(0);
  });

  it("negative binomial tails (mean, variance mean + d·mean²)", () => {
    close(negBinomialUpper(60, 20, 0.05), 2.0970212044620516e-6);
    close(negBinomialLower(5, 30, 0.1), 0.000794949010014534);
    close(negBinomialUpper(3, 0.4, 0.5), 0.016203703703703696);
    // no dispersion: the Poisson
    expect(negBinomialUpper(5, 1.2, 0)).toBe(poissonUpper(5, 1.2));
  });

  it("Poisson–lognormal tails on both of its quadratures", () => {
    close(poissonLognormalUpper(60, 20, 0.3), 0.0002721696586397226, 2e-4);
    close(poissonLognormalUpper(400, 100, 0.4), 0.00013947899139984862, 2e-4);
    close(poissonLognormalUpper(3, 0.5, 0.8), 0.032376224696264146, 2e-4);
    close(poissonLognormalLower(33, 100, 0.4), 0.009799643775462469, 2e-3);
    close(poissonLognormalLower(10, 30, 0.1), 0.0001110977333016486, 2e-4);
  });

  it("normal and Student quantiles", () => {
    close(normalQuantile(0.999), 3.090232306167813, 1e-6);
    close(normalQuantile(1e-10), -6.361340902404056, 1e-6);
    close(zOfUpperTail(1e-20), 9.262340089798409, 1e-6);
    close(normalCdf(-2.5), 0.006209665325776132, 1e-6);
    close(studentQuantileUpper(normalCdf(-3.75), 27), 4.344761630484483, 1e-5);
  });
});
