import {
  durationAt,
  FULL_VCPU_MB,
  kneeOf,
  LATENCY_FACTOR,
  memoryCurve,
  MEMORY_STEPS_MB,
} from '../../../bench/cost/power-tuning';
import { PRICES } from '../../../bench/cost/prices';

describe('the memory model the bench draws its curves with', () => {
  it('stretches CPU by 1769 / memory below one vCPU, not above it, and never the waits', () => {
    // Prepare
    const profile = { cpuMicros: 10_000, ioWaitMs: 8 };

    // Act
    const at128 = durationAt(profile, 128);
    const atFull = durationAt(profile, FULL_VCPU_MB);
    const at2048 = durationAt(profile, 2048);

    // Assess
    expect(at128).toBeCloseTo(10 * (1769 / 128) + 8, 6);
    expect(atFull).toBeCloseTo(18, 6);
    expect(at2048).toBeCloseTo(18, 6);
  });

  it('prices each point as the request charge plus arm64 GB-s of the duration rounded up to 1 ms', () => {
    // Prepare
    const profile = { cpuMicros: 1_000, ioWaitMs: 0.5 };

    // Act
    const points = memoryCurve(profile);
    const at1024 = points.find((point) => point.memoryMb === 1024);

    // Assess
    expect(points.map((point) => point.memoryMb)).toEqual([...MEMORY_STEPS_MB]);
    expect(at1024?.billedMs).toBe(3);
    expect(at1024?.dollarsPerMillion).toBeCloseTo(
      PRICES.lambdaRequestsPerMillion + 0.003 * 1 * PRICES.lambdaArmPerGbSecond * 1e6,
      9,
    );
  });

  it('marks the cheapest memory within the latency factor of the fastest as the knee', () => {
    // Prepare
    const cpuBound = memoryCurve({ cpuMicros: 20_000, ioWaitMs: 1 });
    const waiting = memoryCurve({ cpuMicros: 200, ioWaitMs: 50 });

    // Act
    const cpuKnee = kneeOf(cpuBound);
    const waitKnee = kneeOf(waiting);

    // Assess
    const fastest = Math.min(...cpuBound.map((point) => point.durationMs));
    expect(cpuKnee.durationMs).toBeLessThanOrEqual(fastest * LATENCY_FACTOR);
    const cheaperButSlower = cpuBound.filter(
      (point) => point.dollarsPerMillion < cpuKnee.dollarsPerMillion,
    );
    for (const point of cheaperButSlower) {
      expect(point.durationMs).toBeGreaterThan(fastest * LATENCY_FACTOR);
    }
    expect(waitKnee.memoryMb).toBe(128);
  });
});
