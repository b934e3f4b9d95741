import * as OTPAuth from 'otpauth';

/**
 * What a 2FA account's sign-ins need. The server takes each TOTP step once (and a step either side of
 * now), so `next` hands out the unused steps from the clock's time on (now and the next), then the recovery codes: enough
 * for the few sign-ins a test or a seed makes without sleeping. Shared by the server tests, the browser
 * tests' seeding and the bench.
 */
export interface SecondFactor {
  secret: string;
  recoveryCodes: string[];
  next(): string;
}

export function secondFactor(secret: string, now: () => number = Date.now): SecondFactor {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
  let lastStep = Number.NEGATIVE_INFINITY;
  let recoveryUsed = 0;
  const factor: SecondFactor = {
    secret,
    recoveryCodes: [],
    next() {
      const current = Math.floor(now() / 30_000);
      // never the step before now: on a real clock it may expire between handing it out and the server
      // checking it (a sign-in takes seconds), which made a browser journey fail now and then
      const step = Math.max(current, lastStep + 1);
      if (step <= current + 1) {
        lastStep = step;
        return totp.generate({ timestamp: step * 30_000 });
      }
      const code = factor.recoveryCodes[recoveryUsed++];
      if (!code) throw new Error('every TOTP step around now and every recovery code is used: advance the clock');
      return code;
    },
  };
  return factor;
}
